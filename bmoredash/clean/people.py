"""Labels and victims: published labels upper-cased or ``Unknown``, inside/outside, gender
and age."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bmoredash import schema
from bmoredash.clean.text import UNKNOWN, _categorical, _distinct, _map_distinct

INSIDE_OUTSIDE: tuple[str, ...] = ("Inside", "Outside", UNKNOWN)


def _upper_or_unknown(value: str | None) -> str:
    text = " ".join(value.split()).upper() if value else ""
    return UNKNOWN if text in ("", "UNKNOWN") else text


def upper_or_unknown(values: pd.Series) -> pd.Categorical:
    """Upper case, single spaces; missing or any spelling of unknown -> ``Unknown``.

    For weapon and premise (the legacy ``FIREARM`` and the Sun's ``Handgun`` alike).
    """
    codes, mapped = _map_distinct(values, _upper_or_unknown)
    return _categorical(codes, mapped)


def published_or_unknown(values: pd.Series) -> pd.Categorical:
    """As published; missing or any spelling of unknown -> ``Unknown`` (race, ethnicity).

    NOTE: the Sun writes missing as ``NA``, ``None reported``, ``None Reported``,
    ``Unknown``; all four become one ``Unknown``.
    """
    codes, mapped = _map_distinct(
        values, lambda v: UNKNOWN if not v or v.upper() == "UNKNOWN" else " ".join(v.split())
    )
    return _categorical(codes, mapped)


_INSIDE_OUTSIDE = {"I": "Inside", "INSIDE": "Inside", "O": "Outside", "OUTSIDE": "Outside"}


def normalize_inside_outside(values: pd.Series) -> pd.Categorical:
    """``I``/``Inside`` -> Inside, ``O``/``Outside`` -> Outside, anything else Unknown.

    NOTE: the 2021 extract mixes O/I with Outside/Inside in one column.
    """
    codes, mapped = _map_distinct(
        values, lambda v: _INSIDE_OUTSIDE.get(v.upper(), UNKNOWN) if v else UNKNOWN
    )
    return _categorical(codes, mapped, INSIDE_OUTSIDE)


_GENDERS = {"M": "Male", "MALE": "Male", "F": "Female", "FEMALE": "Female"}


def normalize_gender(values: pd.Series) -> pd.Categorical:
    """M/Male -> Male, F/Female -> Female; anything else (U, X, junk) -> Unknown."""
    codes, mapped = _map_distinct(
        values, lambda v: _GENDERS.get(v.upper(), UNKNOWN) if v else UNKNOWN
    )
    return _categorical(codes, mapped, schema.GENDERS)


def clean_age(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(age as Int16, cleared): ages outside 0-110 or not whole numbers become missing.

    ``cleared`` marks a value that was given but impossible (``-3``, ``150``, ``abc``);
    a missing value (or a missing marker such as ``None reported``) is not "cleared".
    """
    codes, uniques = _distinct(values)
    number = pd.to_numeric(uniques, errors="coerce").astype(float)
    valid = number.between(schema.MIN_AGE, schema.MAX_AGE) & (number == np.floor(number))
    given = uniques.notna().to_numpy()
    ages = number.where(valid).to_numpy()
    cleared = given & ~valid.to_numpy()
    return (
        pd.Series(ages[codes], index=values.index).astype("Int16"),
        pd.Series(cleared[codes], index=values.index),
    )
