"""The `foleni` command: `foleni national ...` goes to the national service, the rest to the centre.

The two are separate deployments that share no code but `centre_core`; this dispatcher is the
only place that knows both, and imports each side only when it is asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `foleni` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["national"]:
        from national import cli as national_cli

        return national_cli.main(arguments[1:])
    from centre_server import cli as centre_cli

    return centre_cli.main(arguments)
