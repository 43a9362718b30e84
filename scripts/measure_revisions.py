"""Print how much weekly counts changed between successive snapshots (bmoredash.revisions).

    .venv/bin/python scripts/measure_revisions.py [--data-dir DIR] [--shared DIR]
                                                  [--sun-git GIT_DIR] [--max-age N]

- ``--data-dir``: the store there (default ``$BMOREDASH_DATA_DIR``, else ``./data``).
- ``--shared``: the real samples (default ``../shared/data/baltimore``): the two files of
  one dataset with different extraction dates, the USF copy of ``Part1_Crime`` (rows
  through 2021-07-14) and the homicide export of 2022-02-07, ingested into a scratch store.
- ``--sun-git``: a clone (or bare git directory) of ``Baltimore-Sun/crime``: every commit
  of its nine weekly category files is one download of BPD's recent Part 1 rows; each is
  ingested, in order and with the commit date as ``as_of``, into a scratch store.

Parts whose input is absent are skipped with the reason printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from bmoredash import ingest, revisions, store

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED = Path(
    os.environ.get("BMOREDASH_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data" / "baltimore")
)
#: The two extracts of Part1_Crime in ../shared (SOURCES.md section 1).
SHARED_PAIR = (
    ("crime", "current", "p1crime_usf_rows_000001-060000.csv"),
    ("crime", "current", "Part1_Crime_data_homicides_export_2022-02-07.csv"),
)
#: The Sun's weekly files (one per category); together one download.
SUN_FILES = (
    "Aggravated assault.csv",
    "Arson.csv",
    "Auto theft.csv",
    "Burglary.csv",
    "Homicide.csv",
    "Larceny.csv",
    "Rape.csv",
    "Robbery.csv",
    "Shooting.csv",
)

#: The first download of the Sun's files made from BPD's hand-uploaded export.
SUN_EXPORT_FROM = "2026-01-22"


def show(title: str, table: pd.DataFrame, max_age: int) -> None:
    print(f"\n## {title}\n")
    if table.empty:
        print("no two snapshots of one dataset share days: nothing to measure")
        return
    shown = table[table["age_weeks"] <= max_age].copy()
    shown["revision_pct"] = shown["revision_pct"].map(lambda v: "" if pd.isna(v) else f"{v:+.1f}")
    print(shown.to_string(index=False))


def wide(table: pd.DataFrame, offenses: list[str]) -> pd.DataFrame:
    """Rows first published -> later, and the percent, one line per age (for the reply)."""
    cells = {}
    for (age, offense), row in table.set_index(["age_weeks", "offense"]).iterrows():
        if offense in offenses:
            pct = "" if pd.isna(row.revision_pct) else f" ({row.revision_pct:+.1f}%)"
            cells.setdefault(age, {})[offense] = f"{row.rows_first}->{row.rows_later}{pct}"
    return pd.DataFrame.from_dict(cells, orient="index")[offenses].rename_axis("age_weeks")


def measure_store(data_dir: Path, max_age: int) -> None:
    try:
        snaps = store.read_snapshots(data_dir)
    except store.StoreNotFoundError as error:
        print(f"\n## {data_dir}\n\nskipped: {error}")
        return
    print(
        f"\n{data_dir}: {len(snaps)} snapshot(s), {len(revisions.successive_pairs(snaps))} pair(s)"
    )
    show(f"store {data_dir}", revisions.revision_table(data_dir, max_age=max_age), max_age)


def measure_shared(shared: Path, max_age: int) -> None:
    paths = [shared.joinpath(*parts) for parts in SHARED_PAIR]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"\n## ../shared\n\nskipped: {missing[0]} not found (../shared is absent)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        for path in paths:  # separate ingests: the export is the later download
            ingest.ingest_paths([path], data_dir)
        snaps = store.read_snapshots(data_dir)
        for snap in snaps:
            window = f"{snap.start}..{snap.end}"
            print(f"{snap.id} {snap.source}: {snap.dataset} {window} as_of {snap.as_of}")
        table = revisions.revision_table(data_dir, max_age=max_age)
    show("../shared: USF copy of Part1_Crime -> homicide export of 2022-02-07", table, max_age)


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True
    ).stdout


def sun_downloads(git_dir: Path, folder: Path) -> list[tuple[str, Path]]:
    """(commit date, one CSV of the nine category files) per commit that changed them,
    oldest first."""
    log = _git(git_dir, "log", "--reverse", "--format=%H %cs", "--", *SUN_FILES)
    downloads = []
    for line in log.splitlines():
        commit, day = line.split()
        header, rows = None, []
        for name in SUN_FILES:
            try:
                text = _git(git_dir, "show", f"{commit}:{name}")
            except subprocess.CalledProcessError:
                continue  # not there yet at this commit
            first, *rest = text.splitlines()
            header = header or first
            rows.extend(r for r in rest if r)
        if header is None:
            continue
        path = folder / f"sun_{day}_{commit[:8]}.csv"
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        downloads.append((day, path))
    return downloads


def measure_sun(git_dir: Path | None, max_age: int) -> None:
    if git_dir is None or not git_dir.exists():
        print(f"\n## Baltimore Sun weekly downloads\n\nskipped: no git directory ({git_dir})")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder, data_dir = Path(tmp) / "files", Path(tmp) / "data"
        folder.mkdir()
        began = time.perf_counter()
        downloads = sun_downloads(git_dir, folder)
        for day, path in downloads:
            ingest.ingest_paths([path], data_dir, as_of=day)
        # NOTE: the Sun's files are cut at midnight UTC, so the last Baltimore date of each
        # lacks its evening (8 p.m. on in summer: 71 rows on 2026-06-08 in the download of
        # June 19, 100 in the next). Those missing hours are the cut, not late reports: the
        # last date is treated as a gap day of the snapshot and left out of the comparison.
        snaps = [
            s.with_counts(gaps=s.gaps | {s.end}) if s.end else s
            for s in store.read_snapshots(data_dir)
        ]
        pairs = revisions.successive_pairs(snaps)
        print(
            f"\n{len(downloads)} Sun downloads {downloads[0][0]} .. {downloads[-1][0]} "
            f"ingested in {time.perf_counter() - began:.0f} s; {len(pairs)} successive pairs"
        )
        counts = revisions.revision_counts(data_dir, snapshots=snaps, max_age=max_age)
    table = revisions.summarize(counts)
    show("Baltimore Sun weekly downloads (BPD Part 1 rows), pooled over pairs", table, max_age)
    as_of = {s.id: s.as_of for s in snaps}
    # the Sun's script read the NIBRS_GroupA layer until January 2026, then BPD's weekly
    # export (SOURCES.md): the later downloads come from one source, in weekly steps
    export = counts[counts["earlier"].map(as_of) >= SUN_EXPORT_FROM]
    show(
        f"... downloads of BPD's export only ({SUN_EXPORT_FROM} on)",
        revisions.summarize(export),
        max_age,
    )
    print("\nfirst published -> next download, all pairs pooled:")
    print(wide(table, ["RAPE", "AGG. ASSAULT", "HOMICIDE", "LARCENY", revisions.ALL_PART1]))
    # the rise over more than one week: the first download against the last that covers it
    print("\nper pair (all Part 1, ages 0-2):")
    part1 = counts[(counts["offense"] == revisions.ALL_PART1) & (counts["age_weeks"] <= 2)]
    by_pair = part1.pivot_table(
        index=["earlier", "later"], columns="age_weeks", values=["rows_first", "rows_later"]
    )
    by_pair.index = [f"{as_of[a]} -> {as_of[b]}" for a, b in by_pair.index]
    print(by_pair.astype("Int64").to_string())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--sun-git", type=Path, default=None)
    parser.add_argument("--max-age", type=int, default=revisions.MAX_AGE_WEEKS)
    args = parser.parse_args(argv)
    from bmoredash import config

    measure_store(config.data_dir(args.data_dir), args.max_age)
    measure_shared(args.shared, args.max_age)
    measure_sun(args.sun_git, args.max_age)
    return 0


if __name__ == "__main__":
    sys.exit(main())
