"""Charge code -> charge group (violent, weapons, drugs, property, warrants, other).

The table is data: ``bmoredash/reference/data/charge_groups.csv``, one row per base charge
code with its group, the commonest description the code carries in the real samples and a
short reason. It is read once.

How the groups were decided (the samples in ``../shared/data/baltimore/arrests/``):

- Group by CODE, never by description. NOTE: one code carries up to 260 spellings of its
  description (``1 1415``: ``ASSAULT-SEC DEGREE``, ``2ND DEG ASSAULT``, ``COMMON ASSAULT``,
  ...), and handgun codes are mostly written only ``HGV``.
- The codes are Maryland court (CJIS) charge codes: a digit, a modifier, four digits
  (``1 1415``). They do not spell the statute section, so each code's group comes from what
  its rows say in both samples (the commonest descriptions per code were listed and read).
- NOTE: the modifier position holds a space or a letter: ``A`` (descriptions start
  ``ATT-``: attempt), ``C`` (``CON-``: conspiracy), ``S`` (``SOL-``: solicitation), ``F``
  (descriptions show the plain offense). An attempt or conspiracy is grouped with its
  offense, so the table lists base codes (``1A1415`` -> ``1 1415``).
- NOTE: four codes are six digits with no modifier (``690000`` failure to appear,
  ``999999`` violation of probation, ``210000`` failure to pay wages, ``121313`` robbery);
  they are listed as they are.
- Groups: violent = force or threat against a person (homicide, assault, robbery,
  carjacking, sex offenses, kidnapping, child abuse); weapons = handgun, firearm and
  dangerous-weapon charges; drugs = CDS (controlled dangerous substance) charges and
  prescription fraud; property = theft, burglary, auto theft, fraud, forgery, damage and
  arson (arson is a property crime in UCR Part 1); warrants = court process (failure to
  appear, violation of probation or of release conditions, contempt, escape); other = the
  rest (public order, trespass, protective and peace orders, sex-offender registry, false
  statements, prostitution, gambling).
- NOTE: a few codes carry contradictory descriptions between the two samples (``3 5250``:
  ``1ST DEGREE MURDER`` and ``HGV``); they keep the group of the commoner description and
  their reason says so.

A code the table does not know is grouped ``other`` and reported by ``unmapped_codes``;
a blank charge is no code at all (counted apart, grouped ``other``).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable
from importlib import resources

import pandas as pd

VIOLENT = "violent"
WEAPONS = "weapons"
DRUGS = "drugs"
PROPERTY = "property"
WARRANTS = "warrants"
OTHER = "other"
#: The charge groups, in the order a reader sees them.
CHARGE_GROUPS: tuple[str, ...] = (VIOLENT, WEAPONS, DRUGS, PROPERTY, WARRANTS, OTHER)

#: Where the table is kept, inside the package.
CHARGE_GROUPS_FILE = "reference/data/charge_groups.csv"

# A charge code: a digit, a modifier (space or letter), four digits.
_CODE = re.compile(r"^(\d)[ A-Z](\d{4})$")


@functools.cache
def charge_table() -> pd.DataFrame:
    """The shipped table (code, group, description, reason), read once.

    Raises ValueError when a row names a group outside ``CHARGE_GROUPS`` or a code twice:
    a typo in the data file must not silently move arrests to ``other``.
    """
    text = resources.files("bmoredash").joinpath(CHARGE_GROUPS_FILE).read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    table = pd.DataFrame(rows, columns=["code", "group", "description", "reason"])
    bad = sorted(set(table["group"]) - set(CHARGE_GROUPS))
    if bad:
        raise ValueError(f"{CHARGE_GROUPS_FILE}: unknown charge groups {bad}")
    twice = sorted(table.loc[table["code"].duplicated(), "code"])
    if twice:
        raise ValueError(f"{CHARGE_GROUPS_FILE}: codes listed twice {twice}")
    return table


@functools.cache
def _group_of() -> dict[str, str]:
    table = charge_table()
    return dict(zip(table["code"], table["group"], strict=True))


def base_code(raw: object) -> str | None:
    """The code the table is keyed by: trimmed, upper case, modifier dropped
    (``1A1415`` -> ``1 1415``); None for a blank charge."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    code = raw.strip().upper()
    match = _CODE.match(code)
    return f"{match.group(1)} {match.group(2)}" if match else code


def charge_groups(codes: pd.Series) -> pd.Series:
    """The charge group of each charge code (blank or unknown codes -> ``other``)."""
    bases = codes.map(base_code)
    return bases.map(_group_of()).fillna(OTHER).astype(str)


def unmapped_codes(codes: Iterable[object]) -> dict[str, int]:
    """Charge codes (as published, trimmed) the table does not know, with their row
    counts, commonest first. Blank charges are not codes and are not listed."""
    known = _group_of()
    counts: dict[str, int] = {}
    for raw in codes:
        base = base_code(raw)
        if base is not None and base not in known:
            key = str(raw).strip()
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
