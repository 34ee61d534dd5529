"""`python -m national`: the national service's command line (also `foleni national`)."""

import sys

from national.cli import main

sys.exit(main())
