"""Run the command line: ``python -m geo --help``."""

import os
import sys

try:
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a letter gets \uXXXX
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from geo.cli import main

    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader of our output went away (``python -m geo state ... | head``): not an error of
    # ours. Point stdout at devnull so the interpreter's final flush does not raise again.
    # Quietly, but not "success": the command did not finish, so a `set -o pipefail` script
    # does not take a cut-off `validate` for a clean one. 141 is what a shell reports for a
    # program that SIGPIPE stopped (128 + 13), as for `cat` or `yes` piped into `head`.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 141
except KeyboardInterrupt:  # Ctrl-C, even while the libraries load: quietly, as shells expect
    code = 130
sys.exit(code)
