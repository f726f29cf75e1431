"""A small Kling AI integration: sign a token, create a text-to-video task, poll it, download
the video. Works against the real API and against kling-mock alike.

    export KLING_BASE_URL=http://127.0.0.1:8088          # or https://api-singapore.klingai.com
    export KLING_AI_ACCESS_KEY=kling-mock-dev-access-key
    export KLING_AI_SECRET_KEY=kling-mock-dev-secret-key
    python kling_example.py "a calm sunrise over the ocean" sunrise.mp4
"""

import os
import random
import sys
import time

import jwt  # PyJWT
import requests

# Codes worth retrying (official guidance): rate limit, concurrency limit, 5xxx.
RETRYABLE_CODES = {1302, 1303, 5000, 5001, 5002}
TERMINAL_STATUSES = {"succeed", "failed"}


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
    """The task ended `failed`; `task_status_msg` says why. Retrying the same input rarely helps."""

    def __init__(self, task):
        super().__init__(f"task {task['task_id']} failed: {task.get('task_status_msg', '')}")
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
        return cls(os.environ.get("KLING_BASE_URL", "https://api-singapore.klingai.com"),
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
        deadline = time.monotonic() + timeout
        while True:
            task = self.get_text2video(task_id)
            if task["task_status"] == "succeed":
                return task
            if task["task_status"] == "failed":
                raise TaskFailed(task)
            if time.monotonic() > deadline:
                raise TimeoutError(f"task {task_id} still {task['task_status']} after {timeout} s")
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


def main(argv):
    prompt = argv[1] if len(argv) > 1 else "a calm sunrise over the ocean"
    dest = argv[2] if len(argv) > 2 else "result.mp4"
    kling = Kling.from_env()
    created = kling.create_text2video(prompt, model_name="kling-v1", duration="5")
    print(f"task {created['task_id']} {created['task_status']}")
    task = kling.wait(created["task_id"])
    video = task["task_result"]["videos"][0]
    size = kling.download(video["url"], dest)
    print(f"{dest}: {size} bytes, {video['duration']} s")


if __name__ == "__main__":
    main(sys.argv)
