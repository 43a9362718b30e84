"""Build the peer-city table shipped in ``bmoredash/reference/data/peers/rtci_scorecard.csv``.

The "Baltimore among US cities" page must draw on a fresh clone, offline; this script
takes the Real-Time Crime Index scorecard rows it uses (Baltimore, the 20 largest
single-agency cities and the national sample; murder, rape, robbery, aggravated assault
and the violent-crime total) from the shared copy (``../shared/data/baltimore/peers/``,
described in that folder's ``SOURCES.md``, section 11), checked by the same reader as
``bmoredash peers --refresh``, cells unchanged. Run it again after the source changes:

    .venv/bin/python scripts/build_peers_table.py [--shared FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bmoredash.files import atomic_write  # noqa: E402
from bmoredash.reference import peers  # noqa: E402

DEFAULT_SHARED = (
    PROJECT.parent
    / "shared"
    / "data"
    / "baltimore"
    / "peers"
    / "rtci_scorecard_baltimore_and_20_largest_cities.csv"
)


def build(shared: Path, out: Path) -> int:
    """Write the shipped table from ``shared``; the number of rows written."""
    rows = peers.select_rows(peers.read_scorecard(shared))
    missing = peers.missing_agencies(rows)
    if missing:
        raise peers.PeersError(f"{shared.name} lacks {', '.join(missing)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out) as handle:
        handle.write(peers.table_text(rows))
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=peers.SHIPPED)
    args = parser.parse_args(argv)
    try:
        count = build(args.shared, args.out)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {count} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
