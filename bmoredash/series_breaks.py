"""Known breaks in Baltimore's crime series: when the way crimes were recorded changed.

Why one table: the Since 2012 chart marks them and the Methodology text explains them; with
the dates written twice they would drift. Both read this table (the Methodology's Markdown
through ``bmoredash.text``'s facts).

The dates are as precise as the sources give them (``text/methodology.md``, and
``shared/data/baltimore/SOURCES.md``): the records-system change and NIBRS are dated to a
year only, so they are marked on January 1 of that year and named by the year; the
redistricting took effect in July 2023 and is marked on July 1, 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SeriesBreak:
    """One change in how crimes were recorded or placed."""

    key: str
    #: The day the chart marks (the first day of the period the sources date it to).
    when: date
    #: The date as precisely as the sources give it: "2021", "July 2023".
    when_label: str
    #: What changed, a few words: "new records system".
    what: str

    @property
    def label(self) -> str:
        """``2021: new records system`` (the Methodology's bullet and the chart's label)."""
        return f"{self.when_label}: {self.what}"


RECORDS_SYSTEM = SeriesBreak("records_system", date(2021, 1, 1), "2021", "new records system")
REDISTRICTING = SeriesBreak("redistricting", date(2023, 7, 1), "July 2023", "new district lines")
NIBRS = SeriesBreak("nibrs", date(2025, 1, 1), "2025", "NIBRS")

#: Oldest first.
BREAKS: tuple[SeriesBreak, ...] = (RECORDS_SYSTEM, REDISTRICTING, NIBRS)
#: By key, for the Methodology's Markdown (``{{ breaks.nibrs.when_label }}``).
BREAKS_BY_KEY: dict[str, SeriesBreak] = {b.key: b for b in BREAKS}
