"""Readers for every published layout of Baltimore Part 1 crime data. No cleaning here.

A file (CSV, JSON array, ArcGIS ``f=json`` or ``f=geojson``) or a list of ArcGIS attribute
dicts becomes a ``SourceFrame``: the rows as published, every value text or missing, with
the original column names, plus the name of the layout recognised from the header.

Layouts are data (``LAYOUTS``): the columns that identify a layout and how its published
columns map to the canonical raw field names (``RAW_FIELDS``) that ``clean`` works on.

One bad row never stops a file: a row that cannot be read as a row of its layout keeps its
place (every value missing) and is named in ``SourceFrame.problems`` with its reason and
raw text, and ``clean`` quarantines it (``READ_REASONS``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Canonical raw field names: what ``clean`` reads, whatever the published column is called.
RAW_FIELDS: dict[str, str] = {
    "row_id": "layer row id (RowID)",
    "cc_number": "BPD central complaint number, shared by the victims of one incident",
    "occurred": "date and time in one value (CrimeDateTime: text with offset, or epoch ms)",
    "date": "date alone (may carry a meaningless T00:00:00)",
    "time": "time of day alone",
    "meridiem": "a.m. / p.m. written in its own column",
    "crime_code": "BPD/UCR or NIBRS code",
    "description": "offense description",
    "shooting": "Y/N flag for a shooting",
    "inside_outside": "I / O / Inside / Outside",
    "weapon": "weapon",
    "post": "police post",
    "district": "district (one district column)",
    "old_district": "pre-2023 district when both are given",
    "new_district": "2023 district when both are given",
    "neighborhood": "neighborhood",
    "location": "block address",
    "latitude": "latitude",
    "longitude": "longitude",
    "geolocation": "'(lat,lon)' text",
    "point": "GeoJSON-like point object written as JSON text",
    "premise": "premise",
    "gender": "victim gender",
    "age": "victim age",
    "race": "victim race",
    "ethnicity": "victim ethnicity",
}


@dataclass(frozen=True)
class Layout:
    """One published layout: the columns that identify it and where each column goes."""

    name: str
    about: str
    required: tuple[str, ...]
    #: published column -> canonical raw field (several published spellings may share one).
    columns: Mapping[str, str]


_ARCGIS_VICTIM_COLUMNS: dict[str, str] = {
    "RowID": "row_id",
    "CCNumber": "cc_number",
    "CrimeDateTime": "occurred",
    "CrimeCode": "crime_code",
    "Description": "description",
    "Inside_Outside": "inside_outside",
    "Weapon": "weapon",
    "Shooting": "shooting",
    "Post": "post",
    "Gender": "gender",
    "Age": "age",
    "Race": "race",
    "Ethnicity": "ethnicity",
    "Location": "location",
    "Old_District": "old_district",
    "New_District": "new_district",
    "District": "district",
    "Neighborhood": "neighborhood",
    "Latitude": "latitude",
    "Longitude": "longitude",
    "GeoLocation": "geolocation",
    "PremiseType": "premise",
    "Premise": "premise",
    # NOTE: only in f=geojson files: the feature geometry, kept as JSON text.
    "geometry": "point",
}

_ARCGIS_VICTIM_REQUIRED = ("CrimeDateTime", "CrimeCode", "Description", "New_District")

LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            name="socrata_legacy",
            about="BPD Part 1 Victim Based Crime Data, Socrata CSV (2012-2022)",
            required=("CrimeDate", "CrimeCode", "Description", "District"),
            columns={
                "CrimeDate": "date",
                "CrimeTime": "time",
                "CrimeCode": "crime_code",
                "Location": "location",
                "Description": "description",
                "Inside/Outside": "inside_outside",
                "Inside_Outside": "inside_outside",
                "Weapon": "weapon",
                "Post": "post",
                "District": "district",
                "Neighborhood": "neighborhood",
                "Longitude": "longitude",
                "Latitude": "latitude",
                "Location 1": "geolocation",
                "Premise": "premise",
            },
        ),
        Layout(
            name="socrata_rows",
            about="Socrata 'rows' export with lower camel keys (sid, crimeDate, ...)",
            required=("crimeDate", "crimeCode", "district"),
            columns={
                "crimeDate": "date",
                "crimeTime": "time",
                "crimeCode": "crime_code",
                "location": "location",
                # NOTE: in the known copies the labels are shifted by one: `description`
                # holds Inside/Outside (I, O, Inside, Outside) and there is no description
                # text at all; the crime code still gives the offense.
                "description": "inside_outside",
                "weapon": "weapon",
                "post": "post",
                "district": "district",
                "neighborhood": "neighborhood",
                "lat": "latitude",
                "lon": "longitude",
                "latitude": "latitude",
                "longitude": "longitude",
            },
        ),
        Layout(
            name="socrata_api",
            about="Socrata API records with lower-case keys (crimedate, crimecode, ...)",
            required=("crimedate", "crimecode", "description", "district"),
            columns={
                "crimedate": "date",
                "crimetime": "time",
                "crimecode": "crime_code",
                "location": "location",
                "description": "description",
                "inside_outside": "inside_outside",
                "weapon": "weapon",
                "post": "post",
                "district": "district",
                "neighborhood": "neighborhood",
                "longitude": "longitude",
                "latitude": "latitude",
                "location_1": "point",
                "premise": "premise",
            },
        ),
        Layout(
            name="arcgis_part1_crime",
            about="Open Baltimore Part1_Crime (2021 on; X/Y optional)",
            required=("CrimeDateTime", "CrimeCode", "Description", "District"),
            columns={k: v for k, v in _ARCGIS_VICTIM_COLUMNS.items() if k != "CCNumber"},
        ),
        Layout(
            name="arcgis_part1_crime_beta",
            about="Open Baltimore Part1_Crime_Beta (CCNumber, Old_/New_District, victims)",
            required=_ARCGIS_VICTIM_REQUIRED,
            columns=_ARCGIS_VICTIM_COLUMNS,
        ),
        Layout(
            name="arcgis_nibrs_group_a",
            about="Open Baltimore NIBRS_GroupA_Crime_Data (NIBRS codes 09A, 13A, 23F, ...)",
            required=_ARCGIS_VICTIM_REQUIRED,
            columns=_ARCGIS_VICTIM_COLUMNS,
        ),
        Layout(
            name="baltimore_sun",
            about="Baltimore Sun extract (crime_date, zt + zap, new_district, ...)",
            required=("crime_date", "description", "new_district", "zt"),
            columns={
                "crime_date": "date",
                "zt": "time",
                "zap": "meridiem",
                "description": "description",
                "inside_outside": "inside_outside",
                "weapon": "weapon",
                "gender": "gender",
                "age": "age",
                "race": "race",
                "ethnicity": "ethnicity",
                "location": "location",
                "new_district": "new_district",
                "neighborhood": "neighborhood",
                "latitude": "latitude",
                "longitude": "longitude",
                "premise_type": "premise",
            },
        ),
    )
}

# --------------------------------------------------------------------------------------
# Datasets and clocks
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """One published dataset: its layouts are downloads of it at different times.

    The store keeps, for every date, the rows of the newest snapshot of a dataset (its
    ``published_from`` bounds the dates a snapshot can cover: an older row is a late report
    of an old crime, kept but outside the dataset's plausible range).
    """

    name: str
    about: str
    layouts: tuple[str, ...]
    published_from: str
    #: the store table its rows go to: ``INCIDENTS`` (crime, one row per victim) or
    #: ``ARRESTS`` (one row per charge of an arrest; layouts in ``arrests.layouts``).
    table: str = "incidents"


#: The store's tables (a dataset's ``table``).
INCIDENTS, ARRESTS = "incidents", "arrests"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        # NOTE: aggregates/baltimore_crime_daily_totals.csv (daily totals of this dataset)
        # holds all 365 days of 2011 at ~139 rows a day: the dataset starts in 2011.
        Dataset(
            "legacy_victim_based",
            "BPD Part 1 Victim Based Crime Data (Socrata wsfq-mvij / 4ih5-d5d5, retired)",
            ("socrata_legacy", "socrata_rows", "socrata_api"),
            "2011-01-01",
        ),
        # NOTE: the USF copy of the whole layer (340,300 rows, circa July 2021) is 2014 on
        # except ~100 rows dated 1963-2013 (SOURCES.md section 1).
        Dataset(
            "part1_crime",
            "Open Baltimore Part1_Crime_data (egis Part1_Crime layer, 2021-2022 exports)",
            ("arcgis_part1_crime",),
            "2014-01-01",
        ),
        # NOTE: the layer's own description could not be read from here; 2012 is the year
        # BPD's published Part 1 victim data start (the project brief); rows before it
        # are kept and reported as outside the plausible range.
        Dataset(
            "part1_crime_beta",
            "Open Baltimore Part1_Crime_Beta (ArcGIS layer, CCNumber and victims)",
            ("arcgis_part1_crime_beta",),
            "2012-01-01",
        ),
        # NOTE: Open Baltimore describes this layer as "crime data starting 1/1/2022".
        Dataset(
            "nibrs_group_a",
            "Open Baltimore NIBRS_GroupA_Crime_Data (ArcGIS layer, 2022 on)",
            ("arcgis_nibrs_group_a",),
            "2022-01-01",
        ),
        # NOTE: the Sun's weekly job read the NIBRS_GroupA_Crime_Data layer (SOURCES.md
        # section 3), so its extracts start where that layer does.
        Dataset(
            "baltimore_sun",
            "Baltimore Sun weekly extracts of BPD Part 1 victim rows (Baltimore-Sun/crime)",
            ("baltimore_sun",),
            "2022-01-01",
        ),
        # NOTE: the Socrata "BPD Arrests" dataset (3i3v-ibrt / icjs-e3jg, retired); the
        # sample (BPD_Arrests.csv) holds 2017-01-01 to 2018-02-17. Its first published date
        # could not be read from here: 2010 is where the ArcGIS layer that replaced it
        # starts (below), so no real row is counted as a late report.
        Dataset(
            "arrests_legacy",
            "BPD Arrests, legacy Open Baltimore CSV (Socrata 3i3v-ibrt, retired)",
            ("arrests_legacy",),
            "2010-01-01",
            ARRESTS,
        ),
        # NOTE: egis GeoSpatialized_Tables/Arrest, "updated weekly, rolling from
        # 2010-present" (public code reading the live feed); the USF sample of it holds
        # 2014-10-16 to 2020-12-31.
        Dataset(
            "arrests_arcgis",
            "Open Baltimore BPD Arrests (ArcGIS layer GeoSpatialized_Tables/Arrest)",
            ("arrests_arcgis",),
            "2010-01-01",
            ARRESTS,
        ),
    )
}

#: The dataset of every crime layout (``LAYOUTS``); ``ARREST_DATASET_OF_LAYOUT`` for arrests.
DATASET_OF_LAYOUT: dict[str, str] = {
    lay: d.name for d in DATASETS.values() if d.table == INCIDENTS for lay in d.layouts
}
#: The dataset of every arrest layout (``arrests.ARREST_LAYOUTS``).
ARREST_DATASET_OF_LAYOUT: dict[str, str] = {
    lay: d.name for d in DATASETS.values() if d.table == ARRESTS for lay in d.layouts
}

#: A layout's clock: "utc" (instants in UTC, with or without a marker) or "wall"
#: (Baltimore wall-clock time, whatever offset is written next to it).
UTC, WALL = "utc", "wall"

#: How each layout's date-times read. One line per layout, its evidence in the NOTE; a
#: test per line checks a real row whose local time is known from an independent source.
CLOCKS: dict[str, str] = {
    # NOTE: CrimeDate + CrimeTime, no zone. The double homicide at 1800 N CHESTER ST is
    # 23:04 on 04/10/2019 here and 22:41 in the Sun's homicide database (local time); read
    # as UTC it would be 7:04 p.m.
    "socrata_legacy": WALL,
    # NOTE: Socrata "rows" export of the same dataset, same clock as the CSV.
    "socrata_rows": WALL,
    # NOTE: Socrata API records of the same dataset (crimedate + crimetime).
    "socrata_api": WALL,
    # NOTE: "2019/04/10 23:04:00+00" is Baltimore wall time mislabelled +00: matched by
    # date and block to the Sun's homicide database (local time), 855 of 1,008 homicides
    # agree to the hour (338 to the minute); read as UTC, 3 of 832 would. Read as UTC, 18%
    # of rows would also move to the previous day.
    "arcgis_part1_crime": WALL,
    # NOTE: ArcGIS date fields are epoch milliseconds in UTC; Open Baltimore says its
    # downloads of these layers are in UTC ("dates and times displayed are in local
    # Eastern Time, but data currently downloads in UTC per platform settings").
    "arcgis_part1_crime_beta": UTC,
    "arcgis_nibrs_group_a": UTC,
    # NOTE: the Sun formats the layer's epoch milliseconds in UTC with no marker: the
    # shooting reported at 11:33 p.m. on Sep 1 2025 at N Howard St & W Fayette St is the
    # 9/2/2025 3:30 a.m. rows at 3 N HOWARD ST, and the file's midnight/noon spikes sit at
    # 4 a.m./4 p.m. in summer and 5 a.m./5 p.m. in winter.
    "baltimore_sun": UTC,
}

# NOTE: Part1_Crime_Beta and NIBRS_GroupA_Crime_Data publish the same field names. The
# source name (file name or layer URL) settles it when it says NIBRS; otherwise the codes
# do: NIBRS Group A codes are two digits and a letter (09A, 13A) or three digits (120).
_NIBRS_CODE = re.compile(r"^\d{2}[A-Z]$|^\d{3}$")


#: Why a row could not be read as a row at all (``SourceFrame.problems``); ``clean``
#: quarantines it under this reason, its raw text kept.
READ_REASONS: dict[str, str] = {
    "wrong_field_count": "a CSV record with more or fewer fields than the header",
    "undecodable_bytes": "bytes that are not text in the file's encoding",
    "nul_bytes": "NUL bytes (a zero-filled or binary block), never text",
}


class UnknownLayoutError(ValueError):
    """The header matches no known layout; the message names what was expected and found."""


class EmptySourceError(ValueError):
    """The file or record list holds no rows (or nothing at all)."""


@dataclass
class SourceFrame:
    """The rows of one published file or layer, as read: text values, original columns.

    The optional fields are what a fetch knows about its snapshot (the dates its query
    covered, when it ran) and where the raw rows are on disk; a file left without them
    covers its own first to last date.
    """

    source: str
    layout: str
    raw: pd.DataFrame
    window: tuple[date | None, date] | None = None
    as_of: str | None = None
    origin: Path | None = None
    #: row position -> (reason from ``READ_REASONS``, raw text): rows read but not
    #: readable as rows; their values in ``raw`` are all missing.
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)


def normalize_header(name: object) -> str:
    """A column name without a UTF-8 byte-order mark or surrounding spaces.

    NOTE: Open Baltimore CSV downloads start with a BOM, so the first column reads
    ``\\ufeffX`` unless it is removed.
    """
    return str(name).replace("\ufeff", "").strip()


def detect_layout(
    columns: Iterable[str], source: str = "", codes: Iterable[object] | None = None
) -> Layout:
    """The layout whose identifying columns are all present (the most specific one wins).

    Raises UnknownLayoutError naming, per known layout, the columns it needs, and the
    columns found.
    """
    found = [normalize_header(c) for c in columns]
    present = set(found)
    matches = [lay for lay in LAYOUTS.values() if set(lay.required) <= present]
    if not matches:
        expected = "; ".join(f"{lay.name}: {', '.join(lay.required)}" for lay in LAYOUTS.values())
        header = ", ".join(found) or "(none)"
        raise UnknownLayoutError(
            f"{printable(source or 'source', 120)}: no known layout matches its columns; "
            f"found: {printable(header, MAX_HEADER_SHOWN)}; expected one of: {expected}"
        )
    best = max(len(lay.required) for lay in matches)
    matches = [lay for lay in matches if len(lay.required) == best]
    if len(matches) == 1:
        return matches[0]
    names = {lay.name for lay in matches}
    if names == {"arcgis_part1_crime_beta", "arcgis_nibrs_group_a"}:
        return LAYOUTS[_beta_or_nibrs(source, codes)]
    return matches[0]  # pragma: no cover - the table has no other ties


#: How much of an unknown header an error message shows.
MAX_HEADER_SHOWN = 200


def printable(text: str, limit: int) -> str:
    """``text`` on one line, cut to about ``limit`` characters, every non-printable
    character (newline, escape sequence, NUL, an undecodable byte) written as an escape.

    NOTE: the header of a binary file read as CSV ran to 132 kB in the error message and
    passed terminal escape sequences through.
    """
    cut = text[:limit]
    shown = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode()
        for ch in cut
    )
    return shown + (f"... ({len(text):,} characters)" if len(text) > limit else "")


def _beta_or_nibrs(source: str, codes: Iterable[object] | None) -> str:
    if "nibrs" in source.lower():
        return "arcgis_nibrs_group_a"
    values = [c.strip().upper() for c in (codes or []) if isinstance(c, str) and c.strip()]
    nibrs = sum(1 for c in values if _NIBRS_CODE.match(c))
    if values and nibrs * 2 > len(values):
        return "arcgis_nibrs_group_a"
    return "arcgis_part1_crime_beta"


def canonical_view(frame: SourceFrame) -> pd.DataFrame:
    """The raw rows under canonical raw field names (``RAW_FIELDS``), one column each.

    Fields the layout does not publish are absent. When two published spellings map to
    one field, the first non-missing value wins.
    """
    layout = LAYOUTS[frame.layout]
    raw = frame.raw.rename(columns=normalize_header)
    out: dict[str, pd.Series] = {}
    for published, name in layout.columns.items():
        if published not in raw.columns:
            continue
        column = raw[published]
        out[name] = column if name not in out else out[name].fillna(column)
    return pd.DataFrame(out, index=raw.index)


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_source(path: str | PathLike[str], name: str | None = None) -> SourceFrame:
    """Read a CSV, JSON array, ArcGIS f=json or GeoJSON file (gzipped or not) and recognise
    its layout. ``name`` is the source name to record (default: the file name)."""
    path = Path(path)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    source = name or path.name
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise EmptySourceError(f"{path}: the file is empty")
    if head[:1] in (b"[", b"{"):
        raw, problems = _frame_from_json(data, source)
        frame = _source_frame(raw, source, problems, values_may_hold_nul=True)
    else:
        # NOTE: a CSV's NUL bytes are found in its bytes (``_frame_from_csv``)
        raw, problems = _frame_from_csv(data, path, source)
        frame = _source_frame(raw, source, problems)
    frame.origin = path
    return frame


def read_csv_rows(
    path: str | PathLike[str], check_header: Callable[[list[str]], object]
) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """The rows of a CSV file (gzipped or not) under their normalised column names, and the
    rows that are not rows (reason, raw text), for a dataset other than crime.

    The same reading as ``read_source`` (one encoding per file, per-row set-aside) without
    recognising a crime layout: ``check_header`` gets the header and raises when it is not
    one of the caller's layouts. Raises EmptySourceError for an empty file.
    """
    path = Path(path)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise EmptySourceError(f"{path}: the file is empty")
    raw, problems = _frame_from_csv(data, path, path.name, check_header)
    return raw.rename(columns=normalize_header), problems


def read_rows(
    path: str | PathLike[str], check_header: Callable[[list[str]], object]
) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """``read_csv_rows`` for a CSV, and the same for a JSON file (an array of records, an
    ArcGIS ``f=json`` page or a GeoJSON collection: a fetched layer's raw copy), gzipped
    or not, for a dataset other than crime."""
    path = Path(path)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] not in (b"[", b"{"):
        return read_csv_rows(path, check_header)
    raw, problems = _frame_from_json(data, path.name)
    return _checked_rows(raw, problems, check_header)


def record_rows(
    records: list[dict], source: str, check_header: Callable[[list[str]], object]
) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """Rows handed over as dicts (ArcGIS ``features[].attributes``) for a dataset other than
    crime: text values under normalised column names, rows with NUL bytes set aside."""
    rows = [
        r["attributes"] if isinstance(r, dict) and isinstance(r.get("attributes"), dict) else r
        for r in records
    ]
    if not rows:
        raise EmptySourceError(f"{source}: no records")
    return _checked_rows(_frame_from_records(rows), {}, check_header)


def _checked_rows(
    raw: pd.DataFrame,
    problems: dict[int, tuple[str, str]],
    check_header: Callable[[list[str]], object],
) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    raw = raw.rename(columns=normalize_header).reset_index(drop=True)
    check_header(list(raw.columns))
    problems = {**problems, **_nul_rows(raw)}
    if problems:
        raw.loc[sorted(problems)] = None
    return raw, problems


def read_records(records: list[dict], source: str) -> SourceFrame:
    """Rows handed over as dicts (ArcGIS ``features[].attributes``, epoch-ms dates)."""
    rows = [
        r["attributes"] if isinstance(r, dict) and isinstance(r.get("attributes"), dict) else r
        for r in records
    ]
    if not rows:
        raise EmptySourceError(f"{source}: no records")
    return _source_frame(_frame_from_records(rows), source, values_may_hold_nul=True)


def _source_frame(
    raw: pd.DataFrame,
    source: str,
    problems: dict[int, tuple[str, str]] | None = None,
    *,
    values_may_hold_nul: bool = False,
) -> SourceFrame:
    raw = raw.rename(columns=normalize_header)
    if len(raw.columns) == 0:
        raise EmptySourceError(f"{source}: no columns")
    codes = raw["CrimeCode"].dropna().head(1000).tolist() if "CrimeCode" in raw else None
    layout = detect_layout(raw.columns, source=source, codes=codes)
    if len(raw) == 0:
        raise EmptySourceError(
            f"{source}: a {layout.name} header but no data rows ({', '.join(raw.columns)})"
        )
    raw = raw.reset_index(drop=True)
    problems = {**(problems or {}), **(_nul_rows(raw) if values_may_hold_nul else {})}
    if problems:
        # A row that is not a row keeps its place but no value (no RowID to repeat, no
        # date to cover): clean quarantines it by its reason.
        raw.loc[sorted(problems)] = None
    return SourceFrame(source=source, layout=layout.name, raw=raw, problems=problems)


def _nul_rows(raw: pd.DataFrame) -> dict[int, tuple[str, str]]:
    """Rows with a NUL character in a value (JSON ``\\u0000``), column by column in Arrow.

    NOTE: NUL is never text in these files: it comes from a zero-filled or binary block,
    so the row is quarantined (``nul_bytes``) rather than stored raw or silently stripped
    (stripping would store a value whose other characters may be lost too).
    """
    hit = np.zeros(len(raw), dtype=bool)
    for name in raw.columns:
        column = raw[name]
        if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
            continue
        try:
            array = pa.array(column, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            continue
        hit |= pc.fill_null(pc.match_substring(array, "\x00"), False).to_numpy(zero_copy_only=False)
    return {
        int(i): ("nul_bytes", json.dumps(_row_text(raw.iloc[i]), ensure_ascii=True))
        for i in np.flatnonzero(hit)
    }


def _row_text(row: pd.Series) -> dict[str, str | None]:
    return {str(k): (v if isinstance(v, str) else None) for k, v in row.items()}


# A valid multi-byte UTF-8 sequence (two to four bytes).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# What ``surrogateescape`` makes of a byte the encoding cannot decode.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def file_encoding(data: bytes) -> str:
    """``utf-8`` or ``cp1252``: one encoding for the whole file, decided once.

    The rule: a file is UTF-8 when it decodes as UTF-8, starts with a UTF-8 byte-order
    mark, or holds at least one valid multi-byte UTF-8 sequence; it is Windows-1252 only
    when none of its non-ASCII bytes reads as UTF-8 (NOTE: a few city exports are
    Windows-1252; Windows-1252 text that happens to form a valid UTF-8 sequence, such as
    ``Ã©``, is vanishingly rare in these files, while one stray byte in a UTF-8 file is
    not). A row with bytes its file's encoding cannot decode (invalid UTF-8 in a UTF-8
    file, 0x81, 0x8D, 0x8F, 0x90 or 0x9D in a Windows-1252 one) is quarantined
    (``undecodable_bytes``): guessing another encoding for one row could store garbled
    text silently, and one bad row never re-decodes the rest of the file.
    """
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if data.startswith(b"\xef\xbb\xbf") or _UTF8_SEQUENCE.search(data):
        return "utf-8"
    return "cp1252"


def _decode(data: bytes) -> tuple[str, str]:
    """(the text, its encoding): bytes it cannot decode kept as ``surrogateescape``
    characters (U+DC80-U+DCFF), so the rows holding them can be set aside."""
    encoding = file_encoding(data)
    text = data.decode(encoding, errors="surrogateescape")
    return (text[1:] if text.startswith("\ufeff") else text), encoding


def _shown(text: str, encoding: str) -> str:
    """Raw text with its undecodable bytes written as ``\\x81`` (printable, exact)."""
    if not _ESCAPED_BYTE.search(text):
        return text
    return text.encode(encoding, "surrogateescape").decode(encoding, "backslashreplace")


_CSV_OPTIONS: dict[str, Any] = dict(dtype=str, keep_default_na=False, na_values=[""])


def _frame_from_csv(
    data: bytes,
    path: Path,
    source: str,
    check_header: Callable[[list[str]], object] | None = None,
) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """The rows of a CSV file and the rows that are not rows (``SourceFrame.problems``).

    The Arrow reader (about four times faster on the 650k-row downloads) reads a file
    whose every record has the header's field count in valid UTF-8; anything else (odd
    quoting, a bad row, NUL bytes) is read by ``_careful_csv``.
    """
    if b"\x00" not in data:
        try:
            frame = pd.read_csv(
                io.BytesIO(data), encoding="utf-8-sig", engine="pyarrow", **_CSV_OPTIONS
            )
            return frame, {}
        except Exception:  # any trouble: the careful reader finds the rows and says why
            pass
    return _careful_csv(data, path, source, check_header)


def _careful_csv(
    data: bytes,
    path: Path,
    source: str,
    check_header: Callable[[list[str]], object] | None = None,
) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """Read a CSV record by record with the csv module, set aside the records that are
    not rows of the header, and let pandas' C reader read the rest.

    A record is set aside, its raw text kept, when it holds a NUL (``nul_bytes``), bytes
    the file's encoding cannot decode (``undecodable_bytes``, see ``file_encoding``) or
    another field count than the header (``wrong_field_count``: one extra field would
    fail the whole file, and a short row would be padded with missing values and stored
    as if whole). Blank lines are not rows, as for pandas. Per-row Python work happens
    only here, for files the Arrow reader refused.
    """
    text, encoding = _decode(data)
    lines = list(io.StringIO(text, newline=""))
    suspect = "\x00" in text or bool(_ESCAPED_BYTE.search(text))
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a binary file's "field" is long
    try:
        reader = csv.reader(lines)
        header = next(reader, None)
        if not header:
            raise EmptySourceError(f"{path}: no header and no rows")
        # an unknown header stops here, not later (another dataset brings its own check)
        if check_header is None:
            detect_layout(header, source=source)
        else:
            check_header(header)
        width = len(header)
        kept = lines[: reader.line_num]
        problems: dict[int, tuple[str, str]] = {}
        rows = 0
        start = reader.line_num
        for record in reader:
            end = reader.line_num
            if record:
                reason = None
                if suspect or len(record) != width:
                    raw = "".join(lines[start:end])
                    if "\x00" in raw:
                        reason = "nul_bytes"
                    elif _ESCAPED_BYTE.search(raw):
                        reason = "undecodable_bytes"
                    elif len(record) != width:
                        reason = "wrong_field_count"
                if reason is None:
                    kept.extend(lines[start:end])
                else:
                    problems[rows] = (reason, _shown(raw.rstrip("\r\n"), encoding))
                rows += 1
            start = end
    except csv.Error as exc:
        raise ValueError(f"{path}: not a readable CSV file ({exc})") from exc
    finally:
        csv.field_size_limit(limit)
    good = pd.read_csv(io.StringIO("".join(kept)), **_CSV_OPTIONS)
    if len(good) != rows - len(problems):
        raise ValueError(
            f"{path}: {rows} records found but {len(good) + len(problems)} rows read; "
            "nothing was written"
        )
    good.index = [i for i in range(rows) if i not in problems]
    return good.reindex(range(rows)), problems


def _frame_from_json(data: bytes, source: str) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    text, encoding = _decode(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON ({exc})") from exc
    if isinstance(doc, list):
        rows = doc
    elif isinstance(doc, dict) and "error" in doc:
        raise ValueError(f"{source}: an ArcGIS error response, not data: {doc['error']}")
    elif isinstance(doc, dict) and isinstance(doc.get("features"), list):
        rows = [_feature_row(f) for f in doc["features"]]
    else:
        keys = ", ".join(doc) if isinstance(doc, dict) else type(doc).__name__
        raise UnknownLayoutError(
            f"{source}: JSON is neither an array of records nor a feature collection "
            f"(top level: {keys})"
        )
    if not rows:
        raise EmptySourceError(f"{source}: no records")
    if not all(isinstance(r, dict) for r in rows):
        raise UnknownLayoutError(f"{source}: JSON array items are not objects")
    problems: dict[int, tuple[str, str]] = {}
    if _ESCAPED_BYTE.search(text):
        # bytes the file's encoding cannot decode: those records are set aside
        for i, row in enumerate(rows):
            written = json.dumps(row, ensure_ascii=False)
            if _ESCAPED_BYTE.search(written):
                problems[i] = ("undecodable_bytes", _shown(written, encoding))
                rows[i] = {}
    return _frame_from_records(rows), problems


def _feature_row(feature: Any) -> dict:
    """f=json features carry ``attributes``; GeoJSON features ``properties`` + geometry."""
    if not isinstance(feature, dict):
        return {}
    if isinstance(feature.get("attributes"), dict):
        return feature["attributes"]
    row = dict(feature.get("properties") or {})
    if isinstance(feature.get("geometry"), dict):
        row["geometry"] = feature["geometry"]
    return row


def _frame_from_records(rows: list[dict]) -> pd.DataFrame:
    """Records (dicts, keys as columns) as a frame of text, one Arrow column at a time.

    NOTE: Socrata leaves a null key out of its record, so the columns are the keys of
    every record (first record's order, then the rest by name), not the first record's.
    """
    first = list(rows[0]) if isinstance(rows[0], dict) else []
    extra = set().union(*(r.keys() for r in rows if isinstance(r, dict))) - set(first)
    names = [*first, *sorted(extra, key=str)]
    columns = []
    for name in names:
        values = [r.get(name) if isinstance(r, dict) else None for r in rows]
        try:
            columns.append(_arrow_as_text(pa.chunked_array([pa.array(values)])))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            # mixed types under one key (35 and "41"): value by value
            columns.append(pa.chunked_array([pa.array([_text(v) for v in values], pa.string())]))
    table = pa.table(columns, names=[normalize_header(n) for n in names])
    return table.to_pandas()


def _arrow_as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """One column of JSON values as text, missing kept missing.

    NOTE: JSON numbers arrive as int or float (a key with a null becomes float), so RowID
    131 would read ``131.0`` and epoch ms ``1.64359247e+12``: whole floats are written as
    integers. Nested objects (Socrata ``location_1``, GeoJSON geometry) become JSON text.
    """
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column
    if pa.types.is_null(kind):
        return column.cast(pa.string())
    if pa.types.is_floating(kind):
        finite = pc.drop_null(column)
        whole = len(finite) > 0 and pc.all(pc.equal(finite, pc.floor(finite))).as_py()
        if whole and pc.max(pc.abs(finite)).as_py() < 2**53:
            return column.cast(pa.int64()).cast(pa.string())
        return column.cast(pa.string())
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        return column.cast(pa.string())
    return pa.chunked_array([pa.array([_text(v) for v in column.to_pylist()], pa.string())])


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)
