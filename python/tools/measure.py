"""Measures what the package README reports: the fixture's start-up time (from starting
the program to the first answered request, median of 20) and the size of a wheel.

    python tools/measure.py [WHEEL]
"""

import statistics
import sys
import time
import urllib.request
from pathlib import Path

from kling_mock import Emulator


def startup_ms() -> float:
    begun = time.perf_counter()
    with Emulator() as emu:
        request = urllib.request.Request(emu.url("/v1/videos/text2video"), headers=emu.headers(api_key=True))
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        return (time.perf_counter() - begun) * 1000


def main() -> None:
    samples = sorted(startup_ms() for _ in range(20))
    print(f"start-up to first answer: median {statistics.median(samples):.1f} ms "
          f"(min {samples[0]:.1f}, max {samples[-1]:.1f}, 20 starts)")
    for wheel in sys.argv[1:]:
        print(f"{Path(wheel).name}: {Path(wheel).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
