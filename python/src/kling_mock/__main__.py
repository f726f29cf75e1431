"""`python -m kling_mock ...` runs the kling-mock program with the same arguments."""

from __future__ import annotations

import subprocess
import sys

from ._binary import BinaryNotFound, find_binary


def main() -> int:
    try:
        binary = find_binary()
    except BinaryNotFound as error:
        print(error, file=sys.stderr)
        return 127
    try:
        return subprocess.call([binary, *sys.argv[1:]])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
