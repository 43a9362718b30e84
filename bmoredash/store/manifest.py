"""The manifest and quality report of a new version: rows, dates, sources, and per
snapshot and dataset what it serves, its spans, rows per day and gap days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from bmoredash import config, coverage, schema
from bmoredash.selection import date_of
from bmoredash.snapshots import Snapshot, coverage_spans
from bmoredash.store.conform import _TZ

SOURCE_KEYS: tuple[str, ...] = ("source", "layout", "rows_read", "rows_kept")


def _iso(day: Any) -> str | None:
    if day is None:
        return None
    return date_of(day, "data_through").isoformat()


def _build_manifest(
    incidents: pd.DataFrame,
    quarantine: pd.DataFrame,
    sources: list[dict[str, Any]],
    *,
    demo: bool,
    data_through: Any,
    snapshots: list[Snapshot] | None = None,
    prefer: list[str] | None = None,
) -> dict[str, Any]:
    if len(incidents):
        times = incidents["occurred_at"]
        first, last = times.min().date().isoformat(), times.max().date().isoformat()
    else:
        first = last = None
    manifest = {
        "schema_version": schema.SCHEMA_VERSION,
        "demo": bool(demo),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sources": [{k: s[k] for k in SOURCE_KEYS} for s in sources],
        "rows": int(len(incidents)),
        "first_date": first,
        "last_date": last,
        "data_through": _iso(data_through) or last,
        "bmoredash_version": config.VERSION,
        "quarantined": int(len(quarantine)),
    }
    if snapshots is not None:
        manifest.update(_snapshot_record(incidents, snapshots, prefer or []))
    return manifest


def _days(occurred_at: pd.Series) -> np.ndarray:
    """Baltimore calendar date ordinals of timestamps (the column is already in its zone)."""
    local = occurred_at.dt.tz_convert(_TZ).dt.tz_localize(None).dt.normalize()
    epoch_day = dt.date(1970, 1, 1).toordinal()
    return (local.to_numpy().astype("datetime64[D]").astype(np.int64) + epoch_day).astype(np.int64)


def _rows_per_day(days: pd.Series, first: dt.date, last: dt.date) -> pd.Series:
    """Rows per date from ``first`` to ``last`` (0 where none), indexed by date."""
    per_day = days.value_counts().reindex(
        range(first.toordinal(), last.toordinal() + 1), fill_value=0
    )
    per_day.index = [dt.date.fromordinal(int(d)) for d in per_day.index]
    return per_day


def _arrest_days(arrest_date: pd.Series) -> np.ndarray:
    """Date ordinals of the arrests' calendar dates (naive, already Baltimore dates)."""
    epoch_day = dt.date(1970, 1, 1).toordinal()
    values = arrest_date.to_numpy().astype("datetime64[D]").astype(np.int64)
    return (values + epoch_day).astype(np.int64)


def _arrest_record(
    arrests: pd.DataFrame, quarantine: pd.DataFrame, snapshots: list[Snapshot]
) -> dict[str, Any]:
    """The manifest's ``arrests`` key: rows, dates, quarantined rows, and the same snapshot,
    coverage and per-dataset record as the incidents (``_snapshot_record``)."""
    if len(arrests):
        dates = arrests["arrest_date"]
        first, last = dates.min().date().isoformat(), dates.max().date().isoformat()
    else:
        first = last = None
    record = _snapshot_record(arrests, snapshots, [], days=_arrest_days(arrests["arrest_date"]))
    record.pop("prefer")
    return {
        "rows": int(len(arrests)),
        "first_date": first,
        "last_date": last,
        "quarantined": int(len(quarantine)),
        **record,
    }


def _snapshot_record(
    incidents: pd.DataFrame,
    snapshots: list[Snapshot],
    prefer: list[str],
    *,
    days: np.ndarray | None = None,
) -> dict[str, Any]:
    """Manifest keys: snapshots (with rows served), preferences, coverage (spans and gap
    days), and per dataset its spans with rows per day. ``days``: the rows' date ordinals
    (default: from ``occurred_at``; the arrests pass their arrest dates)."""
    served = incidents["snapshot"].astype(object).value_counts().to_dict()
    spans = coverage_spans(snapshots)
    days = pd.Series(_days(incidents["occurred_at"]) if days is None else days)
    # Gap days: those the snapshots lack inside their windows, plus those judged on every
    # row served on a day (one dataset serves each date and offense), over the runs of
    # dates covered for every offense. A sample (no covered date) has no window to judge.
    whole = [s for s in snapshots if s.offenses is None and s.covered_days()]
    covered = set().union(*(s.covered_days() for s in whole))
    gaps: list[dt.date] = []
    for first, last in coverage.spans_of_days(covered):
        gaps.extend(coverage.find_gap_days(_rows_per_day(days, first, last)))
    # days a snapshot's window holds but it lacks, and that no other snapshot serves
    inside = set().union(*(s.covered_days() + sorted(s.gaps) for s in whole))
    gap_set = set(gaps) | (inside - covered)
    dataset_of = {s.id: s.dataset for s in snapshots}
    row_dataset = incidents["snapshot"].astype(object).map(dataset_of).to_numpy()
    datasets: dict[str, Any] = {}
    for span in spans:
        per_day = _rows_per_day(days[row_dataset == span.dataset], span.start, span.end)
        entry = datasets.setdefault(span.dataset, {"spans": [], "gap_days": []})
        entry["spans"].append(
            {**span.to_dict(), "rows_per_day": [int(c) for c in per_day.to_numpy()]}
        )
        entry["gap_days"].extend(d.isoformat() for d in per_day.index if d in gap_set)
    for name, entry in datasets.items():
        entry["outside_range_rows"] = sum(s.outside_range for s in snapshots if s.dataset == name)
    return {
        "snapshots": [s.to_dict() | {"rows_served": int(served.get(s.id, 0))} for s in snapshots],
        "prefer": list(prefer),
        "coverage": {
            "spans": [s.to_dict() for s in spans],
            "gap_days": sorted(d.isoformat() for d in gap_set),
            "gap_rule": (
                f"fewer rows than a third of the median of the same weekday "
                f"over {coverage.GAP_WEEKS} weeks either side (when that median is at least "
                f"{coverage.GAP_MIN_USUAL})"
            ),
        },
        "datasets": datasets,
    }


def _report_dict(report: Any) -> dict[str, Any]:
    return dict(report.to_dict()) if hasattr(report, "to_dict") else dict(report)


def _quality_by_source(quality: Any, sources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Reports keyed by source name. A single report for several sources is kept whole."""
    if quality is None:
        return {}
    if isinstance(quality, Mapping) and all(
        isinstance(v, Mapping) or hasattr(v, "to_dict") for v in quality.values()
    ):
        return {str(k): _report_dict(v) for k, v in quality.items()}
    names = sorted({s["source"] for s in sources})
    key = names[0] if len(names) == 1 else " + ".join(names) or "unknown"
    return {key: _report_dict(quality)}


def sum_reports(reports: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Quality reports added up: numbers summed, {name: count} maps summed key by key.

    Same arithmetic as ``QualityReport.merge``, on the dict form, so that the store can
    merge reports without importing clean.
    """
    total: dict[str, Any] = {}
    for report in reports:
        for key, value in report.items():
            if isinstance(value, Mapping):
                bucket = total.setdefault(key, {})
                for k, v in value.items():
                    bucket[k] = bucket.get(k, 0) + v
            elif isinstance(value, int | float) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
            else:
                total.setdefault(key, value)
    return total
