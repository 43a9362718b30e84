"""Text rules for whole columns: in Arrow, or once per distinct value spread back with the
factorize codes (the files run to 650k rows); the missing-value markers; duplicates are in
``identity``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bmoredash.sources import (
    normalize_header,
)

TEXT = pd.StringDtype("pyarrow")

UNKNOWN = "Unknown"

# NOTE: the same "nothing here" is written NA (Sun, 2019 CSV), None reported / None
# Reported (Sun), null (Socrata rows export) and empty. A bare "None" is left alone: for
# a weapon it can mean no weapon.
MISSING_MARKERS = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE REPORTED"})

_MARKERS = pa.array(sorted(MISSING_MARKERS))

_LONGEST_MARKER = max(len(m) for m in MISSING_MARKERS)


def strip_bom(raw: pd.DataFrame) -> pd.DataFrame:
    """The raw rows with column names free of a UTF-8 byte-order mark and spaces.

    NOTE: Open Baltimore CSV downloads start with a BOM; a frame built without
    ``read_source`` may still carry it in its first column name (``\\ufeffX``).
    """
    return raw.rename(columns=normalize_header)


def as_text(values: pd.Series) -> pd.Series:
    """Values as trimmed text; empty strings and the missing markers become missing."""
    arrow = _arrow_text(values)
    trimmed = pc.utf8_trim_whitespace(arrow)
    short = pc.less_equal(pc.utf8_length(trimmed), _LONGEST_MARKER)
    marker = pc.and_kleene(short, pc.is_in(pc.utf8_upper(trimmed), value_set=_MARKERS))
    kept = pc.if_else(marker, pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(pd.arrays.ArrowStringArray(kept), index=values.index, dtype=TEXT)


def _arrow_text(values: pd.Series) -> pa.Array:
    return pa.array(values.astype(TEXT).array)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values through ``as_text``): rules run on these, not on every row.

    Codes are never -1 (missing is one of the distinct values).
    """
    codes, uniques = pd.factorize(values.astype(TEXT), use_na_sentinel=False)
    return codes, as_text(pd.Series(uniques, dtype=TEXT))


def _python(values: pd.Series) -> list[str | None]:
    return [None if v is None or v is pd.NA else v for v in values.tolist()]


def _map_distinct(values: pd.Series, func: Callable[[str | None], Any]) -> tuple[np.ndarray, list]:
    """(codes, func of each distinct trimmed value, None for missing)."""
    codes, uniques = _distinct(values)
    return codes, [func(v) for v in _python(uniques)]


def _categorical(
    codes: np.ndarray, mapped: Sequence[Any], categories: Sequence[str] | None = None
) -> pd.Categorical:
    """A categorical from one value per distinct input and the codes of every row."""
    return pd.Categorical(list(mapped), categories=categories).take(codes)


def _spread_float(codes: np.ndarray, mapped: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(mapped, dtype=float)[codes] if len(codes) else np.zeros(0)


def collapse_spaces(values: pd.Series) -> pd.Series:
    """Trimmed text with runs of whitespace as one space (``DRUG STORE / MED  BL``)."""
    codes, mapped = _map_distinct(values, lambda v: " ".join(v.split()) if v else None)
    taken = pa.array(mapped, type=pa.large_string()).take(pa.array(codes, type=pa.int64()))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=values.index, dtype=TEXT)


def _join_text(columns: Sequence[pd.Series], sep: str) -> pd.Series:
    """Element-wise join of text columns (missing as empty), in Arrow rather than Python."""
    arrays = [pc.fill_null(_arrow_text(c), "") for c in columns]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar(sep, arrays[0].type))
    return pd.Series(pd.arrays.ArrowStringArray(joined), index=columns[0].index, dtype=TEXT)


def _numbers(values: pd.Series) -> pd.Series:
    """Text to float per distinct value; anything not a number is NaN."""
    codes, uniques = _distinct(values)
    numbers = pd.to_numeric(uniques, errors="coerce").astype(float).to_numpy()
    return pd.Series(_spread_float(codes, numbers), index=values.index)
