"""Run the command line: ``python -m geo --help``."""

import os
import sys

from geo.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader of our output went away (``python -m geo state ... | head``): not an error of
    # ours. Point stdout at devnull so the interpreter's final flush does not raise again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 0
sys.exit(code)
