"""The core stays free of the UI; only one module may touch folium."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "geo"


def test_geo_imports_without_streamlit() -> None:
    code = (
        "import sys, importlib, pkgutil\n"
        "sys.modules['streamlit'] = None  # any import of it now fails\n"
        "import geo\n"
        "for m in pkgutil.iter_modules(geo.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('geo.' + m.name)\n"
        "print(sorted(k for k in sys.modules if k.startswith('streamlit')))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['streamlit']"  # only our blocking placeholder


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_core_module_names_streamlit() -> None:
    offenders = [p.name for p in GEO.rglob("*.py") if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_only_mapping_imports_folium() -> None:
    users = sorted(p.name for p in GEO.rglob("*.py") if {"folium", "branca"} & imported_modules(p))
    assert users in ([], ["mapping.py"])
