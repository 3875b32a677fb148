"""Gaza Corridors Map core: sourced layers, a dated timeline, zone geometry and measures.

The package never imports a UI. Typical use::

    from datetime import date
    import geo

    bundle = geo.load_bundle()            # the bundled layers, validated
    state = bundle.state_at(date(2024, 8, 22))
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from geo._errors import DateError, GeoError, Problem, ValidationError
from geo.bundle import Bundle
from geo.model import Actor, Extent, Fact, Feature, Figure, LayerFile, Source, Zone
from geo.settings import CRS_LONLAT, CRS_METRIC, DEFAULT_LAYERS_DIR
from geo.timeline import Changes, Position, Presence, State, Timeline, state_at
from geo.validate import inspect_layers, write_manifest

__all__ = [
    "CRS_LONLAT",
    "CRS_METRIC",
    "DEFAULT_LAYERS_DIR",
    "Actor",
    "Bundle",
    "Changes",
    "DateError",
    "Extent",
    "Fact",
    "Feature",
    "Figure",
    "GeoError",
    "LayerFile",
    "Position",
    "Presence",
    "Problem",
    "Source",
    "State",
    "Timeline",
    "ValidationError",
    "Zone",
    "inspect_layers",
    "load_bundle",
    "state_at",
    "write_manifest",
]


def load_bundle(path: str | Path | None = None, *, today: date | None = None) -> Bundle:
    """Read and validate a layers folder (the bundled one by default) into a frozen Bundle.

    Raises
    ------
    ValidationError
        With every problem found, each naming file, row or feature, field and value.
    """
    problems, bundle = inspect_layers(Path(path) if path else DEFAULT_LAYERS_DIR, today=today)
    if bundle is None:
        raise ValidationError(problems)
    return bundle
