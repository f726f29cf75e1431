// A small Kling AI integration for Node 20+, with no dependencies: an HS256 JWT from
// node:crypto, the built-in fetch, retries with backoff, polling and a download.
// Works against the real API and against kling-mock alike:
//
//   KLING_BASE_URL=http://127.0.0.1:8088 KLING_AI_ACCESS_KEY=kling-mock-dev-access-key \
//   KLING_AI_SECRET_KEY=kling-mock-dev-secret-key node kling.mjs "a calm sunrise" sunrise.mp4
//
// With an API key instead, the same steps on Kling 3.0 through the new-standard API
// (POST /text-to-video/kling-3.0, GET /tasks), and the units the task was billed:
//
//   KLING_BASE_URL=http://127.0.0.1:8088 KLING_API_KEY=kling-mock-dev-api-key node kling.mjs "a calm sunrise" sunrise.mp4

import { createHmac } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { pathToFileURL } from "node:url";

/** Codes worth retrying (official guidance): rate limit, concurrency limit, 5xxx. */
export const RETRYABLE_CODES = new Set([1302, 1303, 5000, 5001, 5002]);
const DEFAULT_BASE_URL = "https://api-singapore.klingai.com";

/** An answer with a non-zero `code`. */
export class KlingError extends Error {
  constructor(httpStatus, code, message, requestId) {
    super(`HTTP ${httpStatus}, code ${code}: ${message}`);
    this.httpStatus = httpStatus;
    this.code = code;
    this.requestId = requestId;
  }

  get retryable() {
    return RETRYABLE_CODES.has(this.code);
  }
}

/** The task ended `failed`; `task.task_status_msg` (a `/tasks` item: `message`) says why. */
export class TaskFailed extends Error {
  constructor(task) {
    super(`task ${task.task_id ?? task.id} failed: ${task.task_status_msg ?? task.message ?? ""}`);
    this.task = task;
  }
}

const base64url = (data) => Buffer.from(data).toString("base64url");

/** The HS256 JWT the API wants: iss = access key, valid from 5 s ago for `ttl` seconds. */
export function makeToken(accessKey, secretKey, ttl = 1800, nowSeconds = Math.floor(Date.now() / 1000)) {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = base64url(JSON.stringify({ iss: accessKey, exp: nowSeconds + ttl, nbf: nowSeconds - 5 }));
  const signature = createHmac("sha256", secretKey).update(`${header}.${claims}`).digest("base64url");
  return `${header}.${claims}.${signature}`;
}

export class Kling {
  constructor(baseUrl, accessKey, secretKey, { maxRetries = 5, backoffMs = 1000, maxBackoffMs = 30000, sleep = delay } = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.maxRetries = maxRetries;
    this.backoffMs = backoffMs;
    this.maxBackoffMs = maxBackoffMs;
    this.sleep = sleep;
    this.tokenValue = null;
    this.tokenExpires = 0;
  }

  static fromEnv(options) {
    const env = process.env;
    return new Kling(env.KLING_BASE_URL ?? DEFAULT_BASE_URL, env.KLING_AI_ACCESS_KEY, env.KLING_AI_SECRET_KEY, options);
  }

  token() {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.tokenExpires - 60) {
      this.tokenValue = makeToken(this.accessKey, this.secretKey, 1800, now);
      this.tokenExpires = now + 1800;
    }
    return this.tokenValue;
  }

  /** One API call; returns `data`, retrying retryable errors up to `maxRetries` times. */
  async request(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(this.baseUrl + path, {
        method,
        headers: { Authorization: `Bearer ${this.token()}`, ...(body ? { "Content-Type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      let envelope;
      try {
        envelope = JSON.parse(text);
      } catch {
        envelope = { code: 5000, message: text.slice(0, 200) };
      }
      if (envelope.code === 0) return envelope.data;
      const error = new KlingError(response.status, envelope.code, envelope.message, envelope.request_id);
      if (!error.retryable || attempt >= this.maxRetries) throw error;
      const retryAfter = Number(response.headers.get("retry-after")) * 1000 || 0;
      const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      await this.sleep(Math.max(backoff, retryAfter));
    }
  }

  createText2Video(prompt, params = {}) {
    return this.request("POST", "/v1/videos/text2video", { prompt, ...params });
  }

  /** A task by its `task_id` or `external_task_id`. */
  getText2Video(id) {
    return this.request("GET", `/v1/videos/text2video/${encodeURIComponent(id)}`);
  }

  /** Polls until the task ends. `beforePoll` replaces the real wait (tests move a simulated clock). */
  wait(id, options = {}) {
    return this.poll(id, () => this.getText2Video(id), (task) => task.task_status, "succeed", options);
  }

  /** Fetches until `statusOf(task)` is `done` (returned) or `failed` (thrown). */
  async poll(id, fetch, statusOf, done, { pollMs = 5000, timeoutMs = 1_800_000, beforePoll } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await fetch();
      const status = statusOf(task);
      if (status === done) return task;
      if (status === "failed") throw new TaskFailed(task);
      if (Date.now() > deadline) throw new Error(`task ${id} still ${status}`);
      await (beforePoll ? beforePoll() : this.sleep(pollMs));
    }
  }

  accountCosts(startMs = 0, endMs = 4102444800000) {
    return this.request("GET", `/account/costs?start_time=${startMs}&end_time=${endMs}`);
  }

  /** Downloads a result file to `path`; returns its size in bytes. */
  async download(url, path) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`download failed: HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    await writeFile(path, bytes);
    return bytes.length;
  }
}

/**
 * The same client with an API key (`Authorization: Bearer <key>`, nothing to sign) for the
 * new-standard API: one `POST /<operation>/<model>` per model and `/tasks` to query every task.
 * The new paths refuse AK/SK tokens (401 / 1002); the key also works on the `/v1` methods.
 */
export class KlingApiKey extends Kling {
  constructor(baseUrl, apiKey, options) {
    super(baseUrl, undefined, undefined, options);
    this.apiKey = apiKey;
  }

  static fromEnv(options) {
    return new KlingApiKey(process.env.KLING_BASE_URL ?? DEFAULT_BASE_URL, process.env.KLING_API_KEY, options);
  }

  token() {
    return this.apiKey;
  }

  /** Submits a task on `model`; `settings` such as { duration: 5, resolution: "720p" }, `options` such as { external_task_id }. */
  createTextToVideo(prompt, { model = "kling-3.0", settings, options } = {}) {
    return this.request("POST", `/text-to-video/${model}`, { prompt, ...(settings && { settings }), ...(options && { options }) });
  }

  /** Up to 20 tasks by id or by external id (one kind per call); unknown ids are simply absent. */
  getTasks({ taskIds = [], externalTaskIds = [] } = {}) {
    if (!taskIds.length === !externalTaskIds.length) throw new TypeError("give taskIds or externalTaskIds");
    const query = taskIds.length ? { task_ids: taskIds.join(",") } : { external_task_ids: externalTaskIds.join(",") };
    return this.request("GET", `/tasks?${new URLSearchParams(query)}`);
  }

  /** One task by its `id` or by your `external_task_id`; throws when there is none. */
  async getTask({ taskId, externalTaskId }) {
    const [task] = await this.getTasks(taskId ? { taskIds: [taskId] } : { externalTaskIds: [externalTaskId] });
    if (!task) throw new Error(`no task ${taskId ?? externalTaskId}`);
    return task;
  }

  /** Polls `GET /tasks?task_ids=` until the task ends; `beforePoll` replaces the real wait, as in `wait`. */
  waitTask(taskId, options = {}) {
    return this.poll(taskId, () => this.getTask({ taskId }), (task) => task.status, "succeeded", options);
  }

  /**
   * One page, newest first: { result, count, next_cursor, has_more }; the last page has no
   * `next_cursor` and an empty one no `result`. `filters` as { status: ["succeeded"] }, sent as
   * [{ key: "status", values: [...] }].
   */
  listTasks({ limit = 100, cursor, filters = {} } = {}) {
    const list = Object.entries(filters).map(([key, values]) => ({ key, values }));
    return this.request("POST", "/tasks", { limit, ...(cursor && { cursor }), ...(list.length && { filters: list }) });
  }

  /** Every matching task, newest first, page by page through `next_cursor`. */
  async *iterTasks({ limit = 100, filters } = {}) {
    for (let cursor; ; ) {
      const page = await this.listTasks({ limit, cursor, filters });
      yield* page.result ?? [];
      if (!page.has_more) return;
      if (!page.next_cursor || page.next_cursor === cursor) throw new Error("has_more without a new next_cursor");
      cursor = page.next_cursor;
    }
  }
}

/**
 * Units a `/tasks` item was charged, per pack type: { video: 3 }. Amounts are decimal strings
 * ("1.8"), summed in thousandths; a failed task shows 0; `billing` is empty until the task ends.
 */
export function billedUnits(task) {
  const thousandths = {};
  for (const { charge_type, amount, package_type } of task.billing ?? []) {
    if (charge_type === "unit") thousandths[package_type] = (thousandths[package_type] ?? 0) + Math.round(Number(amount) * 1000);
  }
  return Object.fromEntries(Object.entries(thousandths).map(([pack, n]) => [pack, n / 1000]));
}

async function mainApiKey(prompt, dest) {
  const kling = KlingApiKey.fromEnv();
  const created = await kling.createTextToVideo(prompt, { settings: { duration: 5, resolution: "720p" } });
  console.log(`task ${created.id} ${created.status}`);
  const task = await kling.waitTask(created.id);
  const video = task.outputs.find((output) => output.type === "video");
  console.log(`${dest}: ${await kling.download(video.url, dest)} bytes, ${video.duration} s`);
  for (const [pack, units] of Object.entries(billedUnits(task))) console.log(`billed ${units} units from the ${pack} pack`);
}

async function main([prompt = "a calm sunrise over the ocean", dest = "result.mp4"]) {
  if (process.env.KLING_API_KEY) return mainApiKey(prompt, dest);
  const kling = Kling.fromEnv();
  const created = await kling.createText2Video(prompt, { model_name: "kling-v3", duration: "5" });
  console.log(`task ${created.task_id} ${created.task_status}`);
  const task = await kling.wait(created.task_id);
  const video = task.task_result.videos[0];
  console.log(`${dest}: ${await kling.download(video.url, dest)} bytes, ${video.duration} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(process.argv.slice(2));
}
