"""Victims or incidents: what a count counts.

A row is a victim (BPD publishes victim-based data), so counts are victim counts;
``incident_rows`` turns the rows into one per incident where the data has an incident
number, for counts of incidents (the dashboard's and the report's Count switch).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bmoredash.i18n import gettext as _
from bmoredash.schema import OFFENSES

#: What a count counts: victims (rows as BPD publishes them) or incidents.
VICTIMS = "victims"
INCIDENTS = "incidents"
UNITS: tuple[str, ...] = (VICTIMS, INCIDENTS)
#: Each offense's rank for the incident rule: the display order, which is the FBI's
#: hierarchy (homicide, rape, robbery, aggravated assault, burglary, larceny, motor vehicle
#: theft, arson) with a non-fatal shooting next to homicide.
OFFENSE_RANK: dict[str, int] = {name: rank for rank, name in enumerate(OFFENSES)}


def check_unit(unit: str) -> str:
    """``victims`` or ``incidents``, else ValueError naming both."""
    if unit not in UNITS:
        raise ValueError(f"unknown count {unit!r}; valid: {', '.join(UNITS)}")
    return unit


def incident_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per incident (``incident_id``, BPD's CCNumber) among ``frame``'s rows.

    The incident keeps the row of its most serious offense (``OFFENSE_RANK``), then its
    earliest row, so an incident with a homicide victim and a shooting victim is one
    homicide incident, as the hierarchy rule counts it. Rows without an incident number
    cannot be grouped and are left out: ``rows_without_incident`` says how many, and every
    face that counts incidents says so. This is the reference rule; the dashboard's fast
    path (``FilteredView``) is held equal to it.
    """
    keyed = frame[frame["incident_id"].notna().to_numpy()]
    rank = keyed["offense"].astype(str).map(OFFENSE_RANK).to_numpy()
    order = np.lexsort((np.arange(len(keyed)), rank, keyed["incident_id"].astype(str).to_numpy()))
    ids = keyed["incident_id"].astype(str).to_numpy()[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    return keyed.iloc[np.sort(order[first])]


def rows_without_incident(frame: pd.DataFrame) -> int:
    """Rows that have no incident number (left out of incident counts)."""
    return int(frame["incident_id"].isna().sum())


def counted_rows(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The rows a count of ``unit`` counts: every row for victims, ``incident_rows`` for
    incidents."""
    return incident_rows(frame) if check_unit(unit) == INCIDENTS else frame


def unit_note(unit: str, left_out: int = 0) -> str:
    """One sentence that says what the counts count, for every face."""
    if check_unit(unit) == VICTIMS:
        return _(
            "Counts are victims (one row per victim, as BPD publishes them): an incident "
            "with two victims counts twice."
        )
    note = _(
        "Counts are incidents (distinct BPD case numbers): an incident with several victims "
        "counts once, under its most serious offense."
    )
    if left_out:
        note += " " + _("%(count)s victim rows without a case number are not counted.") % {
            "count": f"{left_out:,}"
        }
    return note


def incident_count(incident_ids: pd.Series) -> tuple[int, int]:
    """(incidents, victims whose incident is not known).

    Incidents are distinct CCNumbers. A layout without CCNumber (the legacy Socrata data,
    the Baltimore Sun extract) gives no incident key: those victims are counted apart and
    the incident count is "not available" for them, never "0 incidents".
    """
    known = incident_ids.dropna()
    return int(known.nunique()), int(len(incident_ids) - len(known))
