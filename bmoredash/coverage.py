"""Which days the store has data for: the one answer to "is this no data, or zero crime?".

The store's manifest records, per dataset, the date spans its snapshots serve and the gap
days found in them (``store`` writes the ``coverage`` key). A day is *covered* for a set of
offenses when a served span holds every one of them on that day and it is not a gap day.
Every face (the dashboard, the reports) asks this module before it draws or compares a
period: a day that is not covered is *no data*, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bmoredash import periods
from bmoredash.i18n import N_, short_date
from bmoredash.i18n import gettext as _

__all__ = [
    "PRELIMINARY_WEEKS",
    "Span",
    "Coverage",
    "Matched",
    "from_manifest",
    "match_periods",
    "preliminary_start",
    "preliminary_weeks",
    "spans_of_days",
]


@dataclass(frozen=True)
class Span:
    """Inclusive dates served by one dataset; ``offenses`` None means every offense."""

    start: date
    end: date
    dataset: str = ""
    offenses: frozenset[str] | None = None

    def holds(self, offenses: frozenset[str] | None) -> bool:
        """True when this span has data for every offense asked for (None: all offenses)."""
        if self.offenses is None:
            return True
        return offenses is not None and offenses <= self.offenses

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "dataset": self.dataset,
            "offenses": sorted(self.offenses) if self.offenses is not None else None,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Span:
        offenses = doc.get("offenses")
        return cls(
            start=date.fromisoformat(doc["start"]),
            end=date.fromisoformat(doc["end"]),
            dataset=str(doc.get("dataset", "")),
            offenses=frozenset(offenses) if offenses is not None else None,
        )


def _as_day(value: Any) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


#: ``date(1970, 1, 1).toordinal()``: day 0 of numpy's datetime64[D].
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _ordinals(days: Sequence[Any] | pd.DatetimeIndex) -> np.ndarray:
    """Proleptic ordinals of ``days``; a DatetimeIndex (naive, as calendar days) at once,
    any other sequence day by day."""
    if isinstance(days, pd.DatetimeIndex) and days.tz is None:
        return days.to_numpy(dtype="datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL
    return np.array([_as_day(d).toordinal() for d in days], dtype=np.int64)


def _offense_set(offenses: Iterable[str] | None) -> frozenset[str] | None:
    return frozenset(offenses) if offenses is not None else None


@dataclass(frozen=True)
class Coverage:
    """Served spans and gap days of a store; everything else is no data."""

    spans: tuple[Span, ...] = ()
    gap_days: frozenset[date] = field(default_factory=frozenset)

    def _spans_for(self, offenses: Iterable[str] | None) -> list[Span]:
        wanted = _offense_set(offenses)
        return [s for s in self.spans if s.holds(wanted)]

    def mask(
        self, days: Sequence[Any] | pd.DatetimeIndex, offenses: Iterable[str] | None = None
    ) -> np.ndarray:
        """True per day that is covered for ``offenses`` (None: every offense)."""
        ordinals = _ordinals(days)
        covered = np.zeros(len(ordinals), dtype=bool)
        for span in self._spans_for(offenses):
            covered |= (ordinals >= span.start.toordinal()) & (ordinals <= span.end.toordinal())
        if self.gap_days and len(ordinals):
            gaps = np.array([d.toordinal() for d in self.gap_days], dtype=np.int64)
            covered &= ~np.isin(ordinals, gaps)
        return covered

    def covers(self, start: Any, end: Any, offenses: Iterable[str] | None = None) -> bool:
        """True when every day from ``start`` to ``end`` (inclusive) is covered."""
        first, last = _as_day(start), _as_day(end)
        if last < first:
            return False
        days = periods.Window(first, last).dates()
        return bool(self.mask(days, offenses).all())

    def uncovered_days(
        self, start: Any, end: Any, offenses: Iterable[str] | None = None
    ) -> list[date]:
        """The days from ``start`` to ``end`` that have no data (gap days included)."""
        first, last = _as_day(start), _as_day(end)
        days = periods.Window(first, last).dates()
        return [d for d, ok in zip(days, self.mask(days, offenses), strict=True) if not ok]

    def first_day(self, offenses: Iterable[str] | None = None) -> date | None:
        spans = self._spans_for(offenses)
        return min((s.start for s in spans), default=None)

    def last_day(self, offenses: Iterable[str] | None = None) -> date | None:
        spans = self._spans_for(offenses)
        return max((s.end for s in spans), default=None)

    def years(self, offenses: Iterable[str] | None = None) -> list[int]:
        """Calendar years with at least one covered day, ascending."""
        out: set[int] = set()
        for span in self._spans_for(offenses):
            out.update(range(span.start.year, span.end.year + 1))
        return sorted(out)

    def why_not(self, start: Any, end: Any, offenses: Iterable[str] | None = None) -> str | None:
        """None when the window is covered, else a short reason a reader can be shown.

        ``"no comparison: data start Mar 18, 2025"``, ``"... data end ..."`` or
        ``"... no data Jan 1, 2025 to Mar 17, 2025, Jul 30, 2025 and 2 more"``.
        """
        missing = self.missing(start, end, offenses)
        return _("no comparison: %(missing)s") % {"missing": missing} if missing else None

    def missing(self, start: Any, end: Any, offenses: Iterable[str] | None = None) -> str | None:
        """None when the window is covered, else which of its days have no data:
        ``"data start Mar 18, 2025"``, ``"data end ..."`` or ``"no data May 12, 2026"``."""
        missing = self.uncovered_days(start, end, offenses)
        if not missing:
            return None
        first, last = self.first_day(offenses), self.last_day(offenses)
        if first is None or last is None:
            return _("no data for this selection")
        if missing[0] < first:
            return _("data start %(day)s") % {"day": _label(first)}
        if missing[-1] > last:
            return _("data end %(day)s") % {"day": _label(last)}
        runs = spans_of_days(missing)
        shown = ", ".join(_span(a, b) for a, b in runs[:2])
        more = _(" and %(n)s more") % {"n": len(runs) - 2} if len(runs) > 2 else ""
        return _("no data %(days)s") % {"days": shown + more}


#: A comparison may leave out at most this share of its days (days without data in either
#: period, and the matching days of the other); beyond it there is no comparison.
MAX_LEFT_OUT = 0.10


@dataclass(frozen=True)
class Matched:
    """Two periods compared like for like: the days each leaves out (its own days without
    data and the matching days of the other period, matched by position)."""

    left_out: tuple[date, ...]
    left_out_before: tuple[date, ...]

    def note(self) -> str | None:
        """``"leaving out Aug 15, 2025 and Aug 15, 2026 (no data)"``; None when nothing is."""
        if not self.left_out:
            return None
        days = sorted({*self.left_out, *self.left_out_before})
        runs = spans_of_days(days)
        shown = ", ".join(_span(a, b) for a, b in runs[:3])
        more = _(" and %(n)s more") % {"n": len(runs) - 3} if len(runs) > 3 else ""
        return _("leaving out %(days)s from both periods (no data)") % {"days": shown + more}


def match_periods(
    coverage: Coverage,
    window: tuple[Any, Any],
    previous: tuple[Any, Any],
    offenses: Iterable[str] | None = None,
) -> Matched | None:
    """How to compare ``window`` with ``previous`` on the days both have data, or None.

    Day k of one period matches day k of the other (a year-to-date window one day longer,
    across Feb 29, keeps its extra day). When a day has no data in either period, it and
    its match are left out of both; when that leaves out more than ``MAX_LEFT_OUT`` of the
    days (a period before the data start), there is no comparison (``Coverage.why_not``
    says why).

    NOTE: the Sun extract lacks four days of 2025; without matching, one lost day would
    cancel every year-to-date comparison that spans it.
    """
    first = periods.Window(_as_day(window[0]), _as_day(window[1])).dates()
    second = periods.Window(_as_day(previous[0]), _as_day(previous[1])).dates()
    ok_first, ok_second = coverage.mask(first, offenses), coverage.mask(second, offenses)
    shared = min(len(first), len(second))
    drop = ~ok_first[:shared] | ~ok_second[:shared]
    extra_first = ~ok_first[shared:]
    extra_second = ~ok_second[shared:]
    dropped = int(drop.sum() + extra_first.sum() + extra_second.sum())
    if dropped > MAX_LEFT_OUT * max(len(first), len(second)):
        return None
    return Matched(
        left_out=tuple(d for d, x in zip(first, [*drop, *extra_first], strict=True) if x),
        left_out_before=tuple(d for d, x in zip(second, [*drop, *extra_second], strict=True) if x),
    )


def _label(day: date) -> str:
    """``Mar 18, 2025`` in the current language (``i18n.short_date``)."""
    return short_date(day)


def _span(first: date, last: date) -> str:
    """A day, or ``Jan 1, 2025 to Mar 17, 2025``."""
    if first == last:
        return _label(first)
    return _("%(first)s to %(last)s") % {"first": _label(first), "last": _label(last)}


def spans_of_days(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, last), ...]."""
    ordered = sorted(set(days))
    runs: list[tuple[date, date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def from_manifest(manifest: Mapping[str, Any]) -> Coverage:
    """The coverage a manifest records (an empty coverage when it records none)."""
    doc = manifest.get("coverage")
    if doc is None:
        # NOTE: stores written before coverage was recorded: first to last date, whole.
        first, last = manifest.get("first_date"), manifest.get("data_through")
        if not first or not last:
            return Coverage()
        return Coverage(spans=(Span(date.fromisoformat(first), date.fromisoformat(last)),))
    spans = tuple(Span.from_dict(s) for s in doc.get("spans") or [])
    gaps = frozenset(date.fromisoformat(d) for d in doc.get("gap_days") or [])
    return Coverage(spans=spans, gap_days=gaps)


#: A day holding fewer rows than this share of the usual count for its weekday is a gap.
GAP_SHARE = 1 / 3
#: The usual count: the median of the same weekday over this many weeks either side.
GAP_WEEKS = 8
#: Below this usual count a low day is ordinary (a homicide list, a small sample).
GAP_MIN_USUAL = 8
#: Fewer rows than this in all are too few to judge (a one-day correction file).
GAP_MIN_ROWS = 100


def find_gap_days(rows_per_day: pd.Series) -> list[date]:
    """Days the source lacks: fewer rows than ``GAP_SHARE`` of the usual for the weekday.

    ``rows_per_day`` is indexed by consecutive dates (days without rows as 0). The usual
    count is the median of the same weekday over ``GAP_WEEKS`` weeks before and after,
    among days that have rows (so a long hole does not make zero look usual); with fewer
    than 3 such days nearby, the median of that weekday over the whole span. It must be
    at least ``GAP_MIN_USUAL`` for a day to be judged, except that a span of
    ``GAP_MIN_ROWS`` rows or more whose typical day holds fewer rows than that is sparse as
    a whole (a sample, not a snapshot: the
    first 1,000 rows of the Socrata API spread over six years) and every day of it is a
    gap.

    NOTE: the Sun extract holds 1-2 rows on 2025-07-30, 08-15, 12-01 and 12-31 against
    80-110 on the days around them: days its weekly snapshots missed, not quiet days. Its
    days are UTC days, so a missing one leaves 13-23 rows on the Baltimore day (the
    evening hours come from the next UTC day): a third, not a quarter, tells them apart
    (Christmas Day holds 45 against ~85; the January 2026 storm days about 45%). The USF
    copy of Part1_Crime has no rows from August to October 2019 inside its window.
    """
    if rows_per_day.empty or rows_per_day.sum() < GAP_MIN_ROWS:
        return []
    counts = rows_per_day.astype(float)
    with_rows = counts.where(counts > 0)
    if not with_rows.notna().any() or with_rows.median() < GAP_MIN_USUAL:
        return [_as_day(d) for d in counts.index]
    weekday = pd.to_datetime(counts.index).day_of_week.to_numpy()
    usual = pd.Series(np.nan, index=counts.index)
    for wd in range(7):
        same = with_rows[weekday == wd]
        near = same.rolling(2 * GAP_WEEKS + 1, center=True, min_periods=3).median()
        usual[same.index] = near.fillna(same.median())
    gaps = (usual >= GAP_MIN_USUAL) & (counts < GAP_SHARE * usual)
    return [_as_day(d) for d in counts.index[gaps.to_numpy()]]


# --------------------------------------------------------------------------------------
# Preliminary weeks
# --------------------------------------------------------------------------------------

#: The latest this many weeks are preliminary: a week (Sunday to Saturday) is preliminary
#: when it ends within ``PRELIMINARY_DAYS`` days of the data's "data through" date, or after
#: it (``preliminary_start``). With weeks ending on Saturday that is always the last two
#: complete weeks, plus the part-week after them.
#:
#: NOTE: late reports raise recent counts after first publication: the Baltimore Sun's
#: later year-to-date counts for Jan 1 - Jun 15 2026 are higher than the first-published
#: weekly rows of the same days (rapes +19%, aggravated assaults +3%). Measured over 17
#: successive weekly downloads of BPD's Part 1 export (the Sun's, Jan-Jun 2026;
#: ``scripts/measure_revisions.py``, ``bmoredash.revisions``): the latest whole week's
#: Part 1 count rose 1.8% by the next download, the week before it 0.1%. So two weeks.
PRELIMINARY_WEEKS = 2
PRELIMINARY_DAYS = 7 * PRELIMINARY_WEEKS
#: The rule and its evidence in plain words (Trends, Methodology and the weekly report).
_PRELIMINARY_TEXT = N_(
    "The latest %(weeks)s weeks (those ending within %(days)s days of "
    "the last day of data) are preliminary: crimes reported late are still being added, so "
    "their counts are likely to rise. For example, the Baltimore Sun's later year-to-date "
    "counts for January 1 to June 15, 2026 were higher than the first-published weekly "
    "counts of the same days: 19%% more rapes and 3%% more aggravated assaults."
)
_PRELIMINARY_FIGURES = {"weeks": PRELIMINARY_WEEKS, "days": PRELIMINARY_DAYS}
PRELIMINARY_MEANING = _PRELIMINARY_TEXT % _PRELIMINARY_FIGURES


def preliminary_meaning() -> str:
    """``PRELIMINARY_MEANING`` in the reader's language."""
    return _(_PRELIMINARY_TEXT) % _PRELIMINARY_FIGURES


#: What a flag on a preliminary week may say, in plain words.
PRELIMINARY_FLAG_RULE = N_(
    "A preliminary week is never marked lower: its count is still rising with late "
    "reports. It can be marked higher, since late reports only make it higher still."
)


def preliminary_flags(flags: pd.Series, preliminary: Sequence[bool] | np.ndarray) -> pd.Series:
    """``flags`` ("higher"/"lower"/"") with "lower" dropped on preliminary weeks
    (``PRELIMINARY_FLAG_RULE``)."""
    held = np.asarray(preliminary, dtype=bool) & (flags.to_numpy(dtype=object) == "lower")
    return flags.mask(held, "")


def preliminary_start(data_through: Any) -> date:
    """The first day of the preliminary weeks: the Sunday starting the earliest week that
    ends (on a Saturday) less than ``PRELIMINARY_DAYS`` days before ``data_through``.

    Every day from it on, and every week ending on or after it, is preliminary.
    """
    recent = periods.rolling_days(_as_day(data_through), PRELIMINARY_DAYS)
    return periods.week_start(recent.start)


def preliminary_weeks(week_ends: Sequence[Any] | pd.Index, data_through: Any) -> np.ndarray:
    """True per week-ending date that is preliminary (``preliminary_start``)."""
    first = preliminary_start(data_through).toordinal()
    return np.array([_as_day(d).toordinal() >= first for d in week_ends], dtype=bool)
