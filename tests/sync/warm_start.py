"""A server process started ahead of time: it imports everything, then waits for "go".

The fault test kills a side with SIGKILL 50 times; a fresh interpreter spends most of its start
importing FastAPI, SQLAlchemy and pydantic. A spare waits, imported, so a restart costs what a
real restart of the server costs after that: opening the database and binding the port.
`python -m tests.sync.warm_start centre|national ARGS...` runs `foleni [national] ARGS...`.
"""

import sys

from centre_server import cli as centre_cli
from national import cli as national_cli


def main() -> int:
    """Wait for one line on stdin, then run the named command line."""
    side, *argv = sys.argv[1:]
    if sys.stdin.readline().strip() != "go":
        return 0
    return national_cli.main(argv) if side == "national" else centre_cli.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
