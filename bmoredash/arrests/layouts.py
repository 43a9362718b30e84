"""The published layouts of Baltimore arrest data, as data, and which one a header is.

Arrests are a dataset of their own (one row per charge of an arrest, not per crime), so
their layouts live here rather than in ``sources.LAYOUTS``: a crime file is never taken for
an arrest file or the other way round. The reading itself (encoding, per-row set-aside of
records that are not rows) is ``sources``'; this module only names the columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bmoredash.sources import Layout, UnknownLayoutError, normalize_header, printable

#: Canonical raw arrest fields: what ``read`` works on, whatever the published column is.
ARREST_FIELDS: dict[str, str] = {
    "row_id": "layer row id (RowID)",
    "arrest_id": "BPD arrest number, shared by the charge rows of one arrest",
    "age": "arrested person's age",
    "sex": "arrested person's sex (M / F)",
    "race": "arrested person's race (one letter)",
    "date": "arrest date alone",
    "time": "arrest time of day alone (HH:MM)",
    "arrest_location": "block address of the arrest",
    "incident_offense": "incident offense: BPD code and text run together",
    "incident_location": "block address of the incident",
    "charge_code": "charge code (digit, modifier, four digits)",
    "charge_description": "charge description (free text)",
    "district": "police district",
    "post": "police post",
    "neighborhood": "neighborhood",
    "latitude": "latitude",
    "longitude": "longitude",
    "geolocation": "'(lat,lon)' text",
}


@dataclass(frozen=True)
class ArrestLayout(Layout):
    """One published arrest layout (``columns`` map to ``ARREST_FIELDS``)."""

    #: True when the date column holds the date only and the time of day was not published.
    date_only: bool = False


ARREST_LAYOUTS: dict[str, ArrestLayout] = {
    layout.name: layout
    for layout in (
        ArrestLayout(
            name="arrests_legacy",
            about="BPD Arrests, legacy Open Baltimore CSV (Socrata era)",
            required=("Arrest", "ArrestDate", "ArrestTime", "Charge", "IncidentOffense"),
            columns={
                "Arrest": "arrest_id",
                "Age": "age",
                "Sex": "sex",
                "Race": "race",
                "ArrestDate": "date",
                "ArrestTime": "time",
                "ArrestLocation": "arrest_location",
                "IncidentOffense": "incident_offense",
                "IncidentLocation": "incident_location",
                "Charge": "charge_code",
                "ChargeDescription": "charge_description",
                "District": "district",
                "Post": "post",
                "Neighborhood": "neighborhood",
                "Longitude": "longitude",
                "Latitude": "latitude",
                "Location 1": "geolocation",
            },
            date_only=False,
        ),
        ArrestLayout(
            name="arrests_arcgis",
            about="BPD Arrests, Open Baltimore ArcGIS layer (field names as published)",
            required=("ArrestNumber", "ArrestDateTime", "Charge", "IncidentOffence"),
            columns={
                "RowID": "row_id",
                "ArrestNumber": "arrest_id",
                "Age": "age",
                # NOTE: the ArcGIS generation calls the legacy Sex column Gender.
                "Gender": "sex",
                "Race": "race",
                # NOTE: ArrestDateTime holds a date only in the shapefile-derived sample
                # (time of day lost; SOURCES.md section 4), so it is read as a date.
                "ArrestDateTime": "date",
                "ArrestLocation": "arrest_location",
                # NOTE: spelled IncidentOffence here, IncidentOffense in the legacy file.
                "IncidentOffence": "incident_offense",
                "IncidentLocation": "incident_location",
                "Charge": "charge_code",
                "ChargeDescription": "charge_description",
                "District": "district",
                "Post": "post",
                "Neighborhood": "neighborhood",
                "Latitude": "latitude",
                "Longitude": "longitude",
                "GeoLocation": "geolocation",
            },
            date_only=True,
        ),
    )
}


def detect_arrest_layout(columns: Iterable[object], source: str = "") -> ArrestLayout:
    """The arrest layout whose identifying columns are all present (the most specific wins).

    Raises ``sources.UnknownLayoutError`` naming what each layout needs and what was found,
    on one line, so a crime file handed to the arrest reader says so plainly.
    """
    found = [normalize_header(c) for c in columns]
    present = set(found)
    matches = [lay for lay in ARREST_LAYOUTS.values() if set(lay.required) <= present]
    if not matches:
        expected = "; ".join(
            f"{lay.name}: {', '.join(lay.required)}" for lay in ARREST_LAYOUTS.values()
        )
        header = ", ".join(found) or "(none)"
        raise UnknownLayoutError(
            f"{printable(source or 'source', 120)}: no known arrest layout matches its "
            f"columns; found: {printable(header, 200)}; expected one of: {expected}"
        )
    return max(matches, key=lambda lay: len(lay.required))
