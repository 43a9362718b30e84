"""The store's types: frames conformed to the schema's columns and dtypes, and the Arrow
types the file holds them in (and back).

Why Arrow IPC, uncompressed, memory-mapped: every dashboard visitor gets a kernel, and
each kernel loads the incidents. Mapped pages are shared by the page cache, and the string
columns convert to pandas without a copy (``large_string`` buffers wrapped as-is), so N
kernels hold one copy of the biggest columns instead of N. Category columns are stored
dictionary-encoded, which is also what pandas wants.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from bmoredash import config, schema

QUARANTINE_COLUMNS: tuple[str, ...] = ("source", "row_number", "reason", "raw")
_SORTED_KEY = b"bmoredash.sorted_by"
_TZ = config.CITY_TZ_NAME
_DATETIME_DTYPE = pd.DatetimeTZDtype("ns", _TZ)
_STRING_DTYPE = pd.StringDtype("pyarrow")
#: Arrow -> pandas dtypes on read; dictionaries become categoricals without help.
_TYPES_MAPPER = {
    pa.large_string(): _STRING_DTYPE,
    pa.string(): _STRING_DTYPE,
    pa.int16(): pd.Int16Dtype(),
}.get


#: The arrests table's columns and dtypes: ``arrests.ARREST_COLUMNS`` (the store sits on
#: the arrests package's floor, so the names are written here too; a test holds them
#: equal), the area columns, source and snapshot. ``date`` is a naive calendar date
#: (midnight, no zone): most arrest rows have no time of day.
ARREST_DTYPES: dict[str, str] = {
    "arrest_id": "string",
    "arrest_date": "date",
    "arrested_at": "datetime",
    "age": "Int16",
    "sex": "category",
    "race": "category",
    "incident_offense_code": "category",
    "incident_offense_text": "category",
    "charge_code": "category",
    "charge_description": "string",
    "charge_group": "category",
    "district": "category",
    "post": "category",
    "neighborhood": "category",
    "latitude": "float32",
    "longitude": "float32",
    **dict.fromkeys(schema.AREA_COLUMNS, "category"),
    "source": "category",
    "snapshot": "category",
}
ARREST_COLUMN_NAMES: tuple[str, ...] = tuple(ARREST_DTYPES)


def _conform(frame: pd.DataFrame, dtypes: dict[str, str], what: str) -> pd.DataFrame:
    """``frame`` with exactly the columns of ``dtypes`` in order, in the store's dtypes (the
    one conversion of the incidents and the arrests). A naive time is refused unless the
    column holds no time at all."""
    missing = [c for c in dtypes if c not in frame.columns]
    extra = [c for c in frame.columns if c not in dtypes]
    if missing or extra:
        raise ValueError(f"{what} do not match the schema: missing {missing}, extra {extra}")
    out = {}
    for name, kind in dtypes.items():
        col = frame[name]
        if kind == "category":
            out[name] = (
                col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")
            )
        elif kind == "string":
            out[name] = col.astype(_STRING_DTYPE)
        elif kind == "datetime":
            if not isinstance(col.dtype, pd.DatetimeTZDtype):
                if len(col) == 0 or col.isna().all():
                    col = col.astype("datetime64[ns]").dt.tz_localize(_TZ)
                else:
                    raise ValueError(f"{name} must be timezone-aware (got {col.dtype})")
            out[name] = col.dt.tz_convert(_TZ).astype(_DATETIME_DTYPE)
        elif kind == "date":
            out[name] = col.astype("datetime64[ns]")
        elif kind == "bool":
            if col.isna().any():
                raise ValueError(f"{name} has missing values; it must be True or False")
            out[name] = col.astype(bool)
        else:  # float32, Int16
            out[name] = col.astype(kind)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def conform_arrests(frame: pd.DataFrame) -> pd.DataFrame:
    """The arrest rows with exactly ``ARREST_COLUMN_NAMES`` in the store's dtypes.

    Raises ValueError on missing or extra columns and on rows without an arrest date.
    """
    conformed = _conform(frame, ARREST_DTYPES, "arrests")
    if conformed["arrest_date"].isna().any():
        raise ValueError("arrests have rows without arrest_date")
    return conformed


def empty_frame(dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """A frame without rows in the store's dtypes (default: the incidents')."""
    kinds = schema.DTYPES if dtypes is None else dtypes
    empty = {
        name: pd.Series([], dtype=_DATETIME_DTYPE if kind == "datetime" else object)
        for name, kind in kinds.items()
    }
    frame = pd.DataFrame(empty)
    for name, kind in kinds.items():
        if kind == "bool":
            frame[name] = frame[name].astype(bool)
        elif kind == "date":
            frame[name] = frame[name].astype("datetime64[ns]")
    return _conform(frame, kinds, "rows")


def conform_incidents(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with exactly ``schema.COLUMN_NAMES`` in order and the store's dtypes.

    Raises ValueError on missing or extra columns, on a missing ``record_id`` or
    ``occurred_at``, and on naive timestamps (a wall-clock time without a zone is ambiguous
    twice a year, so clean must localise it).
    """
    if "snapshot" not in frame.columns and "source" in frame.columns:
        # rows written directly (write_store) belong to their source
        frame = frame.assign(snapshot=frame["source"])
    conformed = _conform(frame, schema.DTYPES, "incidents")
    for key in ("record_id", "occurred_at"):
        if conformed[key].isna().any():
            raise ValueError(f"incidents have rows without {key}")
    return conformed


def conform_quarantine(frame: pd.DataFrame | None) -> pd.DataFrame:
    """Quarantined rows as (source, row_number, reason, raw) with plain dtypes."""
    if frame is None:
        frame = pd.DataFrame({c: [] for c in QUARANTINE_COLUMNS})
    missing = [c for c in QUARANTINE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"quarantine lacks columns {missing}")
    return pd.DataFrame(
        {
            "source": frame["source"].astype(_STRING_DTYPE),
            "row_number": frame["row_number"].astype("int64"),
            "reason": frame["reason"].astype(_STRING_DTYPE),
            "raw": frame["raw"].astype(_STRING_DTYPE),
        }
    ).reset_index(drop=True)


def concat_incidents(
    frames: list[pd.DataFrame], dtypes: dict[str, str] | None = None
) -> pd.DataFrame:
    """Canonical frames stacked, each category column with the union of the categories.

    NOTE: ``pd.concat`` silently turns categoricals with different categories into object
    columns; giving them one category list first (first-seen order, so the order clean
    chose is kept) keeps the result categorical.
    """
    if not frames:
        raise ValueError("nothing to concatenate")
    frames = [f.copy(deep=False) for f in frames]
    for name, kind in (schema.DTYPES if dtypes is None else dtypes).items():
        if kind != "category":
            continue
        cats: dict[Any, None] = {}
        for f in frames:
            cats.update(dict.fromkeys(f[name].cat.categories))
        union = list(cats)
        for f in frames:
            if list(f[name].cat.categories) != union:
                f[name] = f[name].cat.set_categories(union)
    return pd.concat(frames, ignore_index=True)


def _arrow_table(
    incidents: pd.DataFrame,
    dtypes: dict[str, str] | None = None,
    sorted_by: str = "occurred_at",
) -> pa.Table:
    """The conformed frame as one record batch with the store's Arrow types (``dtypes``:
    the incidents' by default; ``sorted_by`` names the time column the rows are sorted by)."""
    kinds = schema.DTYPES if dtypes is None else dtypes
    table = pa.Table.from_pandas(incidents, preserve_index=False)
    fields = []
    for field in table.schema:
        kind = kinds[field.name]
        if kind == "category":
            value_type = pa.dictionary(field.type.index_type, pa.string())
            fields.append(pa.field(field.name, value_type))
        elif kind == "string":
            # large_string: pandas' Arrow-backed strings wrap these buffers without a copy.
            fields.append(pa.field(field.name, pa.large_string()))
        else:
            fields.append(field.remove_metadata())
    target = pa.schema(fields, metadata={_SORTED_KEY: sorted_by.encode()})
    return table.cast(target).combine_chunks()
