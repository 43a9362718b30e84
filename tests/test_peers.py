"""Baltimore among US cities (``reference.peers``): the shipped Real-Time Crime Index table,
rates per 100,000 checked by hand, the scorecard's quirks, and ``bmoredash peers --refresh``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_shared
from typer.testing import CliRunner

from bmoredash.cli import app
from bmoredash.reference import peers

SHARED = ("peers", "rtci_scorecard_baltimore_and_20_largest_cities.csv")
runner = CliRunner()


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return peers.city_figures(peers.load(Path("/nonexistent-data-dir")))


def _figure(figures: pd.DataFrame, agency: str, measure: str) -> pd.Series:
    (row,) = figures[(figures["agency"] == agency) & (figures["measure"] == measure)].itertuples()
    return pd.Series(row._asdict())


def test_baltimore_and_chicago_murder_rates_by_hand(figures: pd.DataFrame) -> None:
    baltimore = _figure(figures, "Baltimore", "murder")
    # 133 murders in 2025 among 565,192 residents: 23.53 per 100,000; 197 in 2024: 34.86.
    assert (baltimore["count_last"], baltimore["population"]) == (133, 565_192)
    assert baltimore["rate_last"] == pytest.approx(133 / 565_192 * 100_000)
    assert round(baltimore["rate_last"], 1) == 23.5
    assert round(baltimore["rate_before"], 1) == 34.9
    assert (baltimore["year_before"], baltimore["year_last"]) == (2024, 2025)
    # Year to date: Jan-Feb 2026 against Jan-Feb 2025, 22 against 20.
    assert (baltimore["ytd_window"], baltimore["ytd_year"]) == ("Jan–Feb", 2026)
    assert (baltimore["ytd_before"], baltimore["ytd_now"]) == (20, 22)
    chicago = _figure(figures, "Chicago", "murder")
    # 427 among 2,628,298: 16.25 per 100,000.
    assert round(chicago["rate_last"], 1) == 16.2
    nation = _figure(figures, "Full Sample", "murder")
    assert round(nation["rate_last"], 1) == 6.5  # 6,491 among 99,744,809
    assert nation["agencies"] == 445
    violent = _figure(figures, "Baltimore", "violent_crime")
    assert violent["rate_last"] == pytest.approx(8_388 / 565_192 * 100_000)


def test_every_city_in_the_scorecards_order(figures: pd.DataFrame) -> None:
    agencies = list(dict.fromkeys(figures["agency"]))
    assert agencies == list(peers.AGENCIES)
    assert len(peers.PEER_CITIES) == 20
    assert set(figures["measure"]) == {"murder", "violent_crime"}


def test_categories_not_reported_have_no_rate_never_zero(figures: pd.DataFrame) -> None:
    jacksonville = _figure(figures, "Jacksonville", "violent_crime")
    assert not jacksonville["reported"]
    assert np.isnan(jacksonville["rate_last"]) and np.isnan(jacksonville["count_last"])
    assert "murders only" in jacksonville["note"]
    assert _figure(figures, "Jacksonville", "murder")["reported"]  # its murders are there
    san_diego = _figure(figures, "San Diego", "violent_crime")
    assert not san_diego["reported"] and np.isnan(san_diego["rate_before"])
    assert _figure(figures, "San Diego", "murder")["ytd_window"] == "Jan"
    las_vegas = _figure(figures, "Las Vegas", "violent_crime")
    assert las_vegas["reported"] and las_vegas["note"] == "leaves out rape (not reported)"
    assert las_vegas["rate_last"] == pytest.approx(4_810 / 1_670_226 * 100_000)
    # Everyone else reports both measures in full.
    flagged = figures[figures["note"] != ""]
    assert sorted(flagged["agency"]) == ["Jacksonville", "Las Vegas", "San Diego"]
    assert (figures["rate_last"].dropna() > 0).all()


def test_the_data_date_and_the_citation() -> None:
    scorecard = peers.load(Path("/nonexistent-data-dir"))
    assert scorecard.shipped
    assert str(scorecard.last_updated) == "2026-04-24"
    assert scorecard.current_year == 2026
    source = (peers.SHIPPED.parent / "SOURCES.md").read_text()
    assert "0786cfa2188da0c2730b51d624399db7ef7b22ee" in source
    assert peers.CITATION in source.replace("\n  ", " ")


def test_the_shipped_table_equals_a_rebuild_from_shared(tmp_path: Path) -> None:
    from scripts.build_peers_table import build

    shared = require_shared(*SHARED)
    out = tmp_path / "rebuilt.csv"
    assert build(shared, out) == 110  # 22 agencies x 5 crime types
    assert out.read_bytes() == peers.SHIPPED.read_bytes()
    # Every shipped line is a line of the shared scorecard, unchanged.
    source_lines = set(shared.read_text(encoding="utf-8").splitlines())
    shipped = peers.SHIPPED.read_text(encoding="utf-8").splitlines()
    assert all(line in source_lines for line in shipped)
    # Recount Baltimore's 2025 murders from the shared file with plain pandas.
    raw = pd.read_csv(shared)
    row = raw[(raw["agency_name"] == "Baltimore") & (raw["crime_type"] == "murder")].iloc[0]
    assert (row["previous_year_full"], row["population"]) == (133, 565_192)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _changed(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


BALTIMORE_MURDER = '"Baltimore","Maryland","murder","Jan - Feb 2026",197,133,'


def test_refresh_writes_the_data_dir_copy_which_wins(tmp_path: Path) -> None:
    shared = require_shared(*SHARED)
    newer = _changed(
        shared.read_text(encoding="utf-8"),
        BALTIMORE_MURDER,
        '"Baltimore","Maryland","murder","Jan - Feb 2026",197,150,',
    )
    source = _write(tmp_path / "scorecard.csv", newer)
    data = tmp_path / "data"
    result = runner.invoke(app, ["peers", "--refresh", str(source), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert "wrote 110 rows" in result.output
    copy = data / "reference" / "peers.csv"
    assert copy.is_file()
    scorecard = peers.load(data)
    assert not scorecard.shipped and scorecard.path == copy
    baltimore = _figure(peers.city_figures(scorecard), "Baltimore", "murder")
    assert round(baltimore["rate_last"], 1) == 26.5  # 150 / 565,192
    # The shipped table is untouched.
    assert (
        _figure(peers.city_figures(peers.load(tmp_path / "none")), "Baltimore", "murder")[
            "count_last"
        ]
        == 133
    )


BAD_FILES = {
    "other columns": "a,b\n1,2\n",
    "empty": "",
    "a count that is text": None,  # built from the shared file below
    "no Baltimore": None,
    "a row twice": None,
    "binary": "\x00\x01\x02PK\x03\x04",
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_refresh_with_a_bad_file_is_refused_and_keeps_the_table(tmp_path: Path, kind: str) -> None:
    shared = require_shared(*SHARED)
    text = shared.read_text(encoding="utf-8")
    data = tmp_path / "data"
    first = runner.invoke(app, ["peers", "--refresh", str(shared), "--data-dir", str(data)])
    assert first.exit_code == 0, first.output
    copy = data / "reference" / "peers.csv"
    before = copy.read_bytes()
    bad = BAD_FILES[kind]
    if kind == "a count that is text":
        bad = _changed(text, BALTIMORE_MURDER, BALTIMORE_MURDER.replace(",133,", ",many,"))
    elif kind == "no Baltimore":
        bad = "\n".join(line for line in text.splitlines() if not line.startswith('"Baltimore"'))
    elif kind == "a row twice":
        bad = (
            text + BALTIMORE_MURDER + '-32.4,27,20,22,-18.5,10,565192,1,"2026-04-24 15:19:01 EDT"\n'
        )
    source = _write(tmp_path / "bad.csv", bad)
    result = runner.invoke(app, ["peers", "--refresh", str(source), "--data-dir", str(data)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    assert copy.read_bytes() == before
    assert [p.name for p in copy.parent.iterdir()] == ["peers.csv"]  # no temporary left


def test_refresh_messages_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(peers.PeersError, match="missing 15 of its 15"):
        peers.read_scorecard(_write(tmp_path / "a.csv", "a,b\n1,2\n"))
    with pytest.raises(peers.PeersError, match="no such file"):
        peers.read_scorecard(tmp_path / "absent.csv")
    shared = require_shared(*SHARED)
    text = shared.read_text(encoding="utf-8")
    bad = _changed(text, '"Jan - Feb 2026",197,133', '"January 2026",197,133')
    with pytest.raises(peers.PeersError, match="ytd_month_range: 'January 2026'"):
        peers.parse_scorecard(bad, "x.csv")


def test_the_page_table_gives_no_percentage_below_ten(figures: pd.DataFrame) -> None:
    from bmoredash.app.pages.peers import figures_table

    table = figures_table(figures, "murder")
    assert list(table.index[:2]) == ["Baltimore", "New York City"]  # by population, no rank
    assert table.index[-1] == "National sample (445 agencies)"
    # Baltimore 22 against 20: both reach 10, +10.0%. San Diego 1 against 5: too few.
    assert (table.loc["Baltimore", "change"], table.loc["Baltimore", "change %"]) == (
        "+2",
        "+10.0%",
    )
    assert (table.loc["San Diego", "change"], table.loc["San Diego", "change %"]) == (
        "-4",
        "too few",
    )
    assert table.loc["San Diego", "year to date, months"] == "Jan"
    assert table.loc["Baltimore", "2026 to date"] == "22"
    assert table.loc["Chicago", "rate 2025"] == "16.2"
    violent = figures_table(figures, "violent_crime")
    assert violent.loc["Jacksonville", "rate 2025"] == "no rate"
    assert violent.loc["Jacksonville", "change %"] == "–"
