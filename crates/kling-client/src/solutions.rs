//! Calls of the Solutions API (REFERENCE-2026.md §a.9): a create per solution and one
//! query API for every Solutions task of the account (`/solutions`). Like the new
//! standard, these paths take API keys only ([`crate::Config::with_api_key`]).

use futures_util::Stream;
use kling_api::requests_standard::TaskQuery;
use kling_api::wire_solutions::{SolutionCreated, SolutionItem, SolutionPage};
use kling_api::wire_standard::Status;
use kling_api::{EndpointId, endpoints};
use reqwest::Method;
use serde_json::Value;

use crate::client::{Client, Polled, WaitOptions};
use crate::error::Error;
use crate::paging::{Page, cursor_stream};

impl Client {
    /// Creates a task of the solution `endpoint` from its documented body (`contents`,
    /// `settings`, `options`), with the same retry rules as [`Client::create`]: after a
    /// failure that may have reached the server it is only sent again when it has an
    /// `options.external_task_id` that `/solutions` does not know yet.
    pub async fn create_solution(&self, endpoint: EndpointId, body: &Value) -> Result<SolutionCreated, Error> {
        let spec = endpoints::spec(endpoint);
        if spec.solution.is_none() {
            return Err(Error::Config(format!("{} is not a Solutions endpoint", spec.path)));
        }
        let external = body.pointer("/options/external_task_id").and_then(Value::as_str);
        self.create_once(
            external,
            || self.attempt::<SolutionCreated>(Method::POST, spec.path, Some(body)),
            |external| async move {
                let found = self.solutions_by_external_ids(&[external.as_str()]).await?;
                Ok(found.into_iter().find(|t| t.external_id.as_deref() == Some(external.as_str())).map(|t| {
                    SolutionCreated {
                        id: Some(t.id),
                        task_id: None,
                        status: t.status,
                        create_time: t.create_time,
                        update_time: t.update_time,
                        external_id: t.external_id,
                    }
                }))
            },
        )
        .await
    }

    async fn solutions_by(&self, key: &str, ids: &[&str]) -> Result<Vec<SolutionItem>, Error> {
        self.lookup(kling_api::solutions::QUERY_PATH, key, ids, kling_api::solutions::IDS_MAX).await
    }

    /// The Solutions tasks with these ids (`GET /solutions?task_ids=`); unknown ids are
    /// absent. More than 20 ids take several requests.
    pub async fn solutions_by_ids(&self, task_ids: &[&str]) -> Result<Vec<SolutionItem>, Error> {
        self.solutions_by("task_ids", task_ids).await
    }

    /// The Solutions tasks with these caller ids (`GET /solutions?external_task_ids=`).
    pub async fn solutions_by_external_ids(&self, external_task_ids: &[&str]) -> Result<Vec<SolutionItem>, Error> {
        self.solutions_by("external_task_ids", external_task_ids).await
    }

    /// One Solutions task by id; [`Error::UnknownTask`] when the account has none.
    pub async fn solution_item(&self, task_id: &str) -> Result<SolutionItem, Error> {
        let found = self.solutions_by_ids(&[task_id]).await?;
        found.into_iter().find(|t| t.id == task_id).ok_or_else(|| Error::UnknownTask(task_id.to_owned()))
    }

    /// One page of `POST /solutions`. Reading changes nothing, so any failure may be
    /// retried.
    pub async fn solution_page(&self, query: &TaskQuery) -> Result<SolutionPage, Error> {
        self.with_retries(
            || self.attempt::<SolutionPage>(Method::POST, kling_api::solutions::QUERY_PATH, Some(query)),
            |_| async { Ok(None) },
        )
        .await
    }

    /// Every Solutions task the query selects, page after page by cursor.
    pub fn solution_stream(&self, query: TaskQuery) -> impl Stream<Item = Result<SolutionItem, Error>> + '_ {
        cursor_stream(query, move |q| async move {
            let page = self.solution_page(&q).await?;
            Ok(Page { items: page.result.unwrap_or_default(), has_more: page.has_more, next_cursor: page.next_cursor })
        })
    }

    /// Polls `/solutions` until the task is finished: the task when it succeeded (either
    /// spelling of success), [`Error::SolutionFailed`] when it failed, [`Error::Deadline`]
    /// when it took too long.
    pub async fn wait_solution(
        &self,
        task_id: &str,
        options: WaitOptions,
        progress: impl FnMut(&SolutionItem),
    ) -> Result<SolutionItem, Error> {
        self.poll(
            task_id,
            options,
            || self.solution_item(task_id),
            progress,
            |task| match task.status() {
                Some(Status::Succeeded) => Polled::Succeeded,
                Some(Status::Failed) => Polled::Failed,
                Some(status @ (Status::Submitted | Status::Processing)) => Polled::Running(status.as_str()),
                None => Polled::Running("unknown"),
            },
            |task| Error::SolutionFailed {
                task_id: task.id.clone(),
                message: task.message.clone(),
                task: Box::new(task),
            },
        )
        .await
    }
}
