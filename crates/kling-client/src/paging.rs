//! Cursor paging as a stream, shared by `POST /tasks` and the billing exports: each
//! page's `next_cursor` is sent back until `has_more` is false.

use futures_util::{Stream, TryStreamExt as _, stream};
use kling_api::requests_standard::TaskQuery;

use crate::error::Error;

/// One page of a cursor-paged answer.
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) has_more: bool,
    pub(crate) next_cursor: Option<String>,
}

/// Every item of every page from `first` on. A page that says `has_more` without a new
/// cursor ends the stream with [`Error::Decode`] rather than asking for the same page
/// forever.
pub(crate) fn cursor_stream<'a, T, F, Fut>(first: TaskQuery, fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: 'a,
    F: Fn(TaskQuery) -> Fut + 'a,
    Fut: std::future::Future<Output = Result<Page<T>, Error>> + 'a,
{
    stream::try_unfold((Some(first), fetch), move |(next, fetch)| async move {
        let Some(query) = next else { return Ok::<_, Error>(None) };
        let sent_cursor = query.cursor.clone();
        let page = fetch(query.clone()).await?;
        let following = match (page.has_more, page.next_cursor) {
            (false, _) => None,
            (true, Some(cursor)) if sent_cursor.as_deref() != Some(cursor.as_str()) => {
                Some(TaskQuery { cursor: Some(cursor), ..query })
            }
            (true, cursor) => {
                let why = if cursor.is_some() { "the same next_cursor again" } else { "no next_cursor" };
                return Err(Error::Decode {
                    status: 200,
                    message: format!("has_more with {why}"),
                    body: String::new(),
                });
            }
        };
        let items = page.items.into_iter().map(Ok::<_, Error>);
        Ok(Some((stream::iter(items), (following, fetch))))
    })
    .try_flatten()
}
