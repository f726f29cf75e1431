"""Finding the kling-mock program: the one this package installed, unless told otherwise."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import List, Optional

EXECUTABLE = "kling-mock.exe" if sys.platform == "win32" else "kling-mock"


class BinaryNotFound(RuntimeError):
    """No kling-mock program could be found."""


def find_binary(explicit: Optional[str] = None) -> str:
    """`explicit`, else `$KLING_MOCK_BIN`, else the program installed with this package
    (the scripts folder of this Python), else `kling-mock` on PATH. A program named
    explicitly or by the variable must exist: no other is used in its place."""
    chosen = explicit or os.environ.get("KLING_MOCK_BIN")
    if chosen:
        if _runnable(chosen):
            return chosen
        raise BinaryNotFound(f"kling-mock program not found at {chosen!r}")
    candidates: List[Optional[str]] = []
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidates.append(str(Path(scripts) / EXECUTABLE))
    candidates.append(str(Path(sys.executable).parent / EXECUTABLE))
    candidates.append(shutil.which("kling-mock"))
    for candidate in candidates:
        if candidate and _runnable(candidate):
            return candidate
    raise BinaryNotFound(
        "kling-mock program not found: install the wheel (pip install kling-mock), "
        "or pass --kling-mock-bin / set KLING_MOCK_BIN"
    )


def _runnable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)
