"""One kling-mock process on a free port, and its admin API."""

from __future__ import annotations

import collections
import json
import os
import ssl
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Deque, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union, cast

from ._binary import find_binary

#: The built-in development account (used when no ``accounts`` are given).
DEV_ACCESS_KEY = "kling-mock-dev-access-key"
DEV_SECRET_KEY = "kling-mock-dev-secret-key"
#: The development account's API key (the new-standard API takes only API keys).
DEV_API_KEY = "kling-mock-dev-api-key"

#: How long a start may take before it counts as failed.
START_TIMEOUT_S = 30.0

Accounts = Union[Mapping[str, str], Iterable[Union[str, Tuple[str, str]]]]


class EmulatorError(RuntimeError):
    """The emulator refused something: a bad flag or scenario at start (the message is the
    program's own), or an admin call that failed (the message is the answer's)."""


class Emulator:
    """A running emulator: ``with Emulator() as emu: requests.post(emu.base_url + ...)``.

    Every keyword is a command-line option of ``kling-mock`` (``latency="instant"`` is
    ``--latency instant``, ``tls=True`` is ``--tls``, a list repeats the option). The clock
    is manual by default: tasks move only when :meth:`advance` is called, so tests never
    wait. ``scenarios`` are files, TOML texts or the names of the ready-made ones
    (``"moderation"``, ``"balance-runs-out"``, ...).
    """

    def __init__(
        self,
        api_version: Optional[str] = None,
        scenarios: Sequence[Union[str, Path]] = (),
        accounts: Optional[Accounts] = None,
        api_keys: Optional[Iterable[str]] = None,
        manual_clock: bool = True,
        seed: Optional[int] = 7,
        tls: bool = False,
        binary: Optional[str] = None,
        **flags: Any,
    ) -> None:
        self.binary = find_binary(binary)
        self._accounts = _account_pairs(accounts)
        self._api_keys = [str(k) for k in (api_keys or ())]
        self._scenarios = list(scenarios)
        self._args: List[str] = ["--port", "0"]
        if api_version is not None:
            self._args += ["--api-version", str(api_version)]
        if seed is not None:
            self._args += ["--seed", str(seed)]
        if manual_clock:
            self._args.append("--manual-clock")
        if tls:
            self._args.append("--tls")
        for access_key, secret_key in self._accounts:
            self._args += ["--account", f"{access_key}:{secret_key}"]
        for key in self._api_keys:
            self._args += ["--api-key", key]
        for name, value in flags.items():
            self._args += _flag(name, value)
        self._process: Optional["subprocess.Popen[bytes]"] = None
        self._stderr: Optional[threading.Thread] = None
        self._log: Deque[str] = collections.deque(maxlen=400)
        self._ssl: Optional[ssl.SSLContext] = None
        self.base_url = ""
        self.certificate: Optional[str] = None

    # ----- life -----

    def start(self) -> "Emulator":
        """Starts the program and waits for its first line (the address it listens on)."""
        if self._process is not None:
            return self
        self._process = subprocess.Popen(
            [self.binary, *self._args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._stderr = threading.Thread(target=self._drain, args=(self._process.stderr,), daemon=True)
        self._stderr.start()
        ready = threading.Event()
        threading.Thread(target=self._read_banner, args=(self._process.stdout, ready), daemon=True).start()
        if not ready.wait(START_TIMEOUT_S) or not self.base_url:
            message = self._failure()
            self.stop()
            raise EmulatorError(message)
        if self.certificate:
            self._ssl = ssl.create_default_context(cafile=self.certificate)
        try:
            for scenario in self._scenarios:
                self.load_scenario(scenario)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stops the program (it finishes open requests first)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._stderr is not None:
            self._stderr.join(timeout=5)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the program is running."""
        return self._process is not None and self._process.poll() is None

    @property
    def log(self) -> List[str]:
        """The program's last log lines (stderr)."""
        return list(self._log)

    # ----- credentials -----

    @property
    def access_key(self) -> str:
        """The access key of the first account (the development account by default)."""
        return self._accounts[0][0] if self._accounts else DEV_ACCESS_KEY

    @property
    def secret_key(self) -> str:
        """Its secret key."""
        return self._accounts[0][1] if self._accounts else DEV_SECRET_KEY

    @property
    def api_key(self) -> Optional[str]:
        """The first API key given, or the development account's; ``None`` when accounts
        were given without API keys."""
        if self._api_keys:
            return self._api_keys[0].split("=", 1)[0]
        return None if self._accounts else DEV_API_KEY

    def token(self, ttl: int = 1800, access_key: Optional[str] = None, secret_key: Optional[str] = None) -> str:
        """A valid token (JWT, HS256) for an account, signed by the program itself."""
        account = f"{access_key or self.access_key}:{secret_key or self.secret_key}"
        done = subprocess.run(
            [self.binary, "token", "--account", account, "--ttl", str(ttl)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise EmulatorError(done.stderr.strip() or f"kling-mock token failed ({done.returncode})")
        return done.stdout.strip()

    def headers(self, api_key: bool = False) -> Dict[str, str]:
        """``Authorization`` (a fresh token, or the API key) and ``Content-Type`` headers."""
        bearer = self.api_key if api_key else self.token()
        return {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}

    # ----- the admin API -----

    def advance(self, seconds: float) -> Dict[str, Any]:
        """Moves simulated time forward; tasks due by then move on."""
        return cast("Dict[str, Any]", self._admin("POST", "/clock/advance", {"seconds": seconds}))

    def load_scenario(self, scenario: Union[str, Path]) -> Dict[str, Any]:
        """Activates a scenario: a path, a TOML text, or a ready-made scenario's name."""
        return cast("Dict[str, Any]", self._admin("POST", "/scenarios", self._scenario_text(scenario), content_type="application/toml"))

    def clear_scenarios(self) -> Dict[str, Any]:
        """Deactivates every scenario."""
        return cast("Dict[str, Any]", self._admin("DELETE", "/scenarios"))

    def ready_made_scenarios(self) -> List[str]:
        """The names of the scenarios compiled into the program."""
        return cast("List[str]", self._admin("GET", "/scenarios/ready-made"))

    def journal(self, **filters: Any) -> List[Dict[str, Any]]:
        """The recorded exchanges, oldest first; filters as the admin API takes them
        (``path="/v1/videos/text2video"``, ``status=400``, ``account=...``, ``limit=10``)."""
        return cast("List[Dict[str, Any]]", self._admin("GET", "/journal" + _query(filters)))

    def tasks(self, **filters: Any) -> List[Dict[str, Any]]:
        """Every task, as the admin API lists them (``account=``, ``endpoint=``, ``status=``)."""
        return cast("List[Dict[str, Any]]", self._admin("GET", "/tasks" + _query(filters)))

    def force(self, task_id: str, status: str, message: Optional[str] = None) -> Dict[str, Any]:
        """Moves a task to ``processing``, ``succeed`` or ``failed`` now."""
        body: Dict[str, Any] = {"status": status}
        if message is not None:
            body["message"] = message
        return cast("Dict[str, Any]", self._admin("POST", f"/tasks/{urllib.parse.quote(task_id)}/state", body))

    def release(self, task_id: str) -> Dict[str, Any]:
        """Lets a task held by a scenario (``hold = "until_released"``) finish."""
        return cast("Dict[str, Any]", self._admin("POST", f"/tasks/{urllib.parse.quote(task_id)}/release"))

    def reset(self) -> Dict[str, Any]:
        """Forgets every task, journal entry and account state; scenarios start over."""
        return cast("Dict[str, Any]", self._admin("POST", "/reset"))

    # ----- plumbing -----

    def url(self, path: str) -> str:
        """``base_url`` + ``path``."""
        return self.base_url + path

    def _admin(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        if not self.base_url:
            raise EmulatorError("the emulator is not running: use `with Emulator() as emu:` or call start()")
        data: Optional[bytes] = None
        headers = {}
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url("/__admin" + path), data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30, context=self._ssl) as response:
                text = response.read().decode()
                is_json = response.headers.get("Content-Type", "").startswith("application/json")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            try:
                detail = json.loads(detail).get("message", detail)
            except (ValueError, AttributeError):
                pass
            raise EmulatorError(f"{method} /__admin{path}: HTTP {error.code}: {detail}") from None
        return json.loads(text) if is_json else text

    def _scenario_text(self, scenario: Union[str, Path]) -> str:
        if isinstance(scenario, Path) or (isinstance(scenario, str) and os.path.isfile(scenario)):
            return Path(scenario).read_text()
        text = str(scenario)
        if "\n" in text or "[[rule]]" in text or "=" in text:
            return text
        return cast(str, self._admin("GET", f"/scenarios/ready-made/{urllib.parse.quote(text)}"))

    def _drain(self, stream: Any) -> None:
        for line in iter(stream.readline, b""):
            self._log.append(line.decode(errors="replace").rstrip())

    def _read_banner(self, stream: Any, ready: threading.Event) -> None:
        first = stream.readline().decode(errors="replace").strip()
        if first.startswith("kling-mock") and " listening on " in first:
            url = first.rsplit(" ", 1)[-1]
            while url.startswith("https://"):
                line = stream.readline().decode(errors="replace")
                if not line:
                    break
                if "TLS certificate to trust:" in line:
                    self.certificate = line.split(":", 1)[1].strip()
                    break
            self.base_url = url
        elif first:
            self._log.append(first)
        ready.set()
        self._drain(stream)

    def _failure(self) -> str:
        process = self._process
        if process is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self._stderr is not None:
            self._stderr.join(timeout=5)
        lines = [line for line in self._log if line.strip()]
        return "\n".join(lines[-20:]) or "kling-mock did not start"


def _account_pairs(accounts: Optional[Accounts]) -> List[Tuple[str, str]]:
    if accounts is None:
        return []
    if isinstance(accounts, Mapping):
        return [(str(k), str(v)) for k, v in accounts.items()]
    pairs = []
    for account in accounts:
        if isinstance(account, str):
            access_key, _, secret_key = account.partition(":")
            pairs.append((access_key, secret_key))
        else:
            pairs.append((str(account[0]), str(account[1])))
    return pairs


def _flag(name: str, value: Any) -> List[str]:
    option = "--" + name.replace("_", "-")
    if value is True:
        return [option]
    if value is False or value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [part for item in value for part in (option, str(item))]
    return [option, str(value)]


def _query(filters: Mapping[str, Any]) -> str:
    present = {k: v for k, v in filters.items() if v is not None}
    return "?" + urllib.parse.urlencode(present) if present else ""
