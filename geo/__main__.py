"""Run the command line: ``python -m geo --help``."""

import sys

from geo.cli import main

sys.exit(main())
