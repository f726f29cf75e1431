"""Starts the kling-mock binary for the tests: a free port, a fixed seed and a manual clock,
so every run sees the same task ids and nothing waits in real time."""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import requests

EXAMPLE_DIR = pathlib.Path(__file__).resolve().parents[1]
REPO = EXAMPLE_DIR.parents[1]
sys.path.insert(0, str(EXAMPLE_DIR))

DEV_ACCESS_KEY = "kling-mock-dev-access-key"
DEV_SECRET_KEY = "kling-mock-dev-secret-key"
DEV_API_KEY = "kling-mock-dev-api-key"  # the development account's API key


def binary():
    """$KLING_MOCK_BIN, else the workspace's debug build, else kling-mock on PATH."""
    candidates = [os.environ.get("KLING_MOCK_BIN")]
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    candidates.append(str(target / "debug" / "kling-mock"))
    candidates.append(shutil.which("kling-mock"))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("kling-mock binary not found: run `cargo build -p kling-mock` or set KLING_MOCK_BIN")


class Emulator:
    """One running kling-mock process and its admin API."""

    def __init__(self, args, tmp_path):
        self.log = open(tmp_path / "kling-mock.log", "wb")
        # A fixed simulated start unless the caller picks one (signed callbacks want the real time:
        # verifiers compare `webhook-timestamp` with the wall clock).
        start = [] if "--clock-start" in args else ["--clock-start", "1767225600000"]
        command = [binary(), "--port", "0", "--seed", "7", "--manual-clock", *start, *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, cwd=REPO)
        # The banner's first line ends with the address it bound: "kling-mock X listening on http://...".
        first = self.process.stdout.readline().decode().strip()
        if not first.startswith("kling-mock") or "listening on" not in first:
            self.stop()
            pytest.fail(f"kling-mock did not start: {first!r}\n{(tmp_path / 'kling-mock.log').read_text()}")
        self.base_url = first.rsplit(" ", 1)[-1]
        # With --tls the banner names the certificate to trust: "  TLS certificate to trust: PATH".
        self.certificate = None
        while self.base_url.startswith("https://") and self.certificate is None:
            line = self.process.stdout.readline().decode()
            if not line:
                self.stop()
                pytest.fail("kling-mock --tls printed no certificate")
            if "TLS certificate to trust:" in line:
                self.certificate = line.split(":", 1)[1].strip()

    def admin(self, method, path, **kwargs):
        verify = self.certificate or True
        response = requests.request(method, f"{self.base_url}/__admin{path}", timeout=10, verify=verify, **kwargs)
        response.raise_for_status()
        return response.json()

    def advance(self, seconds):
        """Moves the emulator's simulated time (tasks progress only through this)."""
        return self.admin("POST", "/clock/advance", json={"seconds": seconds})

    def scenario(self, toml):
        """Replaces the active scenarios with this TOML text."""
        return self.admin("PUT", "/scenarios", data=toml.encode(), headers={"content-type": "application/toml"})

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process.stdout.close()
        self.log.close()


class FakeSleep:
    """Records backoff delays instead of sleeping them."""

    def __init__(self):
        self.delays = []

    def __call__(self, seconds):
        self.delays.append(seconds)


@pytest.fixture
def start_emulator(tmp_path):
    """A factory: start_emulator("--scenario", "scenarios/moderation.toml") -> Emulator."""
    started = []

    def start(*args):
        emulator = Emulator(args, tmp_path)
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(start_emulator):
    return start_emulator()
