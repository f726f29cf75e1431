"""kling-mock for Python: start the Kling AI API emulator from tests and scripts.

    with kling_mock.Emulator(scenarios=["moderation"]) as emu:
        requests.post(emu.url("/v1/videos/text2video"), headers=emu.headers(), json={"prompt": "a cat"})
        emu.advance(60)

The pytest plugin (installed with the package) gives the fixtures ``kling_mock`` and
``kling_mock_session``.
"""

from ._binary import BinaryNotFound, find_binary
from ._emulator import DEV_ACCESS_KEY, DEV_API_KEY, DEV_SECRET_KEY, Emulator, EmulatorError

__all__ = [
    "DEV_ACCESS_KEY",
    "DEV_API_KEY",
    "DEV_SECRET_KEY",
    "BinaryNotFound",
    "Emulator",
    "EmulatorError",
    "find_binary",
]
