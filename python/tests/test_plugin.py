"""The pytest plugin, run on test files of its own (pytester): the fixtures, the marker,
the options, reset between tests of a session, and pytest-xdist."""

import textwrap

import pytest

HELPERS = '''
import json, urllib.request, urllib.error

def post(emu, path, body, api_key=False):
    request = urllib.request.Request(emu.url(path), data=json.dumps(body).encode(), method="POST",
                                     headers=emu.headers(api_key=api_key))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())
'''


def write(pytester, name, body):
    pytester.makepyfile(**{name: HELPERS + textwrap.dedent(body)})


def test_the_fixture_is_fresh_per_test_and_the_marker_configures_it(pytester):
    write(
        pytester,
        "test_inner",
        """
        import pytest

        def test_a_task_succeeds_when_time_moves(kling_mock):
            task = post(kling_mock, "/v1/videos/text2video", {"prompt": "a cat"})["data"]["task_id"]
            kling_mock.advance(3600)
            assert [t["task"]["task_status"] for t in kling_mock.tasks()] == ["succeed"]

        def test_nothing_is_left_from_the_test_before(kling_mock):
            assert kling_mock.tasks() == []

        @pytest.mark.kling_mock(api_version="2026-09-14")
        def test_the_day_before_the_retirement_takes_kling_v1(kling_mock):
            assert post(kling_mock, "/v1/videos/text2video", {"prompt": "a", "model_name": "kling-v1"})["code"] == 0

        def test_today_refuses_kling_v1(kling_mock):
            assert post(kling_mock, "/v1/videos/text2video", {"prompt": "a", "model_name": "kling-v1"})["code"] == 1201

        @pytest.mark.kling_mock(scenarios=["storm-5001"], latency="instant")
        def test_a_ready_made_scenario_by_name(kling_mock):
            assert post(kling_mock, "/v1/videos/text2video", {"prompt": "a"})["code"] == 5001
        """,
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_session_fixture_is_one_process_reset_before_each_test(pytester):
    write(
        pytester,
        "test_session",
        """
        SEEN = []

        def test_first(kling_mock_session):
            SEEN.append(kling_mock_session.base_url)
            post(kling_mock_session, "/v1/videos/text2video", {"prompt": "a"})
            kling_mock_session.load_scenario("storm-5001")
            assert kling_mock_session.tasks()

        def test_second(kling_mock_session):
            SEEN.append(kling_mock_session.base_url)
            assert kling_mock_session.tasks() == []
            assert post(kling_mock_session, "/v1/videos/text2video", {"prompt": "a"})["code"] == 0
            assert SEEN[0] == SEEN[1], "the same process"
        """,
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_command_line_and_ini_options(pytester):
    write(
        pytester,
        "test_options",
        """
        def test_kling_v1_is_served(kling_mock):
            assert post(kling_mock, "/v1/videos/text2video", {"prompt": "a", "model_name": "kling-v1"})["code"] == 0
        """,
    )
    pytester.runpytest("-p", "no:cacheprovider", "--kling-mock-api-version", "2026-09-14").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nkling_mock_api_version = 2026-09-14\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    missing = pytester.runpytest("-p", "no:cacheprovider", "--kling-mock-bin", "/no/such/kling-mock")
    missing.assert_outcomes(errors=1)
    missing.stdout.fnmatch_lines(["*kling-mock program not found at '/no/such/kling-mock'*"])


def test_a_bad_flag_in_a_marker_fails_the_test_with_the_programs_message(pytester):
    write(
        pytester,
        "test_bad_flag",
        """
        import pytest

        @pytest.mark.kling_mock(latency="glacial")
        def test_never_runs(kling_mock):
            pass
        """,
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*EmulatorError*", "*glacial*"])


def test_xdist_workers_each_get_their_own_emulator(pytester, monkeypatch):
    write(
        pytester,
        "test_parallel",
        """
        import os, pathlib, pytest

        @pytest.mark.parametrize("n", range(6))
        def test_create(kling_mock_session, n, tmp_path_factory):
            assert post(kling_mock_session, "/v1/videos/text2video", {"prompt": f"clip {n}"})["code"] == 0
            assert len(kling_mock_session.tasks()) == 1, "reset between tests, never shared across workers"
            out = pathlib.Path(os.environ["KLING_MOCK_URLS"])
            with out.open("a") as urls:
                urls.write(f"{os.environ.get('PYTEST_XDIST_WORKER')} {kling_mock_session.base_url}\\n")
        """,
    )
    urls = pytester.path / "urls.txt"
    monkeypatch.setenv("KLING_MOCK_URLS", str(urls))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=6)
    lines = {tuple(line.split()) for line in urls.read_text().splitlines()}
    workers = {worker for worker, _ in lines}
    addresses = {url for _, url in lines}
    assert len(workers) == 2 and len(addresses) == 2, lines


@pytest.mark.parametrize("readme", ["python/README.md", "README.md"])
def test_the_readme_example_passes_as_written(pytester, readme):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / readme).read_text()
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_readme=example)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
