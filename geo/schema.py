"""The JSON Schemas of the public JSON (``geo state --json``, ``geo diff --json``).

The schemas ship with the package in ``geo/schemas/``; validating against them needs a JSON
Schema library (draft 2020-12), which the core itself does not depend on.

>>> load("state")["$id"]
'https://gaza-corridors-map.example/schemas/state-2.0.json'
>>> sorted(NAMES)
['diff', 'state']
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, Final

NAMES: Final = ("state", "diff")
"""The schemas: ``state`` for :func:`geo.report.state_dict`, ``diff`` for :func:`geo.report.diff_dict`."""


def load(name: str) -> dict[str, Any]:
    """The JSON Schema named ``name`` (one of :data:`NAMES`), as a dict."""
    if name not in NAMES:
        raise ValueError(f"no schema named {name!r}; there are: {', '.join(NAMES)}")
    text = files("geo").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
