"""Offenses: published descriptions and codes classified to the canonical offenses."""

from __future__ import annotations

import pandas as pd

from bmoredash import schema
from bmoredash.clean.text import _categorical, as_text, collapse_spaces

_YES = frozenset({"Y", "YES", "TRUE", "1"})

_ASSAULTS = frozenset({"AGG. ASSAULT", "COMMON ASSAULT"})


def classify_offenses(
    code: pd.Series, description: pd.Series, shooting: pd.Series | None = None
) -> pd.DataFrame:
    """crime_code, description, offense, offense_detail, offense_group per row.

    The offense is missing when neither code nor description maps. ``schema.
    classify_offense`` runs once per distinct (code, description, shooting) triple.

    NOTE: Part1_Crime_Beta and NIBRS rows flag a non-fatal shooting with ``Shooting = Y``
    on an assault row; such rows get the description ``SHOOTING`` and so the offense
    SHOOTING. The flag never changes a homicide or robbery.
    """
    flag = pd.Series(False, index=code.index)
    if shooting is not None:
        flag = as_text(shooting).str.upper().isin(_YES).fillna(False).astype(bool)
    keys = pd.DataFrame(
        {
            "code": as_text(code).str.upper(),
            "description": collapse_spaces(description).set_axis(code.index),
            "shooting": flag.to_numpy(),
        },
        index=code.index,
    )
    groups = keys.groupby(list(keys.columns), dropna=False, sort=False)
    codes = groups.ngroup().to_numpy()
    # ngroup(sort=False) numbers the groups in order of first appearance, which is the
    # order drop_duplicates lists them in.
    results = []
    for row_code, row_desc, row_shot in keys.drop_duplicates().itertuples(index=False):
        row_code = None if pd.isna(row_code) else row_code
        row_desc = None if pd.isna(row_desc) else row_desc
        found = schema.classify_offense(row_code, row_desc)
        if row_shot and found is not None and found[0] in _ASSAULTS:
            row_desc = "SHOOTING"
            found = schema.classify_offense(row_code, row_desc)
        offense, detail = found if found is not None else (None, None)
        results.append((row_code, row_desc, offense, detail, schema.OFFENSES.get(offense)))
    columns = list(zip(*results, strict=True)) if results else [()] * 5
    return pd.DataFrame(
        {
            "crime_code": _categorical(codes, columns[0]),
            "description": _categorical(codes, columns[1]),
            "offense": _categorical(codes, columns[2], list(schema.OFFENSES)),
            "offense_detail": _categorical(codes, columns[3]),
            "offense_group": _categorical(codes, columns[4], list(schema.OFFENSE_GROUPS)),
        },
        index=code.index,
    )


def unmapped_label(code: object, description: object) -> str:
    """How an unmapped row is named in the quality report: its description, else its code."""
    if isinstance(description, str) and description:
        return description
    return f"code {code}" if isinstance(code, str) and code else "(no code, no description)"
