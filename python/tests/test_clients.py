"""The clients people use, against the fixture: the PyPI `klingai-api` client, and an
integration written like the seed's backend, through its success and failure paths.
Time is advanced, never slept."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from seed_backend import KlingAIClient, KlingAPIError, generate_video  # noqa: E402


def third_party(module):
    try:
        return __import__(module)
    except ImportError:
        if os.environ.get("KLING_MOCK_REQUIRE_TOOLS") == "1":
            raise
        pytest.skip(f"{module} is not installed (pip install --no-deps --ignore-requires-python klingai-api)")


def seed_client(emu):
    return KlingAIClient(emu.base_url, emu.access_key, emu.secret_key)


def test_the_seed_style_task_runs_to_a_video(kling_mock):
    task = generate_video(seed_client(kling_mock), "a calm sunrise", tick=lambda: kling_mock.advance(30))
    assert task["task_status"] == "succeed"
    assert task["task_result"]["videos"][0]["url"].startswith(kling_mock.base_url)


@pytest.mark.kling_mock(scenarios=["storm-5001"])
def test_a_busy_service_is_retried_until_it_recovers(kling_mock):
    # storm-5001: the first 10 requests answer 5001.
    with pytest.raises(KlingAPIError) as exhausted:
        generate_video(seed_client(kling_mock), "a", tick=lambda: kling_mock.advance(30), attempts=3)
    assert exhausted.value.code == 5001
    task = generate_video(seed_client(kling_mock), "a", tick=lambda: kling_mock.advance(30), attempts=10)
    assert task["task_status"] == "succeed"
    assert len(kling_mock.journal(status=503)) == 10


@pytest.mark.kling_mock(scenarios=["moderation"])
def test_moderation_is_not_retried(kling_mock):
    with pytest.raises(KlingAPIError) as refused:
        generate_video(seed_client(kling_mock), "a gory scene", tick=lambda: kling_mock.advance(30))
    assert (refused.value.status, refused.value.code) == (400, 1301)
    assert len(kling_mock.journal(path="/v1/videos/text2video")) == 1, "one attempt only"


@pytest.mark.kling_mock(scenarios=["balance-runs-out"])
def test_the_balance_runs_out(kling_mock):
    client = seed_client(kling_mock)
    codes = []
    for n in range(4):
        try:
            generate_video(client, f"clip {n}", tick=lambda: kling_mock.advance(30))
            codes.append(0)
        except KlingAPIError as error:
            codes.append(error.code)
    assert codes == [0, 0, 0, 1102]


def test_the_klingai_api_client_creates_polls_and_lists(kling_mock):
    api = third_party("api")

    class Local(api.KlingAiAPI):
        base = kling_mock.base_url

    with Local(kling_mock.access_key, kling_mock.secret_key) as kling:
        created = kling.text2video("a calm sunrise", model_name=api.Text2VideoModel.kling_v2_6)
        task_id = created["data"]["task_id"]
        assert kling.get_text2video(task_id)["data"]["task_status"] == "submitted"
        kling_mock.advance(3600)
        done = kling.get_text2video(task_id)["data"]
        assert done["task_status"] == "succeed" and done["task_result"]["videos"]
        assert [t["task_id"] for t in kling.list_text2video()["data"]] == [task_id]


def test_the_klingai_api_clients_default_model_was_retired(kling_mock):
    """klingai-api 0.1.0 defaults to kling-v1, which the API retired on 2026-09-15."""
    api = third_party("api")
    requests = pytest.importorskip("requests")

    class Local(api.KlingAiAPI):
        base = kling_mock.base_url

    with Local(kling_mock.access_key, kling_mock.secret_key) as kling:
        with pytest.raises(requests.HTTPError) as refused:
            kling.text2video("a calm sunrise")
    assert refused.value.response.json()["code"] == 1201
    assert "discontinued" in refused.value.response.json()["message"]


@pytest.mark.kling_mock(api_version="2026-09-14")
def test_the_klingai_api_clients_default_works_on_the_day_before(kling_mock):
    api = third_party("api")

    class Local(api.KlingAiAPI):
        base = kling_mock.base_url

    with Local(kling_mock.access_key, kling_mock.secret_key) as kling:
        assert kling.text2video("a calm sunrise")["code"] == 0
