"""A Kling integration written the way the team's first backend was (SEED-REFERENCE: a
`KlingAIClient` per account and a Celery task per endpoint that retries on a busy
service), with `requests` for HTTP, PyJWT for tokens and tenacity for the task's retries
(what Celery's `autoretry_for` does, without a broker)."""

import time

import jwt
import requests
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_none

#: The codes a task retries on: the service is busy (5001) or the account's concurrency is
#: full (1303).
TRANSIENT = {5001, 1303}


class KlingAPIError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{code}: {message} (HTTP {status})")
        self.status, self.code, self.message = status, code, message


class KlingAIClient:
    def __init__(self, base_url, access_key, secret_key):
        self.base_url, self.access_key, self.secret_key = base_url, access_key, secret_key
        self.session = requests.Session()

    def _headers(self):
        now = int(time.time())
        token = jwt.encode({"iss": self.access_key, "exp": now + 1800, "nbf": now - 5}, self.secret_key, "HS256")
        return {"Authorization": f"Bearer {token}"}

    def _call(self, method, path, **kwargs):
        response = self.session.request(method, self.base_url + path, headers=self._headers(), timeout=10, **kwargs)
        body = response.json()
        if body.get("code") != 0:
            raise KlingAPIError(response.status_code, body.get("code"), body.get("message"))
        return body["data"]

    def create_text2video(self, prompt, **options):
        return self._call("POST", "/v1/videos/text2video", json={"prompt": prompt, **options})["task_id"]

    def get_task_status(self, task_id):
        return self._call("GET", f"/v1/videos/text2video/{task_id}")


def is_transient(error):
    return isinstance(error, KlingAPIError) and error.code in TRANSIENT


def generate_video(client, prompt, tick, attempts=5, **options):
    """The Celery task's body: create (retrying transient failures), then poll until the
    task ends. `tick` is what happens between polls (the worker's countdown; the tests
    advance the emulator's clock there instead of sleeping)."""
    create = retry(
        retry=retry_if_exception(is_transient), stop=stop_after_attempt(attempts), wait=wait_none(), reraise=True
    )(client.create_text2video)
    task_id = create(prompt, **options)
    for _ in range(100):
        task = client.get_task_status(task_id)
        if task["task_status"] in ("succeed", "failed"):
            return task
        tick()
    raise TimeoutError(task_id)
