"""Our yearly counts beside the official ones, with the documented reason for each gap.

Two small curated files ship with the package:

- ``bmoredash/data/official_tallies.csv``: one row per year and measure (``homicides``,
  ``nonfatal_shootings``) with the figure announced for that year, where it was published
  (``source``, ``source_url``), the keys of the reasons that can make our count differ
  (``reasons``, separated by ``;``), a second independent tally where one exists (the
  Baltimore Sun's homicide database, 2015-2020) and a ``note`` on other published figures
  for the same year. A figure whose source could not be found says so in ``note``.
- ``bmoredash/data/tally_reasons.csv``: each reason once (``reason`` key, ``label``,
  ``explanation``, ``source_url``). The reasons are data, not code.

``compare_with_official`` counts victims (rows) per Baltimore calendar year in a store's
frame and sets them beside those figures. A year the store covers only in part, or not at
all, for that offense gets no difference: "no data" is never compared as a count.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bmoredash.config import PACKAGE_DIR
from bmoredash.coverage import Coverage
from bmoredash.selection import Selection

TALLIES_FILE = PACKAGE_DIR / "data" / "official_tallies.csv"
REASONS_FILE = PACKAGE_DIR / "data" / "tally_reasons.csv"

#: Measure in the tallies file -> (store offense, label shown to readers).
MEASURES: dict[str, tuple[str, str]] = {
    "homicides": ("HOMICIDE", "Homicides"),
    "nonfatal_shootings": ("SHOOTING", "Non-fatal shootings"),
}

#: The reason key used when the store does not cover a whole year.
COVERAGE_REASON = "coverage"

#: How a year is covered for the measure's offense.
FULL, PARTIAL, NOT_COVERED = "full year", "partial year", "not covered"

#: Columns of ``compare_with_official``.
COLUMNS: tuple[str, ...] = (
    "year",
    "measure",
    "label",
    "ours",
    "official",
    "difference",
    "coverage",
    "reason",
    "second_tally",
    "source",
    "source_url",
    "note",
)

_TALLY_COLUMNS = ("year", "measure", "official", "source", "source_url", "reasons")
_REASON_COLUMNS = ("reason", "label", "explanation", "source_url")


def _keys(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(";") if part.strip()]


def load_reasons(path: str | Path | None = None) -> pd.DataFrame:
    """The documented reasons, indexed by ``reason`` key."""
    raw = pd.read_csv(path or REASONS_FILE, dtype=str, keep_default_na=False)
    missing = [c for c in _REASON_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"tally reasons: missing columns {missing}")
    if raw["reason"].duplicated().any() or (raw["label"].str.strip() == "").any():
        raise ValueError("tally reasons: every reason needs one row and a label")
    return raw.set_index("reason")


def load_tallies(
    path: str | Path | None = None, reasons: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The official figures, checked: known measures and reasons, one row per year and
    measure, whole numbers, and a source URL that is a URL or empty."""
    raw = pd.read_csv(path or TALLIES_FILE, dtype=str, keep_default_na=False)
    missing = [c for c in _TALLY_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"official tallies: missing columns {missing}")
    known = set((reasons if reasons is not None else load_reasons()).index)
    problems: list[str] = []
    for row in raw.itertuples(index=False):
        where = f"{row.year} {row.measure}"
        if row.measure not in MEASURES:
            problems.append(f"{where}: unknown measure")
        unknown = [k for k in _keys(row.reasons) if k not in known]
        if unknown:
            problems.append(f"{where}: unknown reasons {unknown}")
        if row.source_url and not row.source_url.startswith(("https://", "http://")):
            problems.append(f"{where}: source_url is not a URL")
        if not row.source.strip():
            problems.append(f"{where}: no source")
    if raw.duplicated(["year", "measure"]).any():
        problems.append("a year and measure appear twice")
    if problems:
        raise ValueError("official tallies: " + "; ".join(problems))
    frame = raw.copy()
    frame["year"] = frame["year"].astype(int)
    frame["official"] = frame["official"].astype(int)
    for column in ("second_tally",):
        values = frame[column] if column in frame.columns else ""
        frame[column] = pd.to_numeric(values, errors="coerce").astype("Int64")
    for column in ("second_source", "note"):
        if column not in frame.columns:
            frame[column] = ""
    return frame


def _covered_rows(days: pd.Series, coverage: Coverage, offense: str) -> np.ndarray:
    """True per row whose Baltimore date is covered for ``offense`` (one look-up per day)."""
    unique = pd.unique(days)
    covered = dict(zip(unique, coverage.mask(list(unique), [offense]), strict=True))
    return days.map(covered).to_numpy(dtype=bool)


def _reason_text(keys: list[str], reasons: pd.DataFrame) -> str:
    return "; ".join(str(reasons.at[k, "label"]) for k in keys if k in reasons.index)


def compare_with_official(
    frame: pd.DataFrame,
    coverage: Coverage,
    *,
    tallies: pd.DataFrame | None = None,
    reasons: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per year and measure: our victim count, the official tally, the difference and why.

    ``frame`` holds canonical rows (``store.load_incidents``; only ``occurred_at`` and
    ``offense`` are read), ``coverage`` the store's (``store.read_coverage``). Our count is
    the rows of the measure's offense (HOMICIDE, SHOOTING) dated in that Baltimore calendar
    year. ``coverage`` is ``"full year"`` when every day of the year has data for that
    offense: then ``difference`` = ours - official, and ``reason`` is ``"agrees"`` or the
    labels of the row's documented reasons. A ``"partial year"`` gives our count over the
    covered days but no difference (``reason`` says which days are missing); a year
    ``"not covered"`` gives neither. Rows follow the tallies file's order.
    """
    reasons = reasons if reasons is not None else load_reasons()
    tallies = tallies if tallies is not None else load_tallies(reasons=reasons)
    offenses = [offense for offense, _ in MEASURES.values()]
    rows = Selection(offenses=tuple(offenses)).apply(frame)[["occurred_at", "offense"]]
    days = rows["occurred_at"].dt.tz_localize(None).dt.normalize().dt.date
    years = rows["occurred_at"].dt.year.to_numpy()
    offense_of = rows["offense"].astype(str).to_numpy()
    covered_by_offense = {o: _covered_rows(days, coverage, o) for o in offenses}

    out: list[dict[str, object]] = []
    for tally in tallies.itertuples(index=False):
        offense, label = MEASURES[tally.measure]
        year = int(tally.year)
        start, end = date(year, 1, 1), date(year, 12, 31)
        in_year = (years == year) & (offense_of == offense)
        ours: object = pd.NA
        difference: object = pd.NA
        why_not = coverage.why_not(start, end, [offense])
        if why_not is None:
            status = FULL
            ours = int(in_year.sum())
            difference = ours - int(tally.official)
            keys = _keys(tally.reasons)
            reason = "agrees" if difference == 0 else _reason_text(keys, reasons)
        elif not coverage.mask(pd.date_range(start, end), [offense]).any():
            status = NOT_COVERED
            reason = f"not covered: this store holds no {label.lower()} data for {year}"
        else:
            status = PARTIAL
            ours = int((in_year & covered_by_offense[offense]).sum())
            reason = f"partial year, no comparison: {why_not.removeprefix('no comparison: ')}"
        out.append(
            {
                "year": year,
                "measure": tally.measure,
                "label": label,
                "ours": ours,
                "official": int(tally.official),
                "difference": difference,
                "coverage": status,
                "reason": reason,
                "second_tally": tally.second_tally,
                "source": tally.source,
                "source_url": tally.source_url,
                "note": tally.note,
            }
        )
    result = pd.DataFrame(out, columns=list(COLUMNS))
    for column in ("ours", "difference", "second_tally"):
        result[column] = result[column].astype("Int64")
    return result


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """``compare_with_official``'s result for reading: indexed by year, plain column names."""
    return pd.DataFrame(
        {
            "measure": comparison["label"].array,
            "our count": comparison["ours"].array,
            "official": comparison["official"].array,
            "difference": comparison["difference"].array,
            "why they differ": comparison["reason"].array,
            "Sun database": comparison["second_tally"].array,
            "source of the official figure": comparison["source"].array,
        },
        index=pd.Index(comparison["year"].array, name="year"),
    )
