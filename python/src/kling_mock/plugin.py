"""The pytest plugin: fixtures ``kling_mock`` (a fresh emulator per test) and
``kling_mock_session`` (one emulator per session, or per xdist worker, reset before each
test).

Options, the command line winning over the ini file: ``--kling-mock-bin`` /
``kling_mock_bin`` (the program), ``--kling-mock-api-version`` / ``kling_mock_api_version``
(the API day served). A test configures its own emulator with a marker::

    @pytest.mark.kling_mock(api_version="2026-09-14", scenarios=["balance-runs-out"])
    def test_out_of_credit(kling_mock): ...
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest

from ._emulator import Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kling-mock", "Kling AI API emulator")
    group.addoption("--kling-mock-bin", default=None, help="the kling-mock program (default: the installed one)")
    group.addoption("--kling-mock-api-version", default=None, help="serve the API of this day (YYYY-MM-DD)")
    parser.addini("kling_mock_bin", "the kling-mock program (default: the installed one)", default="")
    parser.addini("kling_mock_api_version", "serve the API of this day (YYYY-MM-DD)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "kling_mock(**options): options of the test's kling_mock emulator "
        "(api_version, scenarios, accounts, api_keys, manual_clock, seed, tls, any kling-mock flag)",
    )


def _defaults(config: pytest.Config) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    binary = config.getoption("--kling-mock-bin") or config.getini("kling_mock_bin")
    if binary:
        options["binary"] = str(binary)
    api_version = config.getoption("--kling-mock-api-version") or config.getini("kling_mock_api_version")
    if api_version:
        options["api_version"] = str(api_version)
    return options


@pytest.fixture
def kling_mock(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A fresh emulator for this test, configured by its ``kling_mock`` marker."""
    options = _defaults(request.config)
    for marker in reversed(list(request.node.iter_markers("kling_mock"))):
        options.update(marker.kwargs)
    with Emulator(**options) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def kling_mock_process(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """The one emulator of the session (of each xdist worker: each has its own port)."""
    with Emulator(**_defaults(pytestconfig)) as emulator:
        yield emulator


@pytest.fixture
def kling_mock_session(kling_mock_process: Emulator) -> Iterator[Emulator]:
    """The session's emulator, with no tasks, journal or scenarios left by earlier tests."""
    kling_mock_process.clear_scenarios()
    kling_mock_process.reset()
    yield kling_mock_process
