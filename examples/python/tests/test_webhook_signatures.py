"""Signed callbacks against a third-party verifier: the Standard Webhooks reference library
(`standardwebhooks` on PyPI) must accept every callback the emulator signs, and reject the
ones a scenario breaks (forged, missing, stale signatures).

The verifier checks `webhook-timestamp` against the real clock (5 minutes either way), so the
emulator's simulated clock starts at the real time here and tasks use the instant latency
profile: they finish after a second of simulated time, well within the tolerance."""

import base64
import datetime
import http.server
import json
import threading
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from conftest import DEV_ACCESS_KEY, DEV_SECRET_KEY, FakeSleep
from kling_example import Kling

# Fixed secrets (32 bytes each), so runs repeat.
SECRET = "whsec_" + base64.b64encode(b"kling-mock interop secret one!!!").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"kling-mock interop secret two!!!").decode()
TERMINAL = {"succeed", "failed"}


class Receiver:
    """An HTTP server in a thread that records every POST: its raw body and headers."""

    def __init__(self):
        self.received = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.arrived:
                    receiver.received.append((body, dict(self.headers.items())))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/kling-callback"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, done, deadline_s=5.0):
        """Waits (real time, a few seconds at most) until `done(received)`; returns a copy."""
        deadline = time.monotonic() + deadline_s
        with self.arrived:
            while not done(self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"callbacks did not arrive in {deadline_s} s: {self.received!r}")
                self.arrived.wait(left)
            return list(self.received)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def start_signing(start_emulator, *secrets):
    """An emulator whose simulated clock starts now, signing with `secrets`."""
    args = ["--latency", "instant", "--clock-start", str(int(time.time() * 1000))]
    for secret in secrets:
        args += ["--webhook-secret", secret]
    return start_emulator(*args)


def status_of(body):
    """The task status a callback reports (its body is the task object)."""
    return json.loads(body)["task_status"]


def run_task(emulator, receiver, terminal_callbacks=1):
    """Creates a text2video task calling back to `receiver`, moves the simulated clock until it
    ends, and returns its callbacks once `terminal_callbacks` of them report the end."""
    kling = Kling(emulator.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY, sleep=FakeSleep())
    created = kling.create_text2video("a paper boat on a pond", duration="5", callback_url=receiver.url)
    task = kling.wait(created["task_id"], before_poll=lambda: emulator.advance(1))
    assert task["task_status"] == "succeed"
    callbacks = receiver.wait_for(lambda got: sum(status_of(b) in TERMINAL for b, _ in got) >= terminal_callbacks)
    assert all(json.loads(body)["task_id"] == created["task_id"] for body, _ in callbacks)
    return callbacks


def test_every_callback_of_a_task_verifies(start_emulator, receiver):
    emulator = start_signing(start_emulator, SECRET)
    callbacks = run_task(emulator, receiver)
    statuses = [status_of(body) for body, _ in callbacks]
    assert statuses[-1] == "succeed" and len(statuses) >= 2, statuses
    ids = set()
    for body, headers in callbacks:
        payload = Webhook(SECRET).verify(body, headers)
        assert payload["task_status"] in {"submitted", "processing", "succeed"}
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60, "stamped with the simulated (~real) time"
        ids.add(headers["webhook-id"])
    assert len(ids) == len(callbacks), "each status change is an event of its own"
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(OTHER_SECRET).verify(*callbacks[-1])


def test_the_console_test_callback_verifies(start_emulator, receiver):
    emulator = start_signing(start_emulator, SECRET)
    answer = emulator.admin("POST", "/callbacks/test", json={"url": receiver.url})
    assert answer["signed"] is True and answer["receiver_status"] == 200
    [(body, headers)] = receiver.wait_for(lambda got: len(got) >= 1)
    assert headers["webhook-id"] == answer["webhook_id"]
    assert Webhook(SECRET).verify(body, headers)["status"] == "submitted", "the console's test body"
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(OTHER_SECRET).verify(body, headers)


def test_each_secret_of_a_rotation_alone_accepts(start_emulator, receiver):
    emulator = start_signing(start_emulator, SECRET, OTHER_SECRET)
    callbacks = run_task(emulator, receiver)
    for body, headers in callbacks:
        assert len(headers["webhook-signature"].split(" ")) == 2, "both secrets sign"
        for secret in (SECRET, OTHER_SECRET):
            Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook("whsec_" + base64.b64encode(b"a secret nobody configured here!").decode()).verify(*callbacks[-1])


@pytest.mark.parametrize(
    "fault, error",
    [
        ("forged", "No matching signature"),
        ("missing", "Missing required headers"),
        ("stale", "too old"),
    ],
)
def test_a_broken_signature_is_rejected(start_emulator, receiver, fault, error):
    emulator = start_signing(start_emulator, SECRET)
    emulator.scenario(f'[[rule]]\non = "create"\ncallback = {{ signature = "{fault}" }}\n')
    callbacks = run_task(emulator, receiver)
    for body, headers in callbacks:
        assert ("webhook-signature" in headers) == (fault != "missing")
        with pytest.raises(WebhookVerificationError, match=error):
            Webhook(SECRET).verify(body, headers)
    if fault == "stale":
        # Correctly signed, only ten minutes old: a verifier whose clock agrees accepts it.
        body, headers = callbacks[-1]
        stamped = datetime.datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=datetime.timezone.utc)
        assert time.time() - stamped.timestamp() > 590
        expected = Webhook(SECRET).sign(headers["webhook-id"], stamped, body.decode())
        assert expected in headers["webhook-signature"].split(" ")


def test_a_duplicated_callback_repeats_its_webhook_id(start_emulator, receiver):
    emulator = start_signing(start_emulator, SECRET)
    emulator.scenario('[[rule]]\non = "create"\ncallback = { duplicate = true }\n')
    callbacks = run_task(emulator, receiver, terminal_callbacks=2)
    by_status = {}
    for body, headers in callbacks:
        Webhook(SECRET).verify(body, headers)
        by_status.setdefault(status_of(body), []).append(headers["webhook-id"])
    assert by_status and all(len(ids) == 2 and ids[0] == ids[1] for ids in by_status.values()), by_status
    assert len({ids[0] for ids in by_status.values()}) == len(by_status), "statuses keep distinct ids"
