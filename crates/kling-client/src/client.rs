//! The client: one HTTP connection pool, one token cache, typed calls per endpoint.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use kling_api::requests::{
    AddSelectionRequest, ClearSelectionRequest, CreateRequest, DeleteElementRequest, DeleteSelectionRequest,
    DeleteVoiceRequest, IdentifyFaceRequest, ImageRecognizeRequest, InitSelectionRequest, PreviewSelectionRequest,
    TtsRequest,
};
use kling_api::wire::{
    CreatedTask, ElementDeletion, Envelope, FaceSession, Recognition, SelectionResult, SelectionSession, Task,
    TaskInfo, TaskStatus, VoiceDeletion,
};
use kling_api::{EndpointId, endpoints};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{ApiError, Error};
use crate::retry::retry_after;
use crate::token::TokenSigner;

/// Where a polled task stands.
pub(crate) enum Polled {
    Succeeded,
    Failed,
    /// Not finished; its status as the API spells it.
    Running(&'static str),
}

/// How [`Client::wait`] and [`Client::wait_task`] poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitOptions {
    /// Time between polls (the seed advises 3 to 5 s).
    pub interval: Duration,
    /// Give up after this long.
    pub deadline: Duration,
}

impl Default for WaitOptions {
    fn default() -> WaitOptions {
        WaitOptions { interval: Duration::from_secs(4), deadline: Duration::from_secs(30 * 60) }
    }
}

/// A Kling API client. Cheap to clone; clones share the connection pool and token.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    config: Config,
    signer: TokenSigner,
}

/// Whether a failed attempt may have created something on the server.
pub(crate) fn ambiguous(error: &Error) -> bool {
    matches!(error, Error::Transport(_) | Error::Decode { .. })
}

impl Client {
    /// A client with the system clock.
    pub fn new(config: Config) -> Result<Client, Error> {
        Client::with_clock(config, Arc::new(SystemClock))
    }

    /// A client from the environment: `KLING_API_KEY`, or `KLING_AI_ACCESS_KEY` and
    /// `KLING_AI_SECRET_KEY`; and `KLING_BASE_URL` (see [`Config::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        Client::new(Config::from_env()?)
    }

    /// A client whose token times come from `clock` (tests drive a [`crate::ManualClock`]).
    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Result<Client, Error> {
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            return Err(Error::Config(format!("base URL {:?} is not http(s)", config.base_url)));
        }
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let signer = TokenSigner::new(
            &config.access_key,
            &config.secret_key,
            config.token_ttl,
            config.token_renew_before,
            config.clock_skew,
            clock,
        );
        Ok(Client { inner: Arc::new(Inner { http, config, signer }) })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// One attempt: sign, send, decode the envelope.
    pub(crate) async fn attempt<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, Error> {
        let url = format!("{}{path}", self.inner.config.base_url);
        let bearer = match &self.inner.config.api_key {
            Some(key) => key.clone(),
            None => self.inner.signer.token()?,
        };
        let mut request = self.inner.http.request(method, url).bearer_auth(bearer);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(Error::Transport)?;
        let status = response.status().as_u16();
        let wait_hint = retry_after(response.headers());
        let bytes = response.bytes().await.map_err(Error::Transport)?;
        let decode_error = |message: String| Error::Decode {
            status,
            message,
            body: String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned(),
        };
        let envelope: Envelope<serde_json::Value> =
            serde_json::from_slice(&bytes).map_err(|e| decode_error(format!("not a Kling envelope: {e}")))?;
        if envelope.code != 0 || !(200..300).contains(&status) {
            let mut error = ApiError::new(
                status,
                envelope.code,
                envelope.message,
                Some(envelope.request_id),
                self.inner.config.dialect,
            );
            error.retry_after = wait_hint;
            if error.kind.is_some_and(kling_api::ErrorKind::is_auth) {
                self.inner.signer.invalidate();
            }
            return Err(Error::Api(error));
        }
        let data = envelope.data.ok_or_else(|| decode_error("the envelope has no data".into()))?;
        serde_json::from_value(data).map_err(|e| decode_error(format!("unexpected data: {e}")))
    }

    /// Runs `op` until it succeeds, fails for good, or the retry policy is spent.
    /// `before_retry` runs before each retry with the error that caused it; it may end the
    /// loop with a value (a create that turns out to have succeeded).
    pub(crate) async fn with_retries<T, F, Fut, B, BFut>(&self, mut op: F, mut before_retry: B) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
        B: FnMut(Error) -> BFut,
        BFut: std::future::Future<Output = Result<Option<T>, Error>>,
    {
        let policy = self.inner.config.retry;
        let started = Instant::now();
        let mut delays = policy.delays();
        loop {
            let error = match op().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if !error.is_retryable() {
                return Err(error);
            }
            let Some(backoff) = delays.next() else { return Err(error) };
            let hint = error.api().and_then(|e| e.retry_after).unwrap_or_default();
            let delay = backoff.max(hint);
            if started.elapsed() + delay > policy.max_total {
                return Err(error);
            }
            tracing::debug!(%error, ?delay, "retrying");
            tokio::time::sleep(delay).await;
            if let Some(value) = before_retry(error).await? {
                return Ok(value);
            }
        }
    }

    /// Creates a task. Retryable failures are retried. After a failure that may have
    /// reached the server (a connection cut, a broken answer) the create is only sent
    /// again if the request has an `external_task_id`, and only after checking that no
    /// task with that id exists; without one, such a failure is returned as is, since
    /// resubmitting could create a second task.
    pub async fn create<R: CreateRequest>(&self, request: &R) -> Result<CreatedTask, Error> {
        let path = endpoints::spec(R::ENDPOINT).path;
        self.create_once(
            request.external_id(),
            || self.attempt::<CreatedTask>(Method::POST, path, Some(request)),
            |external| async move {
                match self.attempt::<Task>(Method::GET, &format!("{path}/{external}"), None::<&()>).await {
                    Ok(task) => Ok(Some(created_from(task))),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            },
        )
        .await
    }

    /// The retry loop of a create on either surface: retryable failures are retried, but
    /// after one that may have reached the server the create is only sent again when it
    /// has an external id and `find` (the task with that id, if any) finds none; when
    /// `find` itself fails, the original failure is returned.
    pub(crate) async fn create_once<T, Attempt, FindFut>(
        &self,
        external: Option<&str>,
        attempt: impl FnMut() -> Attempt,
        find: impl Fn(String) -> FindFut,
    ) -> Result<T, Error>
    where
        Attempt: std::future::Future<Output = Result<T, Error>>,
        FindFut: std::future::Future<Output = Result<Option<T>, Error>>,
    {
        let external = external.map(str::to_owned);
        let find = &find;
        self.with_retries(attempt, |error| {
            let external = external.clone();
            async move {
                if !ambiguous(&error) {
                    return Ok(None);
                }
                let Some(external) = external else { return Err(error) };
                find(external).await.map_err(|_| error)
            }
        })
        .await
    }

    /// One synchronous call. Retryable failures are retried; after a failure that may have
    /// reached the server only an `idempotent` call is sent again, since repeating any
    /// other (opening a session, making speech) could act twice.
    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: EndpointId,
        body: &(impl Serialize + ?Sized),
        idempotent: bool,
    ) -> Result<T, Error> {
        let path = endpoints::spec(endpoint).path;
        self.with_retries(
            || self.attempt::<T>(Method::POST, path, Some(body)),
            |error| async move { if ambiguous(&error) && !idempotent { Err(error) } else { Ok(None) } },
        )
        .await
    }

    /// Runs identify-face (synchronous). Retried only after failures that did not reach
    /// the service's logic (it opens a session each time).
    pub async fn identify_face(&self, request: &IdentifyFaceRequest) -> Result<FaceSession, Error> {
        self.call(EndpointId::IdentifyFace, request, false).await
    }

    /// Speaks `text` in a voice: the answer is the finished task, its speech in
    /// `task_result.audios` (TTS has no query or list). Not resent after a failure that
    /// may have reached the server (each call makes a task).
    pub async fn tts(&self, request: &TtsRequest) -> Result<Task, Error> {
        self.call(EndpointId::Tts, request, false).await
    }

    /// Opens a multi-elements selection session on a video. Not resent after a failure
    /// that may have reached the server (each call opens a session).
    pub async fn init_selection(&self, request: &InitSelectionRequest) -> Result<SelectionSession, Error> {
        self.call(EndpointId::InitSelection, request, false).await
    }

    /// Marks points on a frame of a session; the answer holds the frame's masks. Marking
    /// the same points again changes nothing, so any failure may be retried.
    pub async fn add_selection(&self, request: &AddSelectionRequest) -> Result<SelectionResult, Error> {
        self.call(EndpointId::AddSelection, request, true).await
    }

    /// Unmarks points on a frame of a session (idempotent).
    pub async fn delete_selection(&self, request: &DeleteSelectionRequest) -> Result<SelectionResult, Error> {
        self.call(EndpointId::DeleteSelection, request, true).await
    }

    /// Unmarks everything in a session (idempotent).
    pub async fn clear_selection(&self, request: &ClearSelectionRequest) -> Result<SelectionResult, Error> {
        self.call(EndpointId::ClearSelection, request, true).await
    }

    /// A preview of the session's selection tracked through the video, in `res`
    /// (idempotent).
    pub async fn preview_selection(&self, request: &PreviewSelectionRequest) -> Result<SelectionResult, Error> {
        self.call(EndpointId::PreviewSelection, request, true).await
    }

    /// Deletes a custom voice of the account (idempotent: deleting it again succeeds).
    pub async fn delete_voice(&self, request: &DeleteVoiceRequest) -> Result<VoiceDeletion, Error> {
        self.call(EndpointId::DeleteVoices, request, true).await
    }

    /// Deletes a custom element of the account (idempotent: deleting it again succeeds).
    pub async fn delete_element(&self, request: &DeleteElementRequest) -> Result<ElementDeletion, Error> {
        self.call(EndpointId::DeleteElements, request, true).await
    }

    /// The regions (object, head, face, clothes) found in an image, each with a mask. It
    /// changes nothing on the server, so any failure may be retried.
    pub async fn image_recognize(&self, request: &ImageRecognizeRequest) -> Result<Recognition, Error> {
        self.call(EndpointId::ImageRecognize, request, true).await
    }

    /// One page (from 1) of the preset voices, each as a succeeded task carrying it in
    /// `task_result.voices`, like the custom voice list.
    pub async fn preset_voices(&self, page: u32, page_size: u32) -> Result<Vec<Task>, Error> {
        self.read(format!("/v1/general/presets-voices?pageNum={page}&pageSize={page_size}")).await
    }

    /// One page (from 1) of the preset elements, each as a succeeded task carrying it in
    /// `task_result.elements`, like the custom element list.
    pub async fn preset_elements(&self, page: u32, page_size: u32) -> Result<Vec<Task>, Error> {
        self.read(format!("/v1/general/advanced-presets-elements?pageNum={page}&pageSize={page_size}")).await
    }

    pub(crate) async fn read<T: DeserializeOwned>(&self, path: String) -> Result<T, Error> {
        self.with_retries(|| self.attempt::<T>(Method::GET, &path, None::<&()>), |_| async { Ok(None) }).await
    }

    /// The task `task_id` of `endpoint`.
    pub async fn get(&self, endpoint: EndpointId, task_id: &str) -> Result<Task, Error> {
        self.read(format!("{}/{task_id}", endpoints::spec(endpoint).path)).await
    }

    /// The task with the caller's own id `external_task_id`.
    pub async fn get_by_external_id(&self, endpoint: EndpointId, external_task_id: &str) -> Result<Task, Error> {
        self.read(format!("{}/{external_task_id}", endpoints::spec(endpoint).path)).await
    }

    /// One page (from 1) of the account's tasks of `endpoint`, newest first.
    pub async fn list(&self, endpoint: EndpointId, page: u32, page_size: u32) -> Result<Vec<Task>, Error> {
        self.read(format!("{}?pageNum={page}&pageSize={page_size}", endpoints::spec(endpoint).path)).await
    }

    /// Polls until the task is finished: the task when it succeeded, [`Error::TaskFailed`]
    /// when it failed, [`Error::Deadline`] when it took too long. `progress` sees every
    /// poll (to show progress, or in tests to move a simulated clock).
    pub async fn wait(
        &self,
        endpoint: EndpointId,
        task_id: &str,
        options: WaitOptions,
        progress: impl FnMut(&Task),
    ) -> Result<Task, Error> {
        self.poll(
            task_id,
            options,
            || self.get(endpoint, task_id),
            progress,
            |task| match task.task_status {
                TaskStatus::Succeed => Polled::Succeeded,
                TaskStatus::Failed => Polled::Failed,
                TaskStatus::Submitted | TaskStatus::Processing => Polled::Running(task.task_status.as_str()),
            },
            |task| Error::TaskFailed {
                task_id: task.task_id.clone(),
                message: task.task_status_msg.clone(),
                task: Box::new(task),
            },
        )
        .await
    }

    /// The polling loop of both surfaces: `fetch` until `judge` says the task finished.
    pub(crate) async fn poll<T, Fut>(
        &self,
        task_id: &str,
        options: WaitOptions,
        mut fetch: impl FnMut() -> Fut,
        mut progress: impl FnMut(&T),
        judge: impl Fn(&T) -> Polled,
        failed: impl FnOnce(T) -> Error,
    ) -> Result<T, Error>
    where
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let started = Instant::now();
        loop {
            let task = fetch().await?;
            progress(&task);
            let status = match judge(&task) {
                Polled::Succeeded => return Ok(task),
                Polled::Failed => return Err(failed(task)),
                Polled::Running(status) => status,
            };
            if started.elapsed() + options.interval > options.deadline {
                return Err(Error::Deadline {
                    task_id: task_id.to_owned(),
                    waited: started.elapsed(),
                    status: status.to_owned(),
                });
            }
            tokio::time::sleep(options.interval).await;
        }
    }

    /// Streams the file at `url` (a result link) into `writer`; returns the bytes written.
    pub async fn download(&self, url: &str, writer: &mut (impl AsyncWrite + Unpin)) -> Result<u64, Error> {
        let response = self.inner.http.get(url).send().await.map_err(Error::Transport)?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Error::Decode { status, message: format!("download of {url} failed"), body: String::new() });
        }
        let mut stream = response.bytes_stream();
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(Error::Transport)?;
            writer.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        writer.flush().await?;
        Ok(written)
    }

    /// Downloads `url` into a file at `path`.
    pub async fn download_to_file(&self, url: &str, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
        let mut file = tokio::fs::File::create(path).await?;
        self.download(url, &mut file).await
    }

    /// Typed calls for the endpoint of request type `R`.
    pub fn tasks<R: CreateRequest>(&self) -> Tasks<'_, R> {
        Tasks { client: self, request: PhantomData }
    }
}

fn created_from(task: Task) -> CreatedTask {
    CreatedTask {
        task_id: task.task_id,
        task_status: task.task_status,
        task_info: TaskInfo { parent_video: None, external_task_id: task.task_info.external_task_id },
        created_at: task.created_at,
        updated_at: task.updated_at,
    }
}

/// Typed calls for one endpoint: `client.text2video().create(&request)`.
#[derive(Debug, Clone, Copy)]
pub struct Tasks<'a, R> {
    client: &'a Client,
    request: PhantomData<fn() -> R>,
}

impl<R: CreateRequest> Tasks<'_, R> {
    /// Creates a task (see [`Client::create`] for retries).
    pub async fn create(&self, request: &R) -> Result<CreatedTask, Error> {
        self.client.create(request).await
    }

    /// A task by id.
    pub async fn get(&self, task_id: &str) -> Result<Task, Error> {
        self.client.get(R::ENDPOINT, task_id).await
    }

    /// A task by the caller's own id.
    pub async fn get_by_external_id(&self, external_task_id: &str) -> Result<Task, Error> {
        self.client.get_by_external_id(R::ENDPOINT, external_task_id).await
    }

    /// One page of tasks, newest first.
    pub async fn list(&self, page: u32, page_size: u32) -> Result<Vec<Task>, Error> {
        self.client.list(R::ENDPOINT, page, page_size).await
    }

    /// Polls until the task is finished (see [`Client::wait`]).
    pub async fn wait(&self, task_id: &str, options: WaitOptions, progress: impl FnMut(&Task)) -> Result<Task, Error> {
        self.client.wait(R::ENDPOINT, task_id, options, progress).await
    }

    /// Creates a task and waits for it.
    pub async fn run(&self, request: &R, options: WaitOptions, progress: impl FnMut(&Task)) -> Result<Task, Error> {
        let created = self.create(request).await?;
        self.wait(&created.task_id, options, progress).await
    }
}

macro_rules! endpoint_handles {
    ($($(#[$doc:meta])* $method:ident => $request:ident),* $(,)?) => {
        impl Client {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Tasks<'_, kling_api::requests::$request> {
                    self.tasks()
                }
            )*
        }
    };
}

endpoint_handles! {
    /// `/v1/videos/text2video`.
    text2video => Text2VideoRequest,
    /// `/v1/videos/image2video`.
    image2video => Image2VideoRequest,
    /// `/v1/videos/multi-image2video`.
    multi_image2video => MultiImage2VideoRequest,
    /// `/v1/videos/omni-video`.
    omni_video => OmniVideoRequest,
    /// `/v1/videos/motion-control`.
    motion_control => MotionControlRequest,
    /// `/v1/videos/video-extend`.
    video_extend => VideoExtendRequest,
    /// `/v1/videos/lip-sync` (legacy).
    lip_sync => LipSyncRequest,
    /// `/v1/videos/advanced-lip-sync`.
    advanced_lip_sync => AdvancedLipSyncRequest,
    /// `/v1/images/omni-image`.
    omni_image => OmniImageRequest,
    /// `/v1/images/generations`.
    image_generations => ImageGenerationRequest,
    /// `/v1/images/multi-image2image`.
    multi_image2image => MultiImage2ImageRequest,
    /// `/v1/images/editing/expand`.
    expand => ExpandRequest,
    /// `/v1/images/kolors-virtual-try-on`.
    virtual_try_on => VirtualTryOnRequest,
    /// `/v1/videos/avatar/image2video`.
    avatar => AvatarRequest,
    /// `/v1/videos/effects`.
    effects => EffectsRequest,
    /// `/v1/videos/multi-elements` (open a session with [`Client::init_selection`] first).
    multi_elements => MultiElementsRequest,
    /// `/v1/audio/text-to-audio`.
    text_to_audio => TextToAudioRequest,
    /// `/v1/audio/video-to-audio`.
    video_to_audio => VideoToAudioRequest,
    /// `/v1/general/custom-voices`.
    custom_voices => CustomVoiceRequest,
    /// `/v1/general/advanced-custom-elements`.
    custom_elements => CustomElementRequest,
    /// `/v1/general/ai-multi-shot`.
    ai_multi_shot => AiMultiShotRequest,
}
