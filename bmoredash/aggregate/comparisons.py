"""A count now against a count before (``Comparison``).

Compared on the days both periods have data (``compare_counts``), called up or down only
beyond chance (``chance.change_beyond_chance``), given a percentage only under the
small-numbers rule (``counts.percent_readable``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from bmoredash.aggregate.chance import change_beyond_chance, paired_dispersion
from bmoredash.aggregate.counts import (
    HEADLINE_MEASURES,
    MIN_READABLE_COUNT,
    _matched,
    _offense_key,
    _without_days,
    in_window,
    readable_percent,
    why_not_compared,
)
from bmoredash.coverage import Coverage, Matched
from bmoredash.i18n import gettext as _
from bmoredash.periods import Window, ytd_windows


@dataclass(frozen=True)
class Comparison:
    """A count now against a count before, with whether the change is worth reading.

    ``why_not`` (a ``Coverage.why_not`` text) means the windows cannot be compared: one
    holds days without data, so there is no change to describe, only the reason.
    ``dispersion`` (phi: variance over mean of the counts) and ``dispersion_df`` (the
    degrees of freedom it was estimated on; None: taken as known) say how far counts swing
    by chance (``paired_dispersion``); a change is "up" or "down" only beyond that
    (``change_beyond_chance``, p < 0.01).
    """

    label: str
    current: int
    previous: int
    why_not: str | None = None
    dispersion: float = 1.0
    dispersion_df: int | None = None
    #: the days both periods leave out because one lacks data (``coverage.Matched.note``)
    left_out: str | None = None
    #: the count over every day of the period with data (``current`` is over the matched
    #: days when some are left out); None when the two are the same
    whole: int | None = None

    @property
    def total(self) -> int:
        """What the period counts: the number a reader sees as this period's."""
        return self.current if self.whole is None else self.whole

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        return None if self.why_not else readable_percent(self.current, self.previous)

    @property
    def readable(self) -> bool:
        """False when both counts are small (a percent change of tiny numbers misleads) or
        when there is no comparison."""
        return not self.why_not and max(self.current, self.previous) >= MIN_READABLE_COUNT

    @property
    def judged(self) -> bool:
        """True when chance can be judged: readable, and the dispersion rests on at least
        one degree of freedom (two paired weeks)."""
        return self.readable and (self.dispersion_df is None or self.dispersion_df >= 1)

    @property
    def direction(self) -> str:
        """``"up"`` or ``"down"`` when the change is beyond chance at p < 0.01, else ``""``."""
        if not self.judged:
            return ""
        return change_beyond_chance(
            self.current, self.previous, self.dispersion, self.dispersion_df
        )

    def describe(self) -> str:
        """Plain-language change: ``up 12 (+8.1%)`` or ``down 12 (-8.1%)`` beyond chance,
        ``+3 (+2.1%), within chance`` otherwise; ``too few events to read a change``,
        ``+3 (+2.1%), too short a period to judge`` (under two weeks) or
        ``no comparison: data start Mar 18, 2025``."""
        if self.why_not:
            return self.why_not
        if not self.readable:
            return _("too few events to read a change")
        pct = self.percent
        # Numbers keep US digits and signs in every language (i18n).
        values = {
            "change": f"{self.change:+d}",
            "size": f"{abs(self.change):d}",
            "percent": "" if pct is None else f" ({pct:+.1f}%)",
        }
        if not self.judged:
            return _("%(change)s%(percent)s, too short a period to judge") % values
        direction = self.direction
        if direction == "up":
            return _("up %(size)s%(percent)s") % values
        if direction == "down":
            return _("down %(size)s%(percent)s") % values
        return _("%(change)s%(percent)s, within chance") % values


def chance_verdict(comparison: Comparison) -> str:
    """One word for a comparison: ``up``/``down`` (beyond chance), ``within chance``,
    ``too few`` (both counts small), ``too short`` (under two paired weeks), or ``""``
    when there is no comparison (``why_not``)."""
    if comparison.why_not:
        return ""
    if not comparison.readable:
        return "too few"
    if not comparison.judged:
        return "too short"
    return comparison.direction or "within chance"


def compare_counts(
    now: pd.DataFrame,
    before: pd.DataFrame,
    measures: Mapping[str, Iterable[str]],
    window: Window,
    previous: Window,
    coverage: Coverage | None = None,
) -> list[Comparison]:
    """One ``Comparison`` per measure (label -> offenses counted): the rows ``now`` (of
    ``window``) against the rows ``before`` (of ``previous``).

    With ``coverage``, the two windows are compared on the days both have data
    (``coverage.match_periods``: a day without data and its match leave both counts, and
    ``left_out`` says which); when that would leave out more than a tenth of the days, the
    measure gets ``why_not`` instead of a change. Each carries the dispersion of its
    weekly counts, estimated from the two windows' paired weeks (``paired_dispersion``).
    """
    # value_counts of the column itself: count_by_offense's tidy table costs 5x more,
    # and the dashboard compares on every filter change.
    counted = [rows["offense"].value_counts(sort=False).to_dict() for rows in (now, before)]
    spread = paired_dispersion(now, before, window, previous, measures)
    out = []
    # NOTE: every measure of a view usually leaves out the same days: count them once.
    matched_counts: dict[Matched, list[dict]] = {}
    for label, offenses in measures.items():
        chosen = list(offenses)
        matched = _matched(coverage, window, previous, _offense_key(chosen))
        counts = counted
        if matched is not None and matched.left_out:
            if matched not in matched_counts:
                matched_counts[matched] = [
                    _without_days(rows, days)["offense"].value_counts(sort=False).to_dict()
                    for rows, days in (
                        (now, matched.left_out),
                        (before, matched.left_out_before),
                    )
                ]
            counts = matched_counts[matched]
        current, earlier = (sum(int(c.get(o, 0)) for o in chosen) for c in counts)
        whole = sum(int(counted[0].get(o, 0)) for o in chosen)
        why = why_not_compared(coverage, (previous, window), chosen) if matched is None else None
        phi, df = spread[label]
        note = matched.note() if matched is not None else None
        out.append(
            Comparison(
                label, current, earlier, why, phi, df, note, whole if whole != current else None
            )
        )
    return out


def ytd_comparison(
    frame: pd.DataFrame, through: date, coverage: Coverage | None = None
) -> list[Comparison]:
    """Headline measures year to date against the same days of last year."""
    this_window, last_window = ytd_windows(through)
    now, before = in_window(frame, this_window), in_window(frame, last_window)
    return compare_counts(now, before, HEADLINE_MEASURES, this_window, last_window, coverage)
