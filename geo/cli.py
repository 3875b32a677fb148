"""The ``python -m geo`` command: validate, state, diff, manifest, export, snapshot.

Whatever happens, the command ends with a message and an exit code, never a traceback (see
:data:`EPILOG`); text from the data reaches the terminal escaped (:mod:`geo.terminal`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO, cast

from geo import report, urlstate
from geo._errors import DateError, ValidationError
from geo.bundle import Bundle
from geo.io import parse_day, write_atomic
from geo.lessons import lesson_warnings
from geo.settings import DEFAULT_LAYERS_DIR
from geo.terminal import SafeWriter
from geo.urlstate import View
from geo.validate import check_manifest, freshness_warnings, inspect_layers, write_manifest

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EPILOG = """\
exit codes:
  0    success
  1    the data has problems, one a line (on stdout for validate, else on stderr): file,
       row or feature, field and value; a file that is missing, unreadable, too large, a
       named pipe or device, or a link out of the layers folder is such a problem
  2    usage or input/output error: a malformed option or date, a folder that does not
       exist, a file that cannot be written (no permission, disk full)
  3    internal error: a bug; please report it with the command you ran
  130  interrupted (Ctrl-C)
  141  the reader of the output stopped early (`... | head`): quietly, as for SIGPIPE

Text from the data is printed with control characters, terminal escape sequences and
bidi overrides shown escaped (\\x1b, \\u202e); the --json output escapes them too.
"""


def _day_arg(value: str) -> date:
    try:
        return parse_day(value)
    except DateError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Gaza Corridors Map data: check the layers and ask what held on a date.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a layers folder; exit 0 when clean")
    v.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=DEFAULT_LAYERS_DIR,
        help="layers folder (default: the bundled one)",
    )
    v.add_argument(
        "--today",
        type=_day_arg,
        default=None,
        help="flag facts dated after this day (default: the real date)",
    )
    s = sub.add_parser("state", help="the situation on one day")
    s.add_argument("--date", type=_day_arg, required=True, metavar="YYYY-MM-DD")
    s.add_argument("--json", action="store_true", help="print the documented JSON")
    s.add_argument("--layers", type=Path, default=DEFAULT_LAYERS_DIR, metavar="DIR")
    d = sub.add_parser("diff", help="what changed between two days")
    d.add_argument("--from", dest="start", type=_day_arg, required=True, metavar="YYYY-MM-DD")
    d.add_argument("--to", dest="end", type=_day_arg, required=True, metavar="YYYY-MM-DD")
    d.add_argument("--json", action="store_true", help="print the documented JSON")
    d.add_argument("--layers", type=Path, default=DEFAULT_LAYERS_DIR, metavar="DIR")
    e = sub.add_parser(
        "export", help="write the map as one self-contained HTML file that works offline (file://)"
    )
    e.add_argument("--out", type=Path, required=True, metavar="FILE")
    e.add_argument("--date", type=_day_arg, default=None, metavar="YYYY-MM-DD", help="the day it opens on")
    e.add_argument(
        "--from",
        dest="start",
        type=_day_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="first day the file covers (default: all dates)",
    )
    e.add_argument(
        "--to",
        dest="end",
        type=_day_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="last day the file covers (default: all dates)",
    )
    e.add_argument("--overlays", default=None, help="presence, demands, presence,demands or none")
    e.add_argument("--actors", default=None, help="party ids, comma separated (default: all)")
    e.add_argument("--layers", type=Path, default=DEFAULT_LAYERS_DIR, metavar="DIR")
    p = sub.add_parser("snapshot", help="write the map on a day as a PNG or SVG image for slides and print")
    p.add_argument("--date", type=_day_arg, required=True, metavar="YYYY-MM-DD")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--format", default=None, help="png or svg (default: from the suffix of --out)")
    p.add_argument("--overlays", default=None, help="presence, demands, presence,demands or none")
    p.add_argument("--actors", default=None, help="party ids, comma separated (default: all)")
    p.add_argument(
        "--extent",
        default="strip",
        help="strip, a zone id, or min_lon,min_lat,max_lon,max_lat (default: strip)",
    )
    p.add_argument("--size", default="1600x1000", metavar="WxH", help="pixels (default: 1600x1000)")
    p.add_argument("--layers", type=Path, default=DEFAULT_LAYERS_DIR, metavar="DIR")
    m = sub.add_parser("manifest", help="refresh checksums and counts in manifest.json after an edit")
    m.add_argument("dir", nargs="?", type=Path, default=DEFAULT_LAYERS_DIR)
    return parser


def _load(path: Path) -> Bundle:
    problems, bundle = inspect_layers(path)
    if bundle is None:
        raise ValidationError(problems)
    return bundle


EXPORT_LIMIT_BYTES = 2_000_000


def _export(bundle: Bundle, args: argparse.Namespace) -> int:
    """The app's own page, opening on the view asked for, written as one file."""
    from geo.mapping import map_html  # folium: imported only for this command

    date_range = None
    if args.start is not None or args.end is not None:
        date_range = (args.start or bundle.data_from, args.end or max(bundle.data_as_of, args.start))
        if date_range[0] > date_range[1]:
            print(f"error: --from {date_range[0]} is after --to {date_range[1]}", file=sys.stderr)
            return EXIT_USAGE
    opens_on = args.date or (min(bundle.data_as_of, date_range[1]) if date_range else bundle.data_as_of)
    if date_range and not date_range[0] <= opens_on <= date_range[1]:
        if args.date is not None:
            print(f"error: --date {opens_on} is outside --from/--to", file=sys.stderr)
            return EXIT_USAGE
        opens_on = date_range[0]
    view, problems = _view(bundle, args, opens_on=opens_on)
    if view is None:
        for message in problems:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
    page = map_html(bundle, view=view, date_range=date_range).encode("utf-8")
    problem = _write(args.out, page)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{args.out}: {len(page) / 1000:,.0f} KB, opens on {view.date}",
        file=sys.stderr if _stdout(args.out) else sys.stdout,
    )
    if len(page) > EXPORT_LIMIT_BYTES:
        print(f"warning: larger than {EXPORT_LIMIT_BYTES / 1e6:.0f} MB", file=sys.stderr)
    return EXIT_OK


_OPTION_HELP = {
    "date": ("--date", "give a day as YYYY-MM-DD between 1900 and 2100"),
    "layers": ("--overlays", "use presence, demands, presence,demands or none"),
    "actors": ("--actors", "use party ids from actors.csv, comma separated, or none"),
}


def _view(
    bundle: Bundle, args: argparse.Namespace, *, opens_on: date | None = None
) -> tuple[View | None, list[str]]:
    """The view asked for by --date, --overlays and --actors, read by the rules a link is read
    by (geo.urlstate), with messages about the options rather than a link."""
    params = {"date": (opens_on or args.date or bundle.data_as_of).isoformat()}
    if args.overlays is not None:
        params["layers"] = args.overlays
    if args.actors is not None:
        params["actors"] = args.actors
    view, problems = urlstate.parse(params, default_date=bundle.data_as_of, actors=list(bundle.actors))
    if problems:
        messages = []
        for w in problems:
            option, hint = _OPTION_HELP.get(w.param, (w.param, ""))
            messages.append(f'{option} "{w.value[:80]}" was not understood: {hint}')
        return None, messages
    return view, []


def _stdout(out: Path) -> bool:
    return str(out) == "-"


def _write(out: Path, data: bytes) -> str | None:
    """Write atomically (never half a file, never through a link); the error, if any.

    ``-`` is standard output. Only a regular file (or a link, replaced, not followed) is ever
    replaced: a device, a pipe or a folder at that path is left alone.
    """
    if _stdout(out):
        stream = getattr(sys.stdout, "stream", sys.stdout)  # past the terminal-safe text writer
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
        return None
    if out.exists() and not out.is_symlink() and not out.is_file():
        return f"{out} is not a regular file (a device, a pipe or a folder): not replaced"
    try:
        write_atomic(out, data)
    except OSError as e:
        return f"cannot write {out}: {e.strerror}"
    return None


def _snapshot(bundle: Bundle, args: argparse.Namespace) -> int:
    """The map on a day as an image, for slides and printed worksheets."""
    from geo import snapshot  # matplotlib: imported only for this command

    def usage(message: str) -> int:
        print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE

    fmt = (args.format or args.out.suffix.removeprefix(".")).lower()
    if fmt not in snapshot.FORMATS:
        return usage(
            f"format {fmt or '(none)'!r}: give --format png or svg, or an --out file ending in .png or .svg"
        )
    size = re.fullmatch(r"(\d{1,5})x(\d{1,5})", args.size.strip().lower())
    if size is None:
        return usage(f"--size {args.size[:40]!r} is not WIDTHxHEIGHT in pixels, e.g. 1600x1000")
    extent: str | snapshot.Box | None = None
    raw = args.extent.strip()
    if "," in raw:
        try:
            lon0, lat0, lon1, lat1 = (float(v) for v in raw.split(","))
        except ValueError:
            return usage(f"--extent {raw[:80]!r} is not min_lon,min_lat,max_lon,max_lat")
        extent = (lon0, lat0, lon1, lat1)
    elif raw != "strip":
        extent = raw
    view, problems = _view(bundle, args)
    if view is None:
        for message in problems:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_USAGE
    try:
        data = snapshot.render(
            bundle,
            view,
            fmt=fmt,
            size=(int(size.group(1)), int(size.group(2))),
            extent=extent,
        )
    except snapshot.SnapshotError as e:
        return usage(str(e))
    problem = _write(args.out, data)
    if problem:
        return usage(problem)
    width, height = size.groups()
    print(
        f"{args.out}: {len(data) / 1000:,.0f} KB {fmt.upper()}, {width}x{height}, as of {view.date}",
        file=sys.stderr if _stdout(args.out) else sys.stdout,
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (the codes are in :data:`EPILOG`).

    Errors end in one line on stderr, never a traceback; a closed pipe (``| head``) is left to
    ``geo/__main__.py``. While the command runs, stdout and stderr escape unsafe characters.
    """
    stdout, stderr = sys.stdout, sys.stderr
    sys.stderr = cast(TextIO, SafeWriter(stderr))  # argparse's own errors quote what was typed
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:
        sys.stderr = stderr
        raise
    sys.stdout = cast(TextIO, SafeWriter(stdout, json=bool(getattr(args, "json", False))))
    try:
        folder = getattr(args, "dir", None) or getattr(args, "layers", None)
        if folder is not None and not os.path.isdir(folder):
            what = "not a folder" if os.path.exists(folder) else "no such folder"
            print(f"error: {folder}: {what}", file=sys.stderr)
            return EXIT_USAGE
        return _command(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise
    except ValidationError as e:
        for p in e.problems:
            print(p, file=sys.stderr)
        print(f"{len(e.problems)} problem(s): nothing was changed", file=sys.stderr)
        return EXIT_PROBLEMS
    except DateError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as e:  # noqa: BLE001 - the last guard: a bug gets a line, not a traceback
        frame = traceback.extract_tb(e.__traceback__)[-1]
        at = f"{Path(frame.filename).name}:{frame.lineno}"
        print(
            f"error: internal error ({type(e).__name__}: {e}, at {at}); "
            "this is a bug: please report it with the command you ran",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _command(args: argparse.Namespace) -> int:
    out = sys.stdout
    try:
        if args.command == "validate":
            today = args.today or date.today()
            problems, bundle = inspect_layers(args.dir, today=today)
            for p in problems:
                print(p, file=out)
            if bundle is None:
                print(f"{len(problems)} problem(s) in {args.dir}", file=sys.stderr)
                return EXIT_PROBLEMS
            print(
                f"{args.dir}: OK ({len(bundle.facts)} facts, {len(bundle.features)} features, "
                f"{len(bundle.lessons)} lesson(s), data from {bundle.data_from} to {bundle.data_as_of})",
                file=out,
            )
            for warning in freshness_warnings(bundle, today) + lesson_warnings(bundle):
                print(f"warning: {warning}", file=sys.stderr)
            return EXIT_OK
        if args.command == "manifest":
            for line in write_manifest(args.dir):
                print(line, file=out)
            # Written, but a file that cannot be read as data (count -1) is no valid layer.
            entries, _, _ = check_manifest(args.dir)
            bad = [e.file for e in entries if e.count < 0]
            for name in bad:
                print(
                    f"{name}: cannot be read as a data file: run 'python -m geo validate' for why",
                    file=sys.stderr,
                )
            return EXIT_PROBLEMS if bad else EXIT_OK
        bundle = _load(args.layers)
        if args.command == "export":
            return _export(bundle, args)
        if args.command == "snapshot":
            return _snapshot(bundle, args)
        if args.command == "state":
            if args.json:
                json.dump(report.state_dict(bundle, args.date), out, ensure_ascii=False, indent=1)
                out.write("\n")
            else:
                print(report.state_text(bundle, args.date), file=out)
            return EXIT_OK
        if args.start > args.end:
            print(f"error: --from {args.start} is after --to {args.end}", file=sys.stderr)
            return EXIT_USAGE
        if args.json:
            json.dump(report.diff_dict(bundle, args.start, args.end), out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            print(report.diff_text(bundle, args.start, args.end), file=out)
        return EXIT_OK
    except ValidationError as e:
        if args.command == "manifest":
            raise  # main() says that nothing was written
        for p in e.problems:
            print(p, file=sys.stderr)
        print(f"{len(e.problems)} problem(s): run 'python -m geo validate {args.layers}'", file=sys.stderr)
        return EXIT_PROBLEMS
