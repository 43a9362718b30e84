"""Every number one report shows, counted once, in the report's kernel.

The place's rows come through ``bmoredash.selection.Selection`` and every window through
``bmoredash.periods`` / ``bmoredash.aggregate``: this module adds no filter and no window
rule of its own, it only asks for the counts the page lays out (``load_report_data``).
The headline numbers the week's index shows are the same offense table's
(``ReportData.summary``), written as JSON for the batch (``write_summary``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from bmoredash import aggregate as agg
from bmoredash import arrests, config, files, periods
from bmoredash.coverage import Coverage, preliminary_flags, preliminary_weeks
from bmoredash.reference import boundaries, cvi
from bmoredash.report import text
from bmoredash.report.params import ReportParams, place_keywords
from bmoredash.schema import (
    CITYWIDE,
    COUNCIL_PLACE_PREFIX,
    PART1_OFFENSES,
    PROPERTY_OFFENSES,
    VIOLENT_OFFENSES,
)
from bmoredash.selection import Selection

TREND_MONTHS = 13
HOUR_WEEKS = 13
#: The district boundaries the maps draw (the store's districts are the 2023 ones), unless
#: the report reads every year by the 1959-2022 lines.
BOUNDARY_VINTAGE = "2023"
_COLUMNS = [
    "occurred_at",
    "time_known",
    "offense",
    "offense_group",
    "district",
    "neighborhood",
    "latitude",
    "longitude",
    "incident_id",
]

Ring = list[tuple[float, float]]


@dataclass
class ReportData:
    """Everything one report shows, already counted; the notebook only lays it out."""

    params: ReportParams
    week: agg.Window
    offense_table: pd.DataFrame
    #: Comparisons not made for lack of data: offense table column (or ``flag``) -> why.
    gaps: dict[str, str]
    trend: pd.DataFrame
    week_points: pd.DataFrame
    week_total: int
    outline: list[Ring]
    context: list[Ring]
    labels: dict[str, tuple[float, float]]
    neighborhoods_week: pd.DataFrame
    neighborhoods_ytd: pd.DataFrame
    ytd: tuple[agg.Window, agg.Window]
    hour_weekday: pd.DataFrame
    hour_window: agg.Window
    untimed: int
    programs: pd.DataFrame | None
    generated_at: str
    #: Victim rows without a case number, left out of a count of incidents.
    left_out: int = 0
    #: The arrests section (``ArrestCounts``); None when the store holds no arrest data
    #: for the week, and the report then has no arrests section.
    arrests: ArrestCounts | None = None

    @property
    def district(self) -> str:
        return self.params.district

    @property
    def week_end(self) -> date:
        return self.params.week_end

    @property
    def demo(self) -> bool:
        return self.params.demo

    @property
    def preliminary(self) -> bool:
        """The week is preliminary (``coverage.preliminary_weeks``): the latest week always is."""
        return _preliminary(self.params)

    def summary(self) -> dict[str, Any]:
        """The headline numbers the week's index shows (``text.summary_row``)."""
        return text.summary_row(
            self.district,
            self.week_end,
            self.offense_table,
            self.gaps,
            preliminary=self.preliminary,
        )


def _preliminary(params: ReportParams) -> bool:
    return bool(preliminary_weeks([params.week_end], params.data_through)[0])


def _trend_window(week_end: date) -> agg.Window:
    """Whole weeks covering the 13 months that end with ``week_end``."""
    return periods.weeks_covering_months(week_end, TREND_MONTHS)


def weekly_with_flags(
    frame: pd.DataFrame, trend: agg.Window, coverage: Coverage, data_through: date | None = None
) -> pd.DataFrame:
    """Weekly violent/property counts over ``trend`` with flags against each week's
    seasonal baseline (the ``FLAG_HISTORY_WEEKS`` weeks before it), and which weeks are
    preliminary against ``data_through`` (``coverage.preliminary_weeks``; default: the end
    of ``trend``).

    Weeks with a day without data are NaN: not zero weeks, never flagged, never in a
    baseline (``aggregate.weekly_counts`` and ``flag_weeks``).
    """
    window = periods.with_weeks_before(trend, agg.FLAG_HISTORY_WEEKS)
    columns = {}
    for key, offenses in (("violent", VIOLENT_OFFENSES), ("property", PROPERTY_OFFENSES)):
        rows = Selection(offenses=offenses).apply(frame)
        weekly = agg.weekly_counts(rows, window, coverage, offenses)
        columns[key] = weekly
        columns[f"{key}_flag"] = agg.flag_weeks(weekly)
    table = pd.DataFrame(columns)
    table["preliminary"] = preliminary_weeks(table.index, data_through or trend.end)
    for key in ("violent", "property"):
        table[f"{key}_flag"] = preliminary_flags(table[f"{key}_flag"], table["preliminary"])
    return table[table.index >= pd.Timestamp(agg.week_ending(trend.start))]


def _exteriors(geometry: Any) -> list[Ring]:
    parts = getattr(geometry, "geoms", [geometry])
    return [list(part.exterior.coords) for part in parts]


def _outlines(params: ReportParams) -> tuple[list[Ring], list[Ring], dict[str, tuple]]:
    """(outline of the place, outlines of the other districts, label points for CITYWIDE),
    from one read of the district boundaries (``reference.boundaries.load_districts``)."""
    from shapely.geometry import shape

    council = params.district.startswith(COUNCIL_PLACE_PREFIX)
    if council:
        data = boundaries.load_council_districts()
        key, place = "name", params.district.removeprefix(COUNCIL_PLACE_PREFIX)
    else:
        vintage = "pre2023" if params.lines == "pre2023" else BOUNDARY_VINTAGE
        data = boundaries.load_districts(params.data_dir, vintage)
        key, place = "district", params.district
    outline: list[Ring] = []
    context: list[Ring] = []
    labels: dict[str, tuple[float, float]] = {}
    for feature in (data or {}).get("features", []):
        name = feature["properties"][key]
        geometry = shape(feature["geometry"])
        if params.district == CITYWIDE:
            outline.extend(_exteriors(geometry))
            point = geometry.representative_point()
            labels[name] = (point.x, point.y)
        elif name == place:
            outline.extend(_exteriors(geometry))
        else:
            context.extend(_exteriors(geometry))
    return outline, context, labels


def _programs(district: str) -> pd.DataFrame | None:
    """CVI programs serving the place (all of them for CITYWIDE and for a Council district:
    programs say which police districts they serve, not which Council districts); None if
    the list cannot be read (the report then says so)."""
    if district.startswith(COUNCIL_PLACE_PREFIX):
        district = CITYWIDE
    try:
        return cvi.programs_for_district(district)
    except (OSError, ValueError, KeyError):
        return None


def _place_rows(params: ReportParams) -> tuple[pd.DataFrame, int]:
    """The place's counted rows (victims or incidents) from the earliest day any part of
    the report looks at, and the victim rows a count of incidents leaves out."""
    from bmoredash.store import load_incidents

    week_end = params.week_end
    ytd_before = agg.ytd_windows(week_end)[1]
    flag_history = periods.with_weeks_before(_trend_window(week_end), agg.FLAG_HISTORY_WEEKS + 1)
    load_start = min(ytd_before.start, flag_history.start)
    chosen = Selection.parse(
        **place_keywords(params.district), lines=params.lines, start=load_start, end=week_end
    )
    victims = load_incidents(params.data_dir, chosen, columns=_COLUMNS)
    place = agg.counted_rows(victims, params.count)
    left_out = agg.rows_without_incident(victims) if params.count == agg.INCIDENTS else 0
    return place, left_out


@dataclass(frozen=True)
class ArrestCounts:
    """Arrests in the report's place (``bmoredash.arrests``: one arrest number is one
    arrest), all arrests then each charge group (``arrests.MEASURES``): this week against
    the week before, and the year to date against the same days of last year."""

    week: list[agg.Comparison]
    ytd: list[agg.Comparison]


def _arrests(params: ReportParams) -> ArrestCounts | None:
    """The arrests section's counts, or None when the store's arrests do not cover every
    day of the report's week (no arrest data is not zero arrests)."""
    from bmoredash.store import load_arrests, read_arrest_coverage

    coverage = read_arrest_coverage(params.data_dir)
    week, before = agg.week_window(params.week_end), agg.week_window(params.week_end, 1)
    if not coverage.covers(week.start, week.end):
        return None
    ytd_now, ytd_before = agg.ytd_windows(params.week_end)
    start = min(before.start, ytd_before.start)
    chosen = Selection.parse(
        **place_keywords(params.district), lines=params.lines, start=start, end=week.end
    )
    rows = load_arrests(params.data_dir, chosen)
    return ArrestCounts(
        week=arrests.compare_arrests(rows, week, before, coverage),
        ytd=arrests.compare_arrests(rows, ytd_now, ytd_before, coverage),
    )


def write_summary(data: ReportData, path: str | os.PathLike[str] | None) -> None:
    """The report's headline numbers (``ReportData.summary``) as JSON at ``path`` for the
    week's index (the batch passes the path; None or "" writes nothing). Returns None, so
    the notebook cell calling it shows nothing."""
    if not path:
        return
    with files.atomic_write(path) as handle:
        json.dump(data.summary(), handle, ensure_ascii=False, indent=1)


def read_summary(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Headline numbers ``write_summary`` wrote, or None (missing or unreadable)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_report_data(params: ReportParams) -> ReportData:
    """Load the rows the report needs once (memory-mapped store) and count them."""
    week_end = params.week_end
    week = agg.week_window(week_end)
    ytd_now, ytd_before = agg.ytd_windows(week_end)
    place, left_out = _place_rows(params)
    coverage = params.coverage
    table = agg.weekly_offense_table(place, week_end, coverage)
    table["flag"] = preliminary_flags(table["flag"], [_preliminary(params)] * len(table))

    this_week = agg.in_window(place, week)
    points = this_week.loc[
        this_week["latitude"].notna().to_numpy() & this_week["longitude"].notna().to_numpy(),
        ["longitude", "latitude", "offense_group"],
    ]
    hour_window = periods.weeks_window(week_end, HOUR_WEEKS)
    hour_rows = agg.in_window(place, hour_window)
    hour_table = agg.hour_by_weekday(hour_rows)
    untimed = int(agg.count_by_offense(hour_rows).sum()) - int(hour_table.to_numpy().sum())
    outline, context, labels = _outlines(params)
    return ReportData(
        params=params,
        week=week,
        offense_table=table,
        gaps=agg.report_gaps(week_end, coverage),
        trend=weekly_with_flags(place, _trend_window(week_end), coverage, params.data_through),
        week_points=points,
        week_total=int(agg.count_by_offense(this_week).sum()),
        outline=outline,
        context=context,
        labels=labels,
        neighborhoods_week=agg.neighborhood_ranking(
            place, week, agg.week_window(week_end, 1), coverage, PART1_OFFENSES
        ),
        neighborhoods_ytd=agg.neighborhood_ranking(
            place, ytd_now, ytd_before, coverage, PART1_OFFENSES
        ),
        ytd=(ytd_now, ytd_before),
        hour_weekday=hour_table,
        hour_window=hour_window,
        untimed=untimed,
        programs=_programs(params.district),
        generated_at=datetime.now(config.CITY_TZ).strftime("%Y-%m-%d %H:%M %Z"),
        left_out=left_out,
        arrests=_arrests(params),
    )
