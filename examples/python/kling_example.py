"""A small Kling AI integration: sign a token, create a text-to-video task, poll it, download
the video. Works against the real API and against kling-mock alike.

    export KLING_BASE_URL=http://127.0.0.1:8088          # or https://api-singapore.klingai.com
    export KLING_AI_ACCESS_KEY=kling-mock-dev-access-key
    export KLING_AI_SECRET_KEY=kling-mock-dev-secret-key
    python kling_example.py "a calm sunrise over the ocean" sunrise.mp4

With an API key instead, the same steps on Kling 3.0 through the new-standard API
(`POST /text-to-video/kling-3.0`, `GET /tasks`), and the units the task was billed:

    export KLING_API_KEY=kling-mock-dev-api-key
    python kling_example.py "a calm sunrise over the ocean" sunrise.mp4
"""

import os
import random
import sys
import time
from decimal import Decimal

import jwt  # PyJWT
import requests

# Codes worth retrying (official guidance): rate limit, concurrency limit, 5xxx.
RETRYABLE_CODES = {1302, 1303, 5000, 5001, 5002}
TERMINAL_STATUSES = {"succeed", "failed"}
DEFAULT_BASE_URL = "https://api-singapore.klingai.com"


class KlingError(Exception):
    """An answer with a non-zero `code`: the HTTP status, the Kling code and message."""

    def __init__(self, http_status, code, message, request_id=None):
        super().__init__(f"HTTP {http_status}, code {code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message
        self.request_id = request_id

    @property
    def retryable(self):
        return self.code in RETRYABLE_CODES


class TaskFailed(Exception):
    """The task ended `failed`; `task_status_msg` (a `/tasks` item: `message`) says why. Retrying
    the same input rarely helps."""

    def __init__(self, task):
        task_id = task.get("task_id", task.get("id"))
        super().__init__(f"task {task_id} failed: {task.get('task_status_msg', task.get('message', ''))}")
        self.task = task


def make_token(access_key, secret_key, ttl=1800, now=None):
    """The HS256 JWT the API wants: iss = access key, valid from 5 s ago for `ttl` seconds."""
    now = int(time.time() if now is None else now)
    return jwt.encode({"iss": access_key, "exp": now + ttl, "nbf": now - 5}, secret_key, algorithm="HS256")


class Kling:
    """A minimal client: JWT auth renewed before expiry, retries with exponential backoff and
    jitter on retryable codes, task polling and downloads."""

    def __init__(self, base_url, access_key, secret_key, max_retries=5, backoff=1.0, max_backoff=30.0,
                 sleep=time.sleep, timeout=30, verify=True):
        self.base_url = base_url.rstrip("/")
        self.access_key = access_key
        self.secret_key = secret_key
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.timeout = timeout
        self.http = requests.Session()
        # A CA bundle path trusts a self-signed HTTPS emulator (`kling-mock --tls` prints it).
        # Passed on each call: requests lets REQUESTS_CA_BUNDLE override a session's `verify`.
        self.verify = verify
        self._token = None
        self._token_expires = 0

    @classmethod
    def from_env(cls, **kwargs):
        return cls(os.environ.get("KLING_BASE_URL", DEFAULT_BASE_URL),
                   os.environ["KLING_AI_ACCESS_KEY"], os.environ["KLING_AI_SECRET_KEY"], **kwargs)

    def token(self):
        if time.time() > self._token_expires - 60:
            self._token = make_token(self.access_key, self.secret_key)
            self._token_expires = time.time() + 1800
        return self._token

    def request(self, method, path, body=None, params=None):
        """One API call; returns `data`, retrying retryable errors up to `max_retries` times."""
        for attempt in range(self.max_retries + 1):
            response = self.http.request(
                method, self.base_url + path, json=body, params=params, timeout=self.timeout, verify=self.verify,
                headers={"Authorization": f"Bearer {self.token()}"})
            try:
                envelope = response.json()
            except ValueError:
                envelope = {"code": 5000, "message": response.text[:200]}
            if envelope.get("code") == 0:
                return envelope["data"]
            error = KlingError(response.status_code, envelope.get("code"), envelope.get("message"),
                               envelope.get("request_id"))
            if not error.retryable or attempt == self.max_retries:
                raise error
            self.sleep(self._delay(attempt, response.headers.get("Retry-After")))
        raise AssertionError("unreachable")

    def _delay(self, attempt, retry_after):
        delay = min(self.max_backoff, self.backoff * 2 ** attempt) * random.uniform(0.5, 1.0)
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        return delay

    def create_text2video(self, prompt, **params):
        """Submits a task; `params` are any other body fields (model_name, duration, external_task_id...)."""
        return self.request("POST", "/v1/videos/text2video", {"prompt": prompt, **params})

    def get_text2video(self, task_id):
        """A task by its `task_id` or `external_task_id`."""
        return self.request("GET", f"/v1/videos/text2video/{task_id}")

    def wait(self, task_id, poll_interval=5.0, timeout=1800.0, before_poll=None):
        """Polls until the task ends; returns it when it succeeded, raises TaskFailed otherwise.
        `before_poll` replaces the real wait between polls (tests use it to move a simulated clock)."""
        return self._poll(task_id, lambda: self.get_text2video(task_id), "task_status", "succeed",
                          poll_interval, timeout, before_poll)

    def _poll(self, task_id, fetch, status_key, done, poll_interval, timeout, before_poll):
        """Fetches until `task[status_key]` is `done` (returned) or "failed" (raised)."""
        deadline = time.monotonic() + timeout
        while True:
            task = fetch()
            if task[status_key] == done:
                return task
            if task[status_key] == "failed":
                raise TaskFailed(task)
            if time.monotonic() > deadline:
                raise TimeoutError(f"task {task_id} still {task[status_key]} after {timeout} s")
            (before_poll or (lambda: self.sleep(poll_interval)))()

    def account_costs(self, start_ms=0, end_ms=4102444800000):
        """The account's resource packs with their remaining units."""
        return self.request("GET", "/account/costs", params={"start_time": start_ms, "end_time": end_ms})

    def download(self, url, path):
        """Streams a result file to `path`; returns the number of bytes written."""
        written = 0
        with self.http.get(url, stream=True, timeout=self.timeout, verify=self.verify) as response:
            response.raise_for_status()
            with open(path, "wb") as out:
                for chunk in response.iter_content(64 * 1024):
                    out.write(chunk)
                    written += len(chunk)
        return written


class KlingApiKey(Kling):
    """The same client with an API key (`Authorization: Bearer <key>`, nothing to sign) for the
    new-standard API: one `POST /<operation>/<model>` per model and `/tasks` to query every task.
    The new paths refuse AK/SK tokens (401 / 1002); the key also works on the `/v1` methods."""

    def __init__(self, base_url, api_key, **kwargs):
        super().__init__(base_url, None, None, **kwargs)
        self.api_key = api_key

    @classmethod
    def from_env(cls, **kwargs):
        return cls(os.environ.get("KLING_BASE_URL", DEFAULT_BASE_URL), os.environ["KLING_API_KEY"], **kwargs)

    def token(self):
        return self.api_key

    def create_text_to_video(self, prompt, model="kling-3.0", settings=None, **options):
        """Submits a task on `model`; `settings` such as {"duration": 5, "resolution": "720p"},
        `options` any of external_task_id, callback_url... Answers {id, status, message, ...}."""
        body = {"prompt": prompt}
        if settings:
            body["settings"] = settings
        if options:
            body["options"] = options
        return self.request("POST", f"/text-to-video/{model}", body)

    def get_tasks(self, task_ids=(), external_task_ids=()):
        """Up to 20 tasks by id or by external id (one kind per call); unknown ids are simply absent."""
        if bool(task_ids) == bool(external_task_ids):
            raise ValueError("give task_ids or external_task_ids")
        if task_ids:
            return self.request("GET", "/tasks", params={"task_ids": ",".join(task_ids)})
        return self.request("GET", "/tasks", params={"external_task_ids": ",".join(external_task_ids)})

    def get_task(self, task_id=None, external_task_id=None):
        """One task by its `id` or by your `external_task_id`; LookupError when there is none."""
        found = self.get_tasks([task_id] if task_id else (), [external_task_id] if external_task_id else ())
        if not found:
            raise LookupError(f"no task {task_id or external_task_id}")
        return found[0]

    def wait_task(self, task_id, poll_interval=5.0, timeout=1800.0, before_poll=None):
        """Polls `GET /tasks?task_ids=` until the task ends; returns it when it succeeded, raises
        TaskFailed otherwise. `before_poll` replaces the real wait, as in `wait`."""
        return self._poll(task_id, lambda: self.get_task(task_id), "status", "succeeded",
                          poll_interval, timeout, before_poll)

    def list_tasks(self, limit=100, cursor=None, **filters):
        """One page, newest first: {result, count, next_cursor, has_more}; the last page has no
        `next_cursor` and an empty one no `result`. `filters` as key=values, e.g.
        status=["succeeded", "failed"] (sent as [{"key": "status", "values": [...]}])."""
        body = {"limit": limit}
        if cursor:
            body["cursor"] = cursor
        if filters:
            body["filters"] = [{"key": key, "values": list(values)} for key, values in filters.items()]
        return self.request("POST", "/tasks", body)

    def iter_tasks(self, limit=100, **filters):
        """Every matching task, newest first, page by page through `next_cursor`."""
        cursor = None
        while True:
            page = self.list_tasks(limit, cursor, **filters)
            yield from page.get("result", [])
            if not page.get("has_more"):
                return
            following = page.get("next_cursor")
            if not following or following == cursor:
                raise KlingError(200, 0, "has_more without a new next_cursor")
            cursor = following


def billed_units(task):
    """Units a `/tasks` item was charged, per pack type: {"video": Decimal("3")}. Amounts are
    decimal strings ("1.8"); a failed task shows "0"; `billing` is empty until the task ends."""
    totals = {}
    for charge in task.get("billing", []):
        if charge["charge_type"] == "unit":
            pack = charge["package_type"]
            totals[pack] = totals.get(pack, Decimal(0)) + Decimal(charge["amount"])
    return totals


def main_api_key(prompt, dest):
    kling = KlingApiKey.from_env()
    created = kling.create_text_to_video(prompt, settings={"duration": 5, "resolution": "720p"})
    print(f"task {created['id']} {created['status']}")
    task = kling.wait_task(created["id"])
    video = next(output for output in task["outputs"] if output["type"] == "video")
    size = kling.download(video["url"], dest)
    print(f"{dest}: {size} bytes, {video['duration']} s")
    for pack, units in billed_units(task).items():
        print(f"billed {units} units from the {pack} pack")


def main(argv):
    prompt = argv[1] if len(argv) > 1 else "a calm sunrise over the ocean"
    dest = argv[2] if len(argv) > 2 else "result.mp4"
    if os.environ.get("KLING_API_KEY"):
        return main_api_key(prompt, dest)
    kling = Kling.from_env()
    created = kling.create_text2video(prompt, model_name="kling-v3", duration="5")
    print(f"task {created['task_id']} {created['task_status']}")
    task = kling.wait(created["task_id"])
    video = task["task_result"]["videos"][0]
    size = kling.download(video["url"], dest)
    print(f"{dest}: {size} bytes, {video['duration']} s")


if __name__ == "__main__":
    main(sys.argv)
