"""What cleaning returns: the incidents, the quarantine and a ``QualityReport``."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

QUARANTINE_COLUMNS: tuple[str, ...] = ("source", "row_number", "reason", "raw")


@dataclass
class QualityReport:
    """What cleaning found and did, in counts; reports of several sources add up."""

    rows_read: int = 0
    rows_kept: int = 0
    identical_rows_kept: int = 0
    ungeocoded: int = 0
    #: Rows placed in no Council / legislative district: without coordinates, or with a
    #: point outside every outline (the harbour, the city's edge).
    no_council_district: int = 0
    no_legislative_district: int = 0
    coordinates_repaired: int = 0
    unknown_district: int = 0
    ages_cleared: int = 0
    genders_unknown: int = 0
    time_unknown: int = 0
    neighborhoods_expanded: int = 0
    outside_plausible_range: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    unmapped_descriptions: dict[str, int] = field(default_factory=dict)

    def merge(self, other: QualityReport) -> QualityReport:
        """The sum of two reports (counts add, the per-reason tables add key by key)."""
        counts = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if f.type in ("int", int)
        }
        return QualityReport(
            **counts,
            quarantined=dict(Counter(self.quarantined) + Counter(other.quarantined)),
            unmapped_descriptions=dict(
                Counter(self.unmapped_descriptions) + Counter(other.unmapped_descriptions)
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the per-reason tables sorted by key)."""
        out = asdict(self)
        out["quarantined"] = dict(sorted(self.quarantined.items()))
        out["unmapped_descriptions"] = dict(sorted(self.unmapped_descriptions.items()))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QualityReport:
        """Inverse of ``to_dict``; unknown keys (from a newer version) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("quarantined", "unmapped_descriptions"):
            values[key] = {str(k): int(v) for k, v in (values.get(key) or {}).items()}
        return cls(**values)


@dataclass
class CleanResult:
    """Rows in the canonical schema, rows set aside with their reason, and the counts."""

    incidents: pd.DataFrame
    quarantine: pd.DataFrame
    quality: QualityReport
