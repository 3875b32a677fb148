"""Named errors of the geo package."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a layers folder, precise enough to fix by hand.

    Parameters
    ----------
    file
        File name inside the layers folder, e.g. ``timeline.csv``.
    where
        Row or feature, e.g. ``line 47 (T045)`` or ``feature 2 (netzarim_axis)``; empty for the
        whole file.
    field
        Column, property or key at fault; empty when none applies.
    value
        The offending value as found (shortened and kept on one line when printed).
    message
        What is wrong, in plain words.
    """

    file: str
    where: str
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        value, field = _shorten(self.value), _shorten(self.field)
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if field:
            parts.append(f"field {field}={value!r}" if self.value else f"field {field}")
        line = ": ".join([", ".join(parts), self.message])
        # One problem, one line: hostile values may carry newlines or control characters.
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)


def _shorten(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


class GeoError(Exception):
    """Base of every error the package raises on purpose."""


class ValidationError(GeoError):
    """A layers folder failed validation; ``problems`` lists every finding."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        first = str(problems[0]) if problems else "no problems recorded"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")


class DateError(GeoError, ValueError):
    """A date given by a user could not be read."""
