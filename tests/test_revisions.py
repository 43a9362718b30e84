"""Revision rate: the same weeks counted in successive snapshots (bmoredash.revisions)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from bmoredash import ingest, revisions, store
from tests.conftest import require_shared
from tests.test_ingest import BETA_HEADER, BETA_ROWS, write_csv

TODAY = dt.date(2026, 7, 1)
#: The burglary row of test_ingest, re-dated and re-numbered for each row written here.
TEMPLATE = BETA_ROWS[2]
BURGLARY = "5A,BURGLARY"
LARCENY = "6D,LARCENY FROM AUTO"


def beta_row(row_id: int, day: dt.date, offense: str) -> str:
    """A Part1_Crime_Beta row at noon Baltimore time (16:00 UTC) of ``day``."""
    return (
        TEMPLATE.replace("103,", f"{row_id},", 1)
        .replace("2024/01/01 04:30:00+00", f"{day:%Y/%m/%d} 16:00:00+00")
        .replace(BURGLARY, offense)
    )


def days(first: str, last: str) -> list[dt.date]:
    return list(pd.date_range(first, last).date)


def first_rows() -> list[str]:
    """Every day from Sun Apr 26 to Wed Jun 17 2026: six larcenies and two burglaries
    (eight a day: fewer would make the file a sample, every day a gap day)."""
    rows, row_id = [], 1000
    for day in days("2026-04-26", "2026-06-17"):
        for offense in [LARCENY] * 6 + [BURGLARY] * 2:
            row_id += 1
            rows.append(beta_row(row_id, day, offense))
    return rows


#: Late reports in the later snapshot: age 0 (Jun 14-17) gets 2 larcenies and 1 burglary,
#: age 1 (Jun 7-13) 3 larcenies and 1 burglary; the rows of Jun 18-20 lie on days the
#: first snapshot did not cover and are not compared.
LATE = [
    (dt.date(2026, 6, 15), LARCENY),
    (dt.date(2026, 6, 17), LARCENY),
    (dt.date(2026, 6, 16), BURGLARY),
    (dt.date(2026, 6, 7), LARCENY),
    (dt.date(2026, 6, 9), LARCENY),
    (dt.date(2026, 6, 13), LARCENY),
    (dt.date(2026, 6, 10), BURGLARY),
    (dt.date(2026, 6, 18), LARCENY),
    (dt.date(2026, 6, 20), BURGLARY),
]


@pytest.fixture
def two_snapshots(data_dir: Path, tmp_path: Path) -> Path:
    """A download on Jun 17 and one a week later holding the same rows plus ``LATE``."""
    rows = first_rows()
    first = write_csv(tmp_path / "beta_2026-06-17.csv", BETA_HEADER, rows)
    late = [beta_row(5000 + i, day, offense) for i, (day, offense) in enumerate(LATE)]
    later = write_csv(tmp_path / "beta_2026-06-24.csv", BETA_HEADER, rows + late)
    ingest.ingest_paths([first], data_dir, today=TODAY, as_of="2026-06-17")
    ingest.ingest_paths([later], data_dir, today=TODAY, as_of="2026-06-24")
    return data_dir


def test_late_rows_raise_the_last_two_weeks_only(two_snapshots: Path) -> None:
    table = revisions.revision_table(two_snapshots, today=TODAY)
    # Apr 26 is a Sunday: ages 0 (4 days) to 7 (whole weeks); no rows of other offenses
    assert sorted(table["age_weeks"].unique()) == list(range(8))
    shown = table[table["offense"].isin(["LARCENY FROM AUTO", "BURGLARY", revisions.ALL_PART1])]
    got = {
        (r.age_weeks, r.offense): (
            r.days,
            r.rows_first,
            r.rows_later,
            None if pd.isna(r.revision_pct) else r.revision_pct,
        )
        for r in shown.itertuples()
    }
    assert got[(0, "LARCENY FROM AUTO")] == (4, 24, 26, pytest.approx(200 / 24))
    assert got[(0, "BURGLARY")] == (4, 8, 9, None)  # 8 < 10: no percentage
    assert got[(0, "all Part 1")] == (4, 32, 35, pytest.approx(300 / 32))
    assert got[(1, "LARCENY FROM AUTO")] == (7, 42, 45, pytest.approx(300 / 42))
    assert got[(1, "BURGLARY")] == (7, 14, 15, pytest.approx(100 / 14))
    assert got[(1, "all Part 1")] == (7, 56, 60, pytest.approx(400 / 56))
    for age in range(2, 8):
        assert got[(age, "LARCENY FROM AUTO")] == (7, 42, 42, 0.0)
        assert got[(age, "BURGLARY")] == (7, 14, 14, 0.0)
        assert got[(age, "all Part 1")] == (7, 56, 56, 0.0)
    assert set(table["pairs"]) == {1}
    other = table[~table["offense"].isin(["LARCENY FROM AUTO", "BURGLARY", "all Part 1"])]
    assert (other[["rows_first", "rows_later"]] == 0).all().all()


def test_pairs_need_the_same_dataset_a_later_as_of_and_shared_days(
    two_snapshots: Path, tmp_path: Path
) -> None:
    first, later = store.read_snapshots(two_snapshots)
    pairs = revisions.successive_pairs([later, first])
    assert [(p.earlier.id, p.later.id) for p in pairs] == [(first.id, later.id)]
    assert min(pairs[0].days) == dt.date(2026, 4, 26) and max(pairs[0].days) == first.end
    # the same download again, or a cut of it with the same as_of, is not a revision
    assert revisions.successive_pairs([first, first]) == []
    # a later snapshot of other days: nothing shared, nothing compared
    apart = write_csv(
        tmp_path / "beta_2026-08.csv",
        BETA_HEADER,
        [beta_row(9000 + i, d, LARCENY) for i, d in enumerate(days("2026-08-01", "2026-08-10"))],
    )
    ingest.ingest_paths([apart], two_snapshots, today=dt.date(2026, 9, 1), as_of="2026-08-12")
    snaps = store.read_snapshots(two_snapshots)
    assert len(revisions.successive_pairs(snaps)) == 1


def test_a_store_of_one_snapshot_has_nothing_to_measure(data_dir: Path, tmp_path: Path) -> None:
    ingest.ingest_paths(
        [write_csv(tmp_path / "one.csv", BETA_HEADER, first_rows())], data_dir, today=TODAY
    )
    table = revisions.revision_table(data_dir, today=TODAY)
    assert table.empty and "revision_pct" in table.columns


def test_ages_count_from_the_last_date_of_data_not_the_download(two_snapshots: Path) -> None:
    first = store.read_snapshots(two_snapshots)[0]
    downloaded_later = first.with_counts(as_of="2026-06-27T14:00:00+00:00")
    assert revisions.reference_day(downloaded_later) == dt.date(2026, 6, 17)


def test_a_same_day_download_supersedes_instead_of_revising(two_snapshots: Path) -> None:
    first, later = store.read_snapshots(two_snapshots)
    again = first.with_counts(id="s000009", sequence=9, batch=9)
    pairs = revisions.successive_pairs([first, again, later])
    assert [(p.earlier.id, p.later.id) for p in pairs] == [("s000009", later.id)]


def test_the_two_part1_crime_extracts_in_shared(tmp_path: Path) -> None:
    """The USF copy of Part1_Crime (rows through 2021-07-14) and the homicide export of
    2022-02-07 are two downloads of one dataset: their shared scope is homicides."""
    usf = require_shared("crime", "current", "p1crime_usf_rows_000001-060000.csv")
    export = require_shared("crime", "current", "Part1_Crime_data_homicides_export_2022-02-07.csv")
    data_dir = tmp_path / "data"
    ingest.ingest_paths([usf], data_dir)
    ingest.ingest_paths([export], data_dir)
    table = revisions.revision_table(data_dir)
    assert set(table["offense"]) == {"HOMICIDE"}  # no Part 1 total from a homicide list
    got = {r.age_weeks: (r.rows_first, r.rows_later) for r in table.itertuples()}
    # the USF copy's last weeks lack homicides the export has; older weeks agree
    assert got == {2: (0, 3), 3: (1, 4), 4: (9, 14), 5: (2, 2), 6: (11, 11), 7: (7, 7), 8: (9, 9)}
