"""The example integration against kling-mock: a task that succeeds and downloads, a balance
that runs out, a prompt moderation rejects, retries through a busy service, and the same
client over HTTPS."""

import pytest
import requests

from conftest import DEV_ACCESS_KEY, DEV_SECRET_KEY, FakeSleep
from kling_example import Kling, KlingError


def client(emulator, **kwargs):
    return Kling(emulator.base_url, DEV_ACCESS_KEY, DEV_SECRET_KEY, **kwargs)


def test_a_task_succeeds_and_its_video_downloads(emulator, tmp_path):
    kling = client(emulator)
    created = kling.create_text2video("a calm sunrise over the ocean", duration="5", external_task_id="order-1")
    assert created["task_status"] == "submitted"
    assert created["task_info"]["external_task_id"] == "order-1"

    seen = []
    task = kling.wait("order-1", before_poll=lambda: seen.append(emulator.advance(30)))
    assert task["task_id"] == created["task_id"]
    assert seen, "the task needed simulated time to finish"
    assert task["final_unit_deduction"]

    video = task["task_result"]["videos"][0]
    dest = tmp_path / "sunrise.mp4"
    size = kling.download(video["url"], dest)
    assert size == dest.stat().st_size > 1000
    assert dest.read_bytes()[4:8] == b"ftyp", "a real MP4 file"


def test_the_fourth_task_finds_the_balance_exhausted(start_emulator):
    emulator = start_emulator("--scenario", "scenarios/balance-runs-out.toml")
    sleep = FakeSleep()
    kling = client(emulator, sleep=sleep)
    for i in range(3):
        kling.create_text2video(f"clip {i}", duration="5", mode="std")
    with pytest.raises(KlingError) as raised:
        kling.create_text2video("one too many", duration="5", mode="std")
    assert (raised.value.http_status, raised.value.code) == (429, 1102)
    assert not raised.value.retryable and sleep.delays == [], "an empty pack is not retried"

    packs = kling.account_costs()["resource_pack_subscribe_infos"]
    video = next(p for p in packs if p["resource_pack_name"].startswith("Video"))
    assert (video["total_quantity"], video["remaining_quantity"], video["status"]) == (4.5, 0, "runOut")


def test_moderation_rejects_an_unsafe_prompt_without_retrying(start_emulator):
    emulator = start_emulator("--scenario", "scenarios/moderation.toml")
    sleep = FakeSleep()
    kling = client(emulator, sleep=sleep)
    with pytest.raises(KlingError) as raised:
        kling.create_text2video("a bloody battlefield")
    assert (raised.value.http_status, raised.value.code) == (400, 1301)
    assert sleep.delays == []
    assert kling.create_text2video("a peaceful meadow")["task_status"] == "submitted"


def test_retries_ride_out_a_maintenance_storm(start_emulator):
    emulator = start_emulator("--scenario", "scenarios/storm-5001.toml")
    sleep = FakeSleep()
    kling = client(emulator, sleep=sleep, max_retries=12, backoff=0.5, max_backoff=8)
    created = kling.create_text2video("after the storm")
    assert created["task_status"] == "submitted"
    assert len(sleep.delays) == 10, "the first 10 requests answered 5001"
    assert max(sleep.delays) <= 8 and sleep.delays[3] > sleep.delays[0]


def test_gives_up_when_the_service_stays_busy(emulator):
    emulator.scenario('[[rule]]\non = "any"\nfirst = 5\nreject = "concurrency_limit"\n')
    sleep = FakeSleep()
    kling = client(emulator, sleep=sleep, max_retries=2)
    with pytest.raises(KlingError) as raised:
        kling.create_text2video("queued work")
    assert (raised.value.http_status, raised.value.code) == (429, 1303)
    assert len(sleep.delays) == 2
    # The rule's 5 rejections are used up after 3 more requests.
    kling.max_retries = 3
    assert kling.create_text2video("queued work")["task_status"] == "submitted"


def test_over_https_with_the_certificate_the_emulator_prints(start_emulator, tmp_path):
    emulator = start_emulator("--tls")
    assert emulator.base_url.startswith("https://") and emulator.certificate
    with pytest.raises(requests.exceptions.SSLError):
        client(emulator).create_text2video("no trust, no talk")

    kling = client(emulator, verify=emulator.certificate)
    kling.create_text2video("a lighthouse at dusk", external_task_id="secure-1")
    task = kling.wait("secure-1", before_poll=lambda: emulator.advance(60))
    video = task["task_result"]["videos"][0]
    assert video["url"].startswith(emulator.base_url + "/media/"), "results come back over the same HTTPS address"
    dest = tmp_path / "lighthouse.mp4"
    assert kling.download(video["url"], dest) > 1000
    assert dest.read_bytes()[4:8] == b"ftyp"
