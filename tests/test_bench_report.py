"""The benchmark writes its own tables into docs/PERFORMANCE.md; the doc and the run agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.report import END, START, render, update

ROOT = Path(__file__).resolve().parent.parent
RESULTS = json.loads((ROOT / "docs" / "bench" / "results.json").read_text(encoding="utf-8"))


def test_the_committed_doc_shows_the_committed_results() -> None:
    doc = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    assert render(RESULTS) in doc


def test_update_replaces_only_the_marked_section(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"before\n{START}\nSTALE-TABLES\n{END}\nafter\n", encoding="utf-8")
    update(doc, RESULTS)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("before\n") and text.endswith("after\n") and "STALE-TABLES" not in text
    assert f"**{RESULTS['browser']['cold_load_ratio_median']}**" in text
    update(doc, RESULTS)
    assert doc.read_text(encoding="utf-8") == text  # idempotent


def test_a_doc_without_markers_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="results:start"):
        update(doc, RESULTS)


def test_the_synthetic_layers_the_scale_stage_loads_are_valid(tmp_path: Path) -> None:
    # The scale stage broke once when timeline.csv gained a column: its rows must follow the header.
    import geo
    from bench.synthetic import synthetic_layers

    bundle = geo.load_bundle(synthetic_layers(200, tmp_path / "layers"))
    assert sum(f.id.startswith("X") for f in bundle.facts) == 200
