//! Calls of the new-standard API (REFERENCE-2026.md §a): a create per operation and
//! model, and one query API for every task of the account (`/tasks`). These paths take
//! API keys only, so the client needs [`crate::Config::with_api_key`] or `KLING_API_KEY`.

use futures_util::Stream;
use kling_api::requests_standard::{StandardRequest, TaskQuery};
use kling_api::wire_standard::{Created, Status, TaskItem, TaskPage};
use kling_api::{EndpointId, EndpointSpec, endpoints};
use reqwest::Method;

use crate::client::{Client, Polled, WaitOptions};
use crate::error::Error;
use crate::paging::{Page, cursor_stream};

/// The most ids one `GET /tasks` takes (REFERENCE-2026.md §a.5).
const IDS_PER_QUERY: usize = kling_api::standard::TASK_IDS_MAX;

/// Calls for one new-standard endpoint: `client.text_to_video_30().create(&request)`.
#[derive(Debug, Clone, Copy)]
pub struct StandardTasks<'a> {
    client: &'a Client,
    spec: &'static EndpointSpec,
}

impl StandardTasks<'_> {
    /// The endpoint's table entry (path, model, defaults).
    pub fn spec(&self) -> &'static EndpointSpec {
        self.spec
    }

    /// Creates a task, with the same retry rules as [`Client::create`]: after a failure
    /// that may have reached the server the body is only sent again when it has an
    /// `options.external_task_id` that `/tasks` does not know yet.
    pub async fn create(&self, request: &StandardRequest) -> Result<Created, Error> {
        let client = self.client;
        let path = self.spec.path;
        client
            .create_once(
                request.external_id(),
                || client.attempt::<Created>(Method::POST, path, Some(request)),
                |external| async move {
                    let found = client.tasks_by_external_ids(&[external.as_str()]).await?;
                    Ok(found
                        .into_iter()
                        .find(|t| t.external_id.as_deref() == Some(external.as_str()))
                        .map(created_from))
                },
            )
            .await
    }

    /// Creates a task and waits for it (see [`Client::wait_task`]).
    pub async fn run(
        &self,
        request: &StandardRequest,
        options: WaitOptions,
        progress: impl FnMut(&TaskItem),
    ) -> Result<TaskItem, Error> {
        let created = self.create(request).await?;
        self.client.wait_task(&created.id, options, progress).await
    }
}

fn created_from(item: TaskItem) -> Created {
    Created {
        id: item.id,
        status: item.status,
        message: item.message,
        create_time: item.create_time,
        update_time: item.update_time,
        external_id: item.external_id,
    }
}

impl Client {
    /// Calls for the new-standard endpoint `endpoint`; [`Error::Config`] for a legacy one.
    pub fn standard(&self, endpoint: EndpointId) -> Result<StandardTasks<'_>, Error> {
        let spec = endpoints::spec(endpoint);
        if spec.standard.is_none() {
            return Err(Error::Config(format!("{} is not a new-standard endpoint", spec.path)));
        }
        Ok(StandardTasks { client: self, spec })
    }

    fn standard_handle(&self, spec: &'static EndpointSpec) -> StandardTasks<'_> {
        StandardTasks { client: self, spec }
    }

    async fn tasks_by(&self, key: &str, ids: &[&str]) -> Result<Vec<TaskItem>, Error> {
        self.lookup("/tasks", key, ids, IDS_PER_QUERY).await
    }

    /// `GET path?key=a,b`: the items with these ids, `max` ids per request (ids are
    /// comma-separated, so one holding a comma cannot be asked for).
    pub(crate) async fn lookup<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        key: &str,
        ids: &[&str],
        max: usize,
    ) -> Result<Vec<T>, Error> {
        if let Some(id) = ids.iter().find(|id| id.contains(',')) {
            return Err(Error::Config(format!("{id:?} cannot be asked for: {path} separates ids with commas")));
        }
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(max) {
            let query =
                url::form_urlencoded::Serializer::new(String::new()).append_pair(key, &chunk.join(",")).finish();
            found.extend(self.read::<Vec<T>>(format!("{path}?{query}")).await?);
        }
        Ok(found)
    }

    /// The tasks with these ids, of any surface (`GET /tasks?task_ids=`); unknown ids are
    /// simply absent. More than 20 ids take several requests.
    pub async fn tasks_by_ids(&self, task_ids: &[&str]) -> Result<Vec<TaskItem>, Error> {
        self.tasks_by("task_ids", task_ids).await
    }

    /// The tasks with these caller ids (`GET /tasks?external_task_ids=`).
    pub async fn tasks_by_external_ids(&self, external_task_ids: &[&str]) -> Result<Vec<TaskItem>, Error> {
        self.tasks_by("external_task_ids", external_task_ids).await
    }

    /// One task by id; [`Error::UnknownTask`] when the account has none with that id.
    pub async fn task_item(&self, task_id: &str) -> Result<TaskItem, Error> {
        let found = self.tasks_by_ids(&[task_id]).await?;
        found.into_iter().find(|t| t.id == task_id).ok_or_else(|| Error::UnknownTask(task_id.to_owned()))
    }

    /// One task by the caller's own id; [`Error::UnknownTask`] when there is none.
    pub async fn task_item_by_external_id(&self, external_task_id: &str) -> Result<TaskItem, Error> {
        let found = self.tasks_by_external_ids(&[external_task_id]).await?;
        found
            .into_iter()
            .find(|t| t.external_id.as_deref() == Some(external_task_id))
            .ok_or_else(|| Error::UnknownTask(external_task_id.to_owned()))
    }

    /// One page of `POST /tasks`. Reading changes nothing, so any failure may be retried.
    pub async fn task_page(&self, query: &TaskQuery) -> Result<TaskPage, Error> {
        self.with_retries(|| self.attempt::<TaskPage>(Method::POST, "/tasks", Some(query)), |_| async { Ok(None) })
            .await
    }

    /// Every task the query selects, page after page by cursor, as a stream.
    pub fn task_stream(&self, query: TaskQuery) -> impl Stream<Item = Result<TaskItem, Error>> + '_ {
        cursor_stream(query, move |q| async move {
            let page = self.task_page(&q).await?;
            Ok(Page { items: page.result.unwrap_or_default(), has_more: page.has_more, next_cursor: page.next_cursor })
        })
    }

    /// Polls `/tasks` until the task is finished: the task when it succeeded,
    /// [`Error::StandardTaskFailed`] when it failed, [`Error::Deadline`] when it took too
    /// long. `progress` sees every poll.
    pub async fn wait_task(
        &self,
        task_id: &str,
        options: WaitOptions,
        progress: impl FnMut(&TaskItem),
    ) -> Result<TaskItem, Error> {
        self.poll(
            task_id,
            options,
            || self.task_item(task_id),
            progress,
            |task| match task.status {
                Status::Succeeded => Polled::Succeeded,
                Status::Failed => Polled::Failed,
                Status::Submitted | Status::Processing => Polled::Running(task.status.as_str()),
            },
            |task| Error::StandardTaskFailed {
                task_id: task.id.clone(),
                message: task.message.clone(),
                task: Box::new(task),
            },
        )
        .await
    }
}

macro_rules! standard_handles {
    ($($method:ident => $spec:ident),* $(,)?) => {
        impl Client {
            $(
                #[doc = concat!("Calls for [`kling_api::standard::", stringify!($spec), "`].")]
                pub fn $method(&self) -> StandardTasks<'_> {
                    self.standard_handle(&kling_api::standard::$spec)
                }
            )*
        }
    };
}

standard_handles! {
    text_to_video_30_turbo => TEXT_TO_VIDEO_30_TURBO,
    image_to_video_30_turbo => IMAGE_TO_VIDEO_30_TURBO,
    text_to_video_30 => TEXT_TO_VIDEO_30,
    image_to_video_30 => IMAGE_TO_VIDEO_30,
    motion_control_30 => MOTION_CONTROL_30,
    omni_video_30 => OMNI_VIDEO_30,
    omni_video_o1 => OMNI_VIDEO_O1,
    text_to_video_26 => TEXT_TO_VIDEO_26,
    image_to_video_26 => IMAGE_TO_VIDEO_26,
    motion_control_26 => MOTION_CONTROL_26,
    text_to_video_25_turbo => TEXT_TO_VIDEO_25_TURBO,
    image_to_video_25_turbo => IMAGE_TO_VIDEO_25_TURBO,
}
