"""CSV files for people: the dashboard's download and ``bmoredash export``.

Why: a CSV opened in a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some read a leading tab or carriage return the same way) as a formula, and the data
is published text that anyone can type into a police report's location field: a value such
as ``=HYPERLINK("http://...")`` must reach the reader as text. Text cells that start with
one of those characters get a leading apostrophe, the convention spreadsheets read as
"this is text" (OWASP's CSV injection guidance); numbers are written as numbers.
"""

from __future__ import annotations

import os

import pandas as pd

from bmoredash.files import atomic_write

#: First characters a spreadsheet may read as the start of a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that starts like a formula prefixed with ``'``."""
    out = frame.copy(deep=False)
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        text = column.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(bool)
        if risky.any():
            out[name] = text.mask(risky, "'" + text)
    return out


def to_csv(frame: pd.DataFrame, path: str | os.PathLike[str] | None = None) -> str | None:
    """The frame as spreadsheet-safe CSV: returned as text, or written to ``path`` (through a
    temporary file beside it, so a reader never sees half a file)."""
    safe = neutralised(frame)
    # RFC 4180 line ends: pandas then quotes a field holding a bare carriage return too.
    if path is None:
        return safe.to_csv(index=False, lineterminator="\r\n")
    with atomic_write(path, newline="") as handle:
        safe.to_csv(handle, index=False, lineterminator="\r\n")
    return None
