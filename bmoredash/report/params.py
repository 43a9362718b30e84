"""The report's parameter contract: what the notebook takes, and what each value may be.

The notebook (``TEMPLATE``) declares ``NOTEBOOK_PARAMETERS`` in its ``parameters`` cell; the
batch passes exactly those (``notebook_parameters``) and checks the notebook agrees before
any kernel starts (``check_template``). ``validate_params`` is the first thing the notebook
itself runs: an unknown district or a week outside the data fails there, with a message
that says what is valid.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from bmoredash import aggregate as agg
from bmoredash import config, periods
from bmoredash.coverage import Coverage, from_manifest
from bmoredash.schema import (
    CITYWIDE,
    COUNCIL_DISTRICTS,
    COUNCIL_PLACE_PREFIX,
    DISTRICTS,
    PART1_OFFENSES,
)
from bmoredash.selection import (
    PUBLISHED_LINES,
    SelectionError,
    council_of,
    district_of,
    lines_of,
)

#: The single report template.
TEMPLATE = config.PROJECT_DIR / "notebooks" / "district_report.ipynb"
#: Every report of a week: the nine districts, then the city.
REPORT_PLACES: tuple[str, ...] = (*DISTRICTS, CITYWIDE)
#: The Council district reports (``bmoredash reports --by council``): ``COUNCIL-1`` ...
COUNCIL_PLACES: tuple[str, ...] = tuple(f"{COUNCIL_PLACE_PREFIX}{c}" for c in COUNCIL_DISTRICTS)
#: The sets of reports a batch renders, by what they are "by".
REPORT_SETS: dict[str, tuple[str, ...]] = {"district": REPORT_PLACES, "council": COUNCIL_PLACES}
#: The parameters the notebook declares and the batch passes, no more, no fewer.
NOTEBOOK_PARAMETERS: tuple[str, ...] = (
    "district",
    "week_ending",
    "data_dir",
    "count",
    "summary_path",
    "lines",
)


class ReportParameterError(ValueError):
    """A report parameter the data cannot answer (unknown district, week out of range), or a
    template whose parameters are not the ones the batch passes."""


@dataclass(frozen=True)
class ReportParams:
    """Validated parameters: canonical place, the Saturday ending the week, the store, what
    the counts count (``aggregate.UNITS``) and the police district lines the place is read
    by (``selection.lines_of``)."""

    district: str
    week_end: date
    data_dir: Path
    manifest: dict[str, Any]
    count: str = agg.VICTIMS
    lines: str = PUBLISHED_LINES

    @property
    def stem(self) -> str:
        """The report's file name without extension: the place, then what differs from the
        default report (``WESTERN``, ``WESTERN-incidents``, ``WESTERN-pre2023``)."""
        parts = [self.district]
        if self.count != agg.VICTIMS:
            parts.append(self.count)
        if self.lines != PUBLISHED_LINES:
            parts.append(self.lines)
        return "-".join(parts)

    @property
    def data_through(self) -> date:
        return date.fromisoformat(self.manifest["data_through"])

    @property
    def demo(self) -> bool:
        return bool(self.manifest.get("demo"))

    @cached_property
    def coverage(self) -> Coverage:
        """The days the store has data for: no comparison is made over any other day."""
        return from_manifest(self.manifest)


def notebook_parameters(
    district: str,
    week_end: date,
    data_dir: Path,
    count: str = agg.VICTIMS,
    summary_path: Path | None = None,
    lines: str = PUBLISHED_LINES,
) -> dict[str, str]:
    """The values papermill injects, one per ``NOTEBOOK_PARAMETERS``; ``summary_path`` is
    where the notebook writes the headline numbers for the week's index ("" : nowhere)."""
    summary = "" if summary_path is None else str(summary_path)
    values = (district, week_end.isoformat(), str(data_dir), count, summary, lines)
    return dict(zip(NOTEBOOK_PARAMETERS, values, strict=True))


def check_template(template: str | os.PathLike[str]) -> None:
    """ReportParameterError (one line) unless ``template`` declares exactly
    ``NOTEBOOK_PARAMETERS`` in its ``parameters`` cell (``papermill.inspect_notebook``)."""
    import papermill

    try:
        declared = set(papermill.inspect_notebook(str(template)))
    except Exception as error:  # unreadable notebook: say which, in one line
        raise ReportParameterError(
            f"report template {template} cannot be read: {type(error).__name__}: {error}"
        ) from None
    passed = set(NOTEBOOK_PARAMETERS)
    if declared != passed:
        missing = ", ".join(sorted(passed - declared)) or "none"
        extra = ", ".join(sorted(declared - passed)) or "none"
        raise ReportParameterError(
            f"report template {template} does not declare the parameters the batch passes "
            f"({', '.join(NOTEBOOK_PARAMETERS)}): missing {missing}; not passed {extra}"
        )


def _manifest(data_dir: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    from bmoredash.store import read_manifest

    root = config.data_dir(data_dir)
    manifest = read_manifest(root)
    if not manifest.get("data_through") or not manifest.get("first_date"):
        raise ReportParameterError(f"the store in {root} holds no incidents; nothing to report")
    return root, manifest


def default_week_ending(data_dir: str | os.PathLike[str] | None = None) -> date:
    """The last complete week of the data: the last Saturday on or before "data through"."""
    _, manifest = _manifest(data_dir)
    return agg.last_complete_week_end(date.fromisoformat(manifest["data_through"]))


def check_district(district: str) -> str:
    """The canonical place name for any spelling the selection rule accepts (``Western
    District``, ``Northeastern``; a Council district as ``COUNCIL-3`` or ``Council District
    3``), or ReportParameterError listing the valid ones: a report is for one of the nine
    districts, a Council district or the city."""
    text = str(district).strip()
    try:
        if text.upper().startswith(("COUNCIL", "CITY COUNCIL")):
            name = f"{COUNCIL_PLACE_PREFIX}{council_of(text.upper().removeprefix('COUNCIL-'))}"
        else:
            name = district_of(text)
    except SelectionError:
        name = None
    if name not in (*REPORT_PLACES, *COUNCIL_PLACES):
        raise ReportParameterError(
            f"unknown district {district!r}; valid: {', '.join(REPORT_PLACES)}, "
            f"or a Council district COUNCIL-1 .. COUNCIL-14"
        )
    return name


def place_keywords(place: str) -> dict[str, str]:
    """The selection keywords of a report's place (``Selection.parse``): a district, the
    city, or a Council district (rows placed by their coordinates)."""
    if place.startswith(COUNCIL_PLACE_PREFIX):
        return {"councils": place.removeprefix(COUNCIL_PLACE_PREFIX)}
    return {"districts": place}


def _as_week_end(value: date | str) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ReportParameterError(
                f"week_ending {value!r} is not an ISO date (YYYY-MM-DD)"
            ) from None
    if not isinstance(value, date):
        raise ReportParameterError(f"week_ending must be a date, not {type(value).__name__}")
    return value


def check_week(week_end: date | str, manifest: dict[str, Any]) -> date:
    """The week's last day, checked: a Saturday, inside the data's first (the first day
    covered for every Part 1 offense) and through dates."""
    day = _as_week_end(week_end)
    through = date.fromisoformat(manifest["data_through"])
    first = from_manifest(manifest).first_day(PART1_OFFENSES) or date.fromisoformat(
        manifest["first_date"]
    )
    latest = agg.last_complete_week_end(through)
    if day.weekday() != 5:
        before, after = agg.last_complete_week_end(day), agg.week_ending(day)
        raise ReportParameterError(
            f"week_ending {day} is a {day:%A}; report weeks end on Saturday (BPD weeks run "
            f"Sunday to Saturday): use {before} or {after}"
        )
    if day > through:
        raise ReportParameterError(
            f"week_ending {day} is after the data's 'data through' date {through}; "
            f"the latest complete week ends {latest}"
        )
    start = periods.week_window(day).start
    if start < first:
        earliest = periods.first_complete_week_end(first)
        raise ReportParameterError(
            f"the week ending {day} starts {start}, before the data starts ({first}); "
            f"the earliest complete week ends {earliest}"
        )
    return day


def validate_params(
    district: str,
    week_ending: date | str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    count: str = agg.VICTIMS,
    lines: str = PUBLISHED_LINES,
) -> ReportParams:
    """Check the notebook's parameters against the store; the first thing a report does.

    ``week_ending`` None or "" means the last complete week; ``data_dir`` None or "" means
    the configured store; ``count`` is victims or incidents; ``lines`` the police district
    lines (published, 2023 or pre2023). Raises ReportParameterError (a ValueError) with a
    message that says what is valid.
    """
    place = check_district(district)
    try:
        unit = agg.check_unit(str(count).strip().lower())
        chosen_lines = lines_of(lines or PUBLISHED_LINES)
    except ValueError as error:
        raise ReportParameterError(str(error)) from None
    root, manifest = _manifest(data_dir or None)
    week_end = (
        agg.last_complete_week_end(date.fromisoformat(manifest["data_through"]))
        if week_ending in (None, "")
        else check_week(week_ending, manifest)
    )
    return ReportParams(place, week_end, root, manifest, unit, chosen_lines)
