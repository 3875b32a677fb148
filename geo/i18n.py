"""Interface strings: looked up by key from ``geo/locale/<lang>.json``, never written in code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DEFAULT_LANG = "en"


@cache
def messages(lang: str = DEFAULT_LANG) -> MappingProxyType[str, str]:
    """All strings of one language, falling back to English for keys it lacks."""
    base: dict[str, str] = json.loads((LOCALE_DIR / f"{DEFAULT_LANG}.json").read_text("utf-8"))
    path = LOCALE_DIR / f"{lang}.json"
    if lang != DEFAULT_LANG and path.is_file():
        base.update(json.loads(path.read_text("utf-8")))
    return MappingProxyType(base)


def t(key: str, lang: str = DEFAULT_LANG, /, **values: Any) -> str:
    """The string for ``key``, formatted with ``values``.

    >>> t("status.withdrawn")
    'withdrawn'
    """
    return messages(lang)[key].format(**values)
