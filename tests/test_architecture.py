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


def geo_imports(path: Path) -> set[str]:
    """The ``geo`` modules a file imports, anywhere in it: top level, functions, TYPE_CHECKING."""
    here = "geo" if path.name == "__init__.py" else "geo." + path.stem
    package = "geo"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name == "geo" or a.name.startswith("geo.")}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: from . import x, from .x import y
                module = package + (f".{module}" if module else "")
            if module != "geo" and not module.startswith("geo."):
                continue
            for a in node.names:
                # "from geo import tables" imports the module geo.tables; "from geo import
                # load_bundle" or "from geo.model import Fact" imports from the module named
                submodule = module == "geo" and (GEO / f"{a.name}.py").exists()
                names.add(f"geo.{a.name}" if submodule else module)
    return {n for n in names if n != here and n in MODULES}


MODULES = {"geo"} | {"geo." + p.stem for p in GEO.glob("*.py") if p.name != "__init__.py"}


def import_graph() -> dict[str, set[str]]:
    return {("geo" if p.name == "__init__.py" else "geo." + p.stem): geo_imports(p) for p in GEO.glob("*.py")}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path that ends where it starts, or [] if the graph is acyclic."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if cycle := visit(nxt):
                return cycle
        path.pop()
        done.add(node)
        return []

    for start in sorted(graph):
        if cycle := visit(start):
            return cycle
    return []


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_geo_imports_run_one_way() -> None:
    """No import cycle among geo modules, counting imports in functions and under TYPE_CHECKING."""
    assert find_cycle(import_graph()) == []


def test_the_records_import_nothing_from_geo_but_settings() -> None:
    assert geo_imports(GEO / "model.py") <= {"geo.settings"}


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert {"geo.model", "geo.timeline", "geo.zones", "geo.measure"} <= graph["geo.bundle"]
    assert "geo.tables" in graph["geo.validate"]  # from geo import tables
    assert "geo.bundle" in graph["geo"]
