"""Every public function of `kling_mock`, against the real program."""

import json
import subprocess
import sys
import urllib.request

import pytest

import kling_mock
from kling_mock import DEV_ACCESS_KEY, DEV_API_KEY, Emulator, EmulatorError


def call(emu, method, path, body=None, api_key=False):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(emu.url(path), data=data, method=method, headers=emu.headers(api_key=api_key))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_task_moves_only_when_time_is_advanced():
    with Emulator() as emu:
        assert emu.running and emu.base_url.startswith("http://127.0.0.1:")
        assert (emu.access_key, emu.api_key) == (DEV_ACCESS_KEY, DEV_API_KEY)
        status, created = call(emu, "POST", "/v1/videos/text2video", {"prompt": "a calm sunrise"})
        assert (status, created["code"]) == (200, 0)
        task_id = created["data"]["task_id"]
        assert call(emu, "GET", f"/v1/videos/text2video/{task_id}")[1]["data"]["task_status"] == "submitted"
        emu.advance(3600)
        done = call(emu, "GET", f"/v1/videos/text2video/{task_id}")[1]["data"]
        assert done["task_status"] == "succeed" and done["task_result"]["videos"]
        assert [t["task"]["task_id"] for t in emu.tasks()] == [task_id]
        assert any(e["path"].startswith("/v1/videos/text2video") for e in emu.journal())
        assert emu.journal(status=400) == []
    assert not emu.running
    assert any("shutting down" in line for line in emu.log), emu.log


def test_the_new_standard_surface_takes_the_api_key():
    with Emulator() as emu:
        status, created = call(emu, "POST", "/text-to-video/kling-3.0", {"prompt": "a kite"}, api_key=True)
        assert status == 200, created
        emu.advance(3600)
        status, items = call(emu, "GET", f"/tasks?task_ids={created['data']['id']}", api_key=True)
        assert items["data"][0]["status"] == "succeeded"


def test_scenarios_by_name_text_and_path_and_clearing(tmp_path):
    with Emulator(scenarios=["moderation"]) as emu:
        assert "balance-runs-out" in emu.ready_made_scenarios()
        status, refused = call(emu, "POST", "/v1/videos/text2video", {"prompt": "a gory scene"})
        assert (status, refused["code"]) == (400, 1301)
        emu.clear_scenarios()
        assert call(emu, "POST", "/v1/videos/text2video", {"prompt": "a gory scene"})[0] == 200
        emu.load_scenario('name = "busy"\n[[rule]]\non = "create"\nreject = "service_unavailable"\n')
        assert call(emu, "POST", "/v1/videos/text2video", {"prompt": "a"})[1]["code"] == 5001
        path = tmp_path / "balance.toml"
        path.write_text('name = "broke"\n[[rule]]\non = "create"\nreject = "insufficient_balance"\n')
        emu.clear_scenarios()
        emu.load_scenario(path)
        assert call(emu, "POST", "/v1/videos/text2video", {"prompt": "a"})[1]["code"] == 1102
        with pytest.raises(EmulatorError, match="no ready-made scenario"):
            emu.load_scenario("no-such-scenario")
        with pytest.raises(EmulatorError, match="HTTP 400"):
            emu.load_scenario("[[rule]]\nnot_a_key = 1\n")


def test_force_release_and_reset():
    with Emulator(scenarios=["hold-and-release"]) as emu:
        held = call(emu, "POST", "/v1/videos/text2video", {"prompt": "wait [hold]"})[1]["data"]["task_id"]
        other = call(emu, "POST", "/v1/videos/text2video", {"prompt": "fail me"})[1]["data"]["task_id"]
        emu.force(other, "failed", "forced by the test")
        failed = call(emu, "GET", f"/v1/videos/text2video/{other}")[1]["data"]
        assert (failed["task_status"], failed["task_status_msg"]) == ("failed", "forced by the test")
        emu.advance(3600)
        assert call(emu, "GET", f"/v1/videos/text2video/{held}")[1]["data"]["task_status"] == "processing"
        assert emu.release(held)["released"]
        emu.advance(3600)
        assert call(emu, "GET", f"/v1/videos/text2video/{held}")[1]["data"]["task_status"] == "succeed"
        emu.reset()
        assert emu.tasks() == [] and emu.journal() == []


def test_accounts_api_keys_tokens_and_the_api_of_a_day():
    accounts = {"team-ak": "team-sk"}
    with Emulator(accounts=accounts, api_keys=["team-key=team-ak"], api_version="2026-09-14") as emu:
        assert (emu.access_key, emu.secret_key, emu.api_key) == ("team-ak", "team-sk", "team-key")
        token = emu.token(ttl=60)
        assert token.count(".") == 2
        # kling-v1 was retired on 2026-09-15: the day before still takes it.
        status, created = call(emu, "POST", "/v1/videos/text2video", {"prompt": "a", "model_name": "kling-v1"})
        assert status == 200, created
        wrong = emu.token(access_key="team-ak", secret_key="not-the-secret")
        request = urllib.request.Request(emu.url("/v1/videos/text2video"), headers={"Authorization": f"Bearer {wrong}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
    with Emulator(accounts=["other-ak:other-sk"]) as emu:
        assert emu.api_key is None and emu.access_key == "other-ak"


def test_tls_serves_https_with_a_certificate_to_trust():
    with Emulator(tls=True) as emu:
        assert emu.base_url.startswith("https://") and emu.certificate
        assert emu.advance(1)  # the admin API over HTTPS, trusting the certificate
        import ssl

        context = ssl.create_default_context(cafile=emu.certificate)
        request = urllib.request.Request(emu.url("/v1/videos/text2video"), headers=emu.headers())
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            assert response.status == 200


def test_flags_pass_through_and_a_bad_flag_raises_the_programs_message():
    with Emulator(latency="instant", journal_size=5) as emu:
        task = call(emu, "POST", "/v1/videos/text2video", {"prompt": "a"})[1]["data"]["task_id"]
        assert call(emu, "GET", f"/v1/videos/text2video/{task}")[1]["data"]["task_status"] == "succeed"
    with pytest.raises(EmulatorError, match="--no-such-flag"):
        Emulator(no_such_flag=True).start()
    with pytest.raises(EmulatorError, match="latency"):
        Emulator(latency="glacial").start()
    with pytest.raises(EmulatorError):
        Emulator(scenarios=["/no/such/file.toml"]).start()


def test_admin_calls_before_start_say_so():
    emu = Emulator()
    with pytest.raises(EmulatorError, match="not running"):
        emu.advance(1)


def test_the_program_is_found_and_runs_as_a_module():
    binary = kling_mock.find_binary()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("kling-mock ")
    shown = subprocess.run([sys.executable, "-m", "kling_mock", "--help"], capture_output=True, text=True)
    assert shown.returncode == 0 and "--api-version" in shown.stdout
    with pytest.raises(kling_mock.BinaryNotFound):
        kling_mock.find_binary("/no/such/kling-mock")
