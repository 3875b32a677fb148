"""Make text from the data safe to print: control characters and bidi overrides escaped.

Anyone can write a layers folder, so a summary may carry terminal escape sequences (``ESC [``
...), carriage returns that overwrite a line, or bidi overrides that reorder what is shown.
Printed as they are, they act on the terminal; escaped, they are shown. Arabic and Hebrew
letters, and the marks that steer them (U+200E, U+200F, U+061C), are kept.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1 (U+009B is a CSI)
    "\u2028\u2029"  # line and paragraph separators: a new line to some terminals
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\ud800-\udfff]"  # lone surrogates: cannot be encoded, would crash the print
)
"""Characters never printed as they are."""
_LINE_BREAKS = re.compile("[\n\t]")
_ISOLATED = re.compile("\u2068([^\u202a-\u202e\u2066-\u2069]*)\u2069")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, one_line: bool = False) -> str:
    r"""``text`` with every unsafe character shown as an escape, the way Python writes it.

    Tabs and newlines are kept unless ``one_line``.

    >>> terminal_safe("a\x1b[2Jb\u202ec")
    'a\\x1b[2Jb\\u202ec'
    >>> terminal_safe("line\nnext", one_line=True), terminal_safe("ציר \u2068פילדלפי\u2069")
    ('line\\nnext', 'ציר פילדלפי')
    """
    # A name set apart by a first-strong isolate (geo.report does this for Arabic and Hebrew
    # names) prints as the name: terminals do their own bidi, and "\u2068" would be noise.
    # Only a balanced pair with no other bidi control inside goes; anything else is escaped.
    out = _ISOLATED.sub(lambda m: m.group(1), text)
    out = UNSAFE.sub(lambda m: _escape(m.group()), out)
    return _LINE_BREAKS.sub(lambda m: _escape(m.group()), out) if one_line else out


def json_safe(text: str) -> str:
    r"""A JSON document with every unsafe character written as a ``\uXXXX`` escape.

    The document stays valid and means the same: JSON already escapes C0 inside strings, and the
    other unsafe characters can only occur inside strings.

    >>> json_safe('{"a": "x\x9by\u2066"}')
    '{"a": "x\\u009by\\u2066"}'
    """
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeWriter(io.TextIOBase):
    """A text stream that escapes unsafe characters on their way to ``stream``.

    Escaping works character by character, so it does not matter how writes are split.
    """

    def __init__(self, stream: TextIO, *, json: bool = False) -> None:
        super().__init__()
        self.stream = stream
        self.json = json

    def write(self, s: str) -> int:
        self.stream.write(json_safe(s) if self.json else terminal_safe(s))
        return len(s)

    def flush(self) -> None:
        self.stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()
