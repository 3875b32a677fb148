"""Shared fixtures: the bundled layers, and editable copies of them for bad-data tests."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import geo
from geo.model import Fact
from geo.validate import write_manifest

LAYERS = geo.DEFAULT_LAYERS_DIR


@pytest.fixture(scope="session")
def bundle() -> geo.Bundle:
    return geo.load_bundle()


class LayersCopy:
    """A private copy of the bundled layers that a test may break on purpose."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def rows(self, name: str) -> list[dict[str, str]]:
        with (self.root / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def write_rows(self, name: str, rows: list[dict[str, str]], *, manifest: bool = True) -> None:
        with (self.root / name).open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        with (self.root / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        if manifest:
            write_manifest(self.root)

    def edit_row(self, name: str, key: str, value: str, /, **changes: str) -> None:
        """Set columns of the row whose ``key`` column equals ``value``."""
        rows = self.rows(name)
        hits = [r for r in rows if r[key] == value]
        assert hits, f"no row {key}={value} in {name}"
        hits[0].update(changes)
        self.write_rows(name, rows)

    def add_row(self, name: str, **cells: str) -> None:
        rows = self.rows(name)
        rows.append({k: cells.get(k, "") for k in rows[0]})
        self.write_rows(name, rows)

    def geojson(self, name: str) -> dict[str, Any]:
        return json.loads((self.root / name).read_text(encoding="utf-8"))

    def write_geojson(self, name: str, data: dict[str, Any], *, manifest: bool = True) -> None:
        (self.root / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        if manifest:
            write_manifest(self.root)

    def problems(self, today: date | None = date(2026, 11, 24)) -> list[str]:
        found, bundle = geo.inspect_layers(self.root, today=today)
        assert (bundle is None) == bool(found)
        return [str(p) for p in found]


@pytest.fixture
def layers_copy(tmp_path: Path) -> LayersCopy:
    root = tmp_path / "layers"
    shutil.copytree(LAYERS, root)
    return LayersCopy(root)


def make_fact(
    fid: str,
    day: str,
    kind: str = "presence",
    status: str = "established",
    *,
    zone: str = "z",
    actor: str = "A",
    end: str | None = None,
    confidence: str = "high",
    agreement: str = "",
    gist: str = "",
) -> Fact:
    """A fact for the pure timeline tests; dates in ISO form."""
    return Fact(
        id=fid,
        date=date.fromisoformat(day),
        precision="day",
        end=date.fromisoformat(end) if end else None,
        kind=kind,
        zone=zone,
        actors=tuple(actor.split("+")),
        status=status,
        summary=f"summary of {fid}",
        source_id="S1",
        confidence=confidence,
        agreement=agreement,
        gist=gist,
    )


FactMaker = Callable[..., Fact]


@pytest.fixture
def fact() -> FactMaker:
    return make_fact
