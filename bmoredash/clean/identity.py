"""Identity: identical rows and repeated record ids, content hashes, record ids and
incident ids."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from bmoredash.clean.text import TEXT, _join_text, as_text


def identical_rows(raw: pd.DataFrame, row_id: pd.Series | None = None) -> np.ndarray:
    """True for a row equal on every published column to an earlier row. Such rows are
    kept: they are counted in the quality report, never dropped.

    NOTE: BPD publishes one row per victim, and the layouts without a row id have no
    victim columns: two victims of one crime are two identical rows. The homicide of
    04/10/2019 23:04 at 1800 N CHESTER ST is twice in the 2019 legacy CSV and is RowIDs
    110890 and 110892 in the Open Baltimore export; 07/05/2019 17:11 9S at 1000
    PENNSYLVANIA AV is twice there and RowIDs 2261 and 2263 in the USF copy. The 2019 CSV
    has 933 such rows, the Sun extract 190, the Socrata JSON pages 33 and 35.
    """
    if raw.empty or (row_id is not None and row_id.notna().all() and row_id.is_unique):
        # rows with their own RowIDs differ in that column: none is identical to another
        return np.zeros(len(raw), dtype=bool)
    return raw.duplicated(keep="first").to_numpy()


def repeated_record_ids(record_id: pd.Series) -> np.ndarray:
    """True for a row whose record_id an earlier row already has.

    NOTE: a layer's RowID is unique, but two downloads pasted into one file repeat it
    with revised values; which of them is current cannot be told, so the repeats are
    quarantined (``duplicate_record_id``) with their reason, never dropped silently.
    """
    return record_id.duplicated(keep="first").to_numpy()


def content_hashes(raw: pd.DataFrame) -> pd.Series:
    """sha1 of each row's values (columns in name order, missing as empty), as hex.

    Everything in a row is stable between two reads of the same file, so the hash is too;
    the row number is left out so the same row in an overlapping file gets the same key.
    """
    if raw.empty:
        return pd.Series([], index=raw.index, dtype=object)
    joined = _join_text([raw[c] for c in sorted(raw.columns)], "\x1f")
    digests = [hashlib.sha1(v.encode("utf-8")).hexdigest() for v in joined.tolist()]
    return pd.Series(digests, index=raw.index, dtype=object)


def record_ids(raw: pd.DataFrame, layout: str, row_id: pd.Series | None) -> pd.Series:
    """``<layout>:<RowID>`` when the row has a RowID, else ``<layout>:sha1:<hash>:<k>``.

    ``k`` counts identical rows (0 for the first, 1 for the second victim, ...), so every
    row of a file has its own key and the same file read twice gives the same keys.
    """
    ids = pd.Series(pd.NA, index=raw.index, dtype=TEXT)
    if row_id is not None:
        ids = (layout + ":" + as_text(row_id)).astype(TEXT)
    need = ids.isna().to_numpy()
    if need.any():
        hashes = content_hashes(raw.loc[need])
        nth = hashes.groupby(hashes, sort=False).cumcount().astype(str)
        ids[need] = (layout + ":sha1:" + hashes + ":" + nth).to_numpy()
    return ids


def incident_ids(cc_number: pd.Series | None, index: pd.Index) -> pd.Series:
    """CCNumber, BPD's complaint number shared by the victims of one incident; missing
    where the layout has none (incident counts are then not available, never zero).

    NOTE: a RowID is one victim's row, not an incident: it is never used here.
    """
    if cc_number is None:
        return pd.Series(pd.NA, index=index, dtype=TEXT)
    return as_text(cc_number)
