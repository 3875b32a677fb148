"""Make a large dated point layer light enough for the browser: counts on a metric grid by month.

An analyst's layer of tens of thousands of dated features must not be shipped feature by
feature. Points are binned into square cells in EPSG:32636 and counted per month; only the
changes of each cell's count are kept (a feature adds one in its first month and removes one
after its last), so the payload is bounded by occupied cells x months with changes, not by the
number of features, and the browser rebuilds any month's counts by summing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.settings import CRS_LONLAT, CRS_METRIC


@dataclass(frozen=True)
class GridCounts:
    """Cell centres (lon/lat), months, and sparse count changes ``(cell, month, delta)``."""

    cell_m: float
    centres: tuple[tuple[float, float], ...]
    months: tuple[str, ...]
    deltas: tuple[tuple[int, int, int], ...]

    def counts_at(self, month: str) -> dict[int, int]:
        """The count of every non-empty cell in ``month`` (``YYYY-MM``), as the browser sums it."""
        if month not in self.months:
            upto = sum(1 for m in self.months if m <= month)
        else:
            upto = self.months.index(month) + 1
        totals: dict[int, int] = {}
        for cell, m, delta in self.deltas:
            if m < upto:
                totals[cell] = totals.get(cell, 0) + delta
        return {c: n for c, n in totals.items() if n}

    def to_json(self) -> dict[str, Any]:
        return {
            "cell_m": self.cell_m,
            "centres": [list(c) for c in self.centres],
            "months": list(self.months),
            "deltas": [list(d) for d in self.deltas],
        }


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.to_period("M")


def grid_counts(
    layer: gpd.GeoDataFrame, *, cell_m: float = 1000.0, start: str = "start", end: str = "end"
) -> GridCounts:
    """Count dated points per ``cell_m`` square cell and month.

    ``start`` is the first day a feature holds; ``end`` (exclusive, may be missing) the day it
    stops. A feature ending mid-month still counts for that month.
    """
    if layer.crs is None or layer.crs.to_epsg() != 4326:
        raise ValueError(f"the layer must be in {CRS_LONLAT} (RFC 7946); it is {layer.crs}")
    if len(layer) == 0:
        return GridCounts(cell_m, (), (), ())
    metric = layer.to_crs(CRS_METRIC)
    pts = metric.geometry.representative_point()
    ix = np.floor(pts.x.to_numpy() / cell_m).astype(np.int64)
    iy = np.floor(pts.y.to_numpy() / cell_m).astype(np.int64)
    first = _month(layer[start])
    last = _month(pd.Series(layer[end]).where(pd.notna(layer[end]))) if end in layer else None
    frame = pd.DataFrame({"ix": ix, "iy": iy, "first": first})
    if last is not None:
        # The month after the last day held; NaT stays open-ended.
        ends = pd.to_datetime(layer[end]) - pd.Timedelta(days=1)
        frame["after"] = ends.dt.to_period("M") + 1
    months = sorted(set(frame["first"]) | ({m for m in frame.get("after", []) if pd.notna(m)}))
    month_index = {m: i for i, m in enumerate(months)}
    cells = frame[["ix", "iy"]].drop_duplicates().sort_values(["ix", "iy"]).reset_index(drop=True)
    cell_index = {(int(x), int(y)): i for i, (x, y) in enumerate(zip(cells["ix"], cells["iy"], strict=True))}
    frame["cell"] = [cell_index[(int(x), int(y))] for x, y in zip(frame["ix"], frame["iy"], strict=True)]
    deltas: dict[tuple[int, int], int] = {}
    plus = frame.groupby(["cell", "first"]).size().reset_index(name="n")
    for cell, m, n in zip(plus["cell"], plus["first"], plus["n"], strict=True):
        key = (int(cell), month_index[m])
        deltas[key] = deltas.get(key, 0) + int(n)
    if "after" in frame:
        minus = frame.dropna(subset=["after"]).groupby(["cell", "after"]).size().reset_index(name="n")
        for cell, m, n in zip(minus["cell"], minus["after"], minus["n"], strict=True):
            key = (int(cell), month_index[m])
            deltas[key] = deltas.get(key, 0) - int(n)
    centres_metric = gpd.GeoSeries.from_xy(
        (cells["ix"] + 0.5) * cell_m, (cells["iy"] + 0.5) * cell_m, crs=CRS_METRIC
    ).to_crs(CRS_LONLAT)
    return GridCounts(
        cell_m=cell_m,
        centres=tuple((round(p.x, 5), round(p.y, 5)) for p in centres_metric),
        months=tuple(str(m) for m in months),
        deltas=tuple(sorted((c, m, d) for (c, m), d in deltas.items() if d)),
    )


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
