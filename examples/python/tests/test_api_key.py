"""The API-key flow against kling-mock: a Kling 3.0 task through the new-standard API (create,
poll `GET /tasks`, download, billing), the AK/SK token refused there, lookup by external id,
a failed task, cursor paging over `POST /tasks`, and the script run end to end."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest

from conftest import DEV_ACCESS_KEY, DEV_API_KEY, DEV_SECRET_KEY, EXAMPLE_DIR, FakeSleep
from kling_example import Kling, KlingApiKey, KlingError, TaskFailed, billed_units

SETTINGS = {"duration": 5, "resolution": "720p"}


def client(emulator, **kwargs):
    return KlingApiKey(emulator.base_url, DEV_API_KEY, **kwargs)


def test_a_kling_3_task_succeeds_downloads_and_is_billed(start_emulator, tmp_path):
    emulator = start_emulator("--units", "video=100")
    kling = client(emulator)
    created = kling.create_text_to_video("a calm sunrise over the ocean", settings=SETTINGS,
                                         external_task_id="order-1")
    assert (created["status"], created["external_id"]) == ("submitted", "order-1")

    seen = []
    task = kling.wait_task(created["id"], before_poll=lambda: seen.append(emulator.advance(30)))
    assert task["id"] == created["id"] and task["status"] == "succeeded"
    assert seen, "the task needed simulated time to finish"

    video = next(output for output in task["outputs"] if output["type"] == "video")
    assert video["duration"].startswith("5")
    dest = tmp_path / "sunrise.mp4"
    size = kling.download(video["url"], dest)
    assert size == dest.stat().st_size > 1000
    assert dest.read_bytes()[4:8] == b"ftyp", "a real MP4 file"

    assert task["billing"] == [{"charge_type": "unit", "amount": "3", "package_type": "video"}]
    assert billed_units(task) == {"video": Decimal("3")}
    # The key reaches the same account as the legacy API: its pack paid for the task.
    pack = kling.account_costs()["resource_pack_subscribe_infos"][0]
    assert (pack["total_quantity"], pack["remaining_quantity"]) == (100, 97)


def test_an_ak_sk_token_is_refused_on_the_new_paths(emulator):
    sleep = FakeSleep()
    legacy = Kling(emulator.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY, sleep=sleep)
    for method, path, body in [("POST", "/text-to-video/kling-3.0", {"prompt": "signed, not keyed"}),
                               ("GET", "/tasks", None), ("POST", "/tasks", {"limit": 10})]:
        with pytest.raises(KlingError) as raised:
            legacy.request(method, path, body, params={"task_ids": "1"} if method == "GET" else None)
        assert (raised.value.http_status, raised.value.code) == (401, 1002), path
        assert "does not support AK/SK" in raised.value.message
    assert sleep.delays == [], "an authentication error is not retried"

    with pytest.raises(KlingError) as raised:
        KlingApiKey(emulator.base_url, "not-a-key").create_text_to_video("who am I")
    assert (raised.value.http_status, raised.value.code) == (401, 1002)
    # The same token still works on /v1, and so does the key.
    assert legacy.create_text2video("signed")["task_status"] == "submitted"
    assert client(emulator).create_text2video("keyed")["task_status"] == "submitted"


def test_tasks_are_found_by_their_external_task_id(emulator):
    kling = client(emulator)
    first = kling.create_text_to_video("a lighthouse at dusk", settings=SETTINGS, external_task_id="order-7")
    second = kling.create_text_to_video("a harbour at dawn", external_task_id="order-8")
    assert kling.get_task(external_task_id="order-7")["id"] == first["id"]

    found = kling.get_tasks(external_task_ids=["order-8", "order-7", "no-such-order"])
    assert sorted(task["id"] for task in found) == sorted([first["id"], second["id"]]), "unknown ids are absent"
    assert {task["external_id"] for task in found} == {"order-7", "order-8"}
    assert kling.get_tasks(task_ids=[first["id"]])[0]["external_id"] == "order-7"
    with pytest.raises(LookupError):
        kling.get_task(external_task_id="no-such-order")


def test_a_failed_task_raises_and_costs_nothing(emulator):
    emulator.scenario('[[rule]]\nendpoint = "text-to-video/kling-3.0"\nprompt = "doomed"\n'
                      'fail = "the render crashed"\n')
    kling = client(emulator)
    created = kling.create_text_to_video("a doomed ship", settings=SETTINGS)
    with pytest.raises(TaskFailed) as raised:
        kling.wait_task(created["id"], before_poll=lambda: emulator.advance(30))
    assert raised.value.task["message"] == "the render crashed"
    assert created["id"] in str(raised.value)
    assert billed_units(raised.value.task) == {"video": Decimal("0")}


def test_cursor_paging_sees_every_task_once(emulator):
    kling = client(emulator)
    created = [kling.create_text_to_video(f"clip {i}", settings=SETTINGS)["id"] for i in range(7)]

    pages, cursor = [], None
    while True:
        page = kling.list_tasks(limit=3, cursor=cursor)
        pages.append(page)
        assert page["count"] == len(page["result"]) <= 3
        if not page["has_more"]:
            assert "next_cursor" not in page, "the last page has no cursor"
            break
        cursor = page["next_cursor"]
    assert [page["count"] for page in pages] == [3, 3, 1]
    listed = [task["id"] for page in pages for task in page["result"]]
    assert sorted(listed) == sorted(created) and len(set(listed)) == 7, "each task exactly once"

    assert [task["id"] for task in kling.iter_tasks(limit=2)] == listed, "the same order through iter_tasks"
    assert list(kling.iter_tasks(limit=2, status=["succeeded"])) == [], "nothing has finished yet"
    emulator.advance(600)
    assert sorted(task["id"] for task in kling.iter_tasks(limit=2, status=["succeeded"])) == sorted(created)
    assert kling.list_tasks(limit=5, status=["failed"]) == {"count": 0, "has_more": False}, \
        "an empty page has no result list"


def test_the_script_runs_the_api_key_flow(start_emulator, tmp_path):
    # Instant latency: the script polls with real sleeps, the task is done at its first look.
    emulator = start_emulator("--latency", "instant")
    env = {**os.environ, "KLING_BASE_URL": emulator.base_url, "KLING_API_KEY": DEV_API_KEY}
    dest = tmp_path / "out.mp4"
    done = subprocess.run([sys.executable, str(EXAMPLE_DIR / "kling_example.py"), "a calm sunrise", str(dest)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("task ") and lines[0].endswith(" submitted")
    assert lines[1].startswith(f"{dest}: {dest.stat().st_size} bytes, 5")
    assert lines[2] == "billed 3 units from the video pack"
