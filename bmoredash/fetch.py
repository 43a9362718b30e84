"""Download Open Baltimore layers over the ArcGIS REST query protocol.

Crime rows come from a FeatureServer layer, page by page, and are handed to
``sources.read_records`` and ``ingest.ingest_frames`` only once every page has arrived and
the total agrees with the layer's own count: a failed or short download leaves the store
exactly as it was. Boundaries (police districts, neighborhoods) come as GeoJSON into
``config.boundaries_dir``.

Protocol, as implemented (ArcGIS REST "Query (Feature Service/Layer)"):

1. ``GET <layer>?f=json`` -> ``maxRecordCount``, ``objectIdField``, ``fields``.
2. ``GET <layer>/query?where=...&returnCountOnly=true&f=json`` -> ``{"count": n}``.
3. ``GET <layer>/query?where=...&outFields=*&orderByFields=<oid> ASC&resultOffset=k
   &resultRecordCount=<maxRecordCount>&returnGeometry=false&f=json`` for k = 0, m, 2m, ...
   while the page says ``exceededTransferLimit`` or comes back full.
4. The rows received must number exactly ``n``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bmoredash import config
from bmoredash.boundaries import BOUNDARY_FILES

# --------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------

_AGOL = "https://services1.arcgis.com/UWYHeuuJISiGmgXx/arcgis/rest/services"

#: BPD Part 1 crime, one row per victim (hub item e0992dddbbf64231976d5d57763ec4f5_0).
PART1_URL = f"{_AGOL}/Part1_Crime_Beta/FeatureServer/0"
#: NIBRS Group A crime, 2022 on (hub item 204beefe92a645d79fdf0969957bbdf8_0).
NIBRS_URL = f"{_AGOL}/NIBRS_GroupA_Crime_Data/FeatureServer/0"

# NOTE: the NIBRS layer republishes the same incidents as Part1_Crime_Beta from 2022 on,
# under other codes and other row ids; storing both would count those incidents twice.
# So a plain ``fetch_to_store`` reads Part 1 only; pass ``urls=[NIBRS_URL]`` on purpose.
DEFAULT_URLS: tuple[str, ...] = (PART1_URL,)

#: The date field of both crime layers (esriFieldTypeDate, epoch milliseconds, UTC).
DATE_FIELD = "CrimeDateTime"
#: Days re-read before ``since`` so late reports and BPD revisions of recent rows arrive.
OVERLAP_DAYS = 14

# Public layers seen in public code; none of them was fetched while writing this module.
# NOTE (unverified): Planning/Boundaries/MapServer/7 is the 1959-2022 district layer named
# by SOURCES.md and by elipousson/mapbaltimore, whose later script warns that this URL has
# since been switched to the 2023 lines. Check the polygons (9 districts, names) after a fetch.
# NOTE (unverified): Police_District and Neighborhood are the Open Baltimore hosted layers
# used by mapbaltimore (2023 districts) and by several Baltimore crash/crime projects (the
# 278 neighborhood statistical areas).
BOUNDARY_URLS: dict[str, str] = {
    "police_districts_pre2023": (
        "https://geodata.baltimorecity.gov/egis/rest/services/Planning/Boundaries/MapServer/7"
    ),
    "police_districts_2023": f"{_AGOL}/Police_District/FeatureServer/0",
    "neighborhoods": f"{_AGOL}/Neighborhood/FeatureServer/0",
}

_LAYER_RE = re.compile(r"^https?://.+/(FeatureServer|MapServer)/\d+$")
_USER_AGENT = "bmoredash (Baltimore public-safety dashboard; ArcGIS REST client)"


class FetchError(RuntimeError):
    """A download that cannot be trusted: the message names the URL and the reason."""


# --------------------------------------------------------------------------------------
# HTTP with retries
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry server errors (5xx) and timeouts.

    Wait before try k+1 is ``backoff * factor**(k-1)`` seconds, at most ``max_wait``.
    """

    tries: int = 5
    backoff: float = 1.0
    factor: float = 2.0
    max_wait: float = 30.0

    def wait(self, failed_tries: int) -> float:
        return min(self.max_wait, self.backoff * self.factor ** (failed_tries - 1))


def make_client(timeout: float = 60.0) -> httpx.Client:
    """An httpx client with one timeout for connect, read, write and pool."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": _USER_AGENT},
        follow_redirects=True,
    )


class _Retryable(Exception):
    """A failure worth another try (5xx, timeout, broken connection, cut body)."""


def _once(client: httpx.Client, url: str, params: Mapping[str, Any]) -> tuple[dict, bytes]:
    """One GET, decoded; raises _Retryable or FetchError."""
    try:
        response = client.get(url, params=dict(params))
    except httpx.TimeoutException as exc:
        raise _Retryable(f"timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc
    full_url = str(response.request.url)
    if response.status_code >= 500:
        raise _Retryable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise FetchError(f"{full_url}: HTTP {response.status_code} {response.reason_phrase}")
    body = response.content
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        # NOTE: a body cut short mid-stream (proxy hiccup, server restart) arrives as
        # HTTP 200 with invalid JSON; it is retried like any transport fault.
        raise _Retryable(f"invalid JSON ({len(body)} bytes; truncated?): {exc}") from exc
    if not isinstance(data, dict):
        raise FetchError(f"{full_url}: expected a JSON object, got {type(data).__name__}")
    error = data.get("error")
    if error is not None:
        # NOTE: ArcGIS reports errors as HTTP 200 with {"error": {code, message, details}}.
        error = error if isinstance(error, dict) else {"message": str(error)}
        code = error.get("code")
        details = "; ".join(str(d) for d in error.get("details") or [] if d)
        message = f"ArcGIS error {code}: {error.get('message', '')}" + (
            f" ({details})" if details else ""
        )
        if isinstance(code, int) and 400 <= code < 500:
            raise FetchError(f"{full_url}: {message}")
        raise _Retryable(message)
    return data, body


def _get_json(
    client: httpx.Client, url: str, params: Mapping[str, Any], retry: RetryPolicy
) -> tuple[dict, bytes]:
    """GET ``url`` with ``params`` and return (parsed JSON object, raw body), retrying."""
    reason = "no try made"
    for attempt in range(1, max(1, retry.tries) + 1):
        try:
            return _once(client, url, params)
        except _Retryable as exc:
            reason = str(exc)
            if attempt < retry.tries:
                time.sleep(retry.wait(attempt))
    shown = httpx.URL(url, params=dict(params))
    raise FetchError(f"{shown}: gave up after {retry.tries} tries; last error: {reason}")


# --------------------------------------------------------------------------------------
# Crime layers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerInfo:
    """What the layer's metadata says about paging it."""

    url: str
    name: str
    max_record_count: int
    object_id_field: str
    fields: tuple[str, ...]


def layer_url(url: str) -> str:
    """The layer URL without a trailing slash or ``/query``; ValueError if not a layer."""
    clean = url.strip().rstrip("/")
    clean = clean[: -len("/query")] if clean.endswith("/query") else clean
    if not _LAYER_RE.match(clean):
        raise ValueError(f"not an ArcGIS layer URL (…/FeatureServer/<n> or …/MapServer/<n>): {url}")
    return clean


def window_start(since: date | None, overlap_days: int = OVERLAP_DAYS) -> date | None:
    """The first Baltimore date a ``since`` fetch covers: ``since`` minus the overlap."""
    return None if since is None else since - timedelta(days=overlap_days)


def since_where(
    since: date | None, *, overlap_days: int = OVERLAP_DAYS, date_field: str = DATE_FIELD
) -> str:
    """The where clause for rows on or after ``since`` minus the overlap; ``1=1`` for all.

    NOTE: the layers keep UTC instants, so the clause names the UTC instant at which the
    Baltimore day begins (04:00 or 05:00 UTC): the snapshot then covers whole Baltimore
    days, and its window (``window_start`` to the fetch date) is exactly what it read.
    """
    start = window_start(since, overlap_days)
    if start is None:
        return "1=1"
    midnight = datetime.combine(start, datetime.min.time(), config.CITY_TZ).astimezone(UTC)
    return f"{date_field} >= TIMESTAMP '{midnight:%Y-%m-%d %H:%M:%S}'"


def layer_info(client: httpx.Client, url: str, retry: RetryPolicy) -> LayerInfo:
    """Read the layer metadata (``?f=json``) needed to page it."""
    meta, _ = _get_json(client, url, {"f": "json"}, retry)
    fields = tuple(
        f["name"] for f in meta.get("fields") or [] if isinstance(f, dict) and "name" in f
    )
    oid = meta.get("objectIdField")
    if not oid:
        # NOTE: older servers omit objectIdField; the OID field is then found by its type.
        oid = next(
            (
                f["name"]
                for f in meta.get("fields") or []
                if isinstance(f, dict) and f.get("type") == "esriFieldTypeOID"
            ),
            None,
        )
    if not oid:
        raise FetchError(f"{url}: layer metadata names no object-id field")
    try:
        max_count = int(meta.get("maxRecordCount") or 0)
    except (TypeError, ValueError):
        max_count = 0
    if max_count <= 0:
        raise FetchError(f"{url}: layer metadata has no usable maxRecordCount")
    pagination = (meta.get("advancedQueryCapabilities") or {}).get("supportsPagination")
    if pagination is False:
        raise FetchError(f"{url}: layer does not support resultOffset paging")
    return LayerInfo(url, str(meta.get("name", "")), max_count, str(oid), fields)


def _show_progress(progress: bool | None) -> bool:
    if progress is None:
        return sys.stderr.isatty()
    return progress


def fetch_layer(
    url: str = PART1_URL,
    *,
    since: date | None = None,
    overlap_days: int = OVERLAP_DAYS,
    date_field: str = DATE_FIELD,
    where: str | None = None,
    page_size: int | None = None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
    progress: bool | None = None,
    client: httpx.Client | None = None,
) -> list[dict]:
    """Every row of one layer (or those on/after ``since`` minus the overlap), in object-id order.

    Returns the ``attributes`` dicts as published (dates in epoch milliseconds). Raises
    FetchError when a page fails after the retries, is not a valid page, or when the rows
    received do not add up to the layer's own count.
    """
    from tqdm.auto import tqdm

    url = layer_url(url)
    retry = retry or RetryPolicy()
    own_client = client is None
    client = client or make_client(timeout)
    try:
        info = layer_info(client, url, retry)
        if since is not None and info.fields and date_field not in info.fields:
            raise FetchError(f"{url}: layer has no field {date_field!r} to filter on")
        clause = since_where(since, overlap_days=overlap_days, date_field=date_field)
        if where and since is not None:
            clause = f"({where}) AND ({clause})"
        elif where:
            clause = where
        query = f"{url}/query"
        counted, _ = _get_json(
            client, query, {"where": clause, "returnCountOnly": "true", "f": "json"}, retry
        )
        expected = counted.get("count")
        if not isinstance(expected, int) or expected < 0:
            raise FetchError(f"{query}: returnCountOnly gave no count ({counted!r:.200})")
        size = min(page_size or info.max_record_count, info.max_record_count)
        records: list[dict] = []
        last_oid: Any = None
        shared: dict[str, str] = {}
        with tqdm(
            total=expected,
            unit="rows",
            desc=info.name or url.rsplit("/", 3)[-3],
            disable=not _show_progress(progress),
        ) as bar:
            while True:
                offset = len(records)
                params = {
                    "where": clause,
                    "outFields": "*",
                    "orderByFields": f"{info.object_id_field} ASC",
                    "resultOffset": offset,
                    "resultRecordCount": size,
                    "returnGeometry": "false",
                    "f": "json",
                }
                page, _ = _get_json(client, query, params, retry)
                rows = _page_rows(page, query, offset)
                last_oid = _check_order(rows, info.object_id_field, last_oid, query, offset)
                _share_strings(rows, shared)
                records.extend(rows)
                bar.update(len(rows))
                if len(records) > expected:
                    break  # reported below as a mismatch
                more = bool(page.get("exceededTransferLimit")) or len(rows) >= size
                if not rows or not more:
                    break
        if len(records) != expected:
            # NOTE: the live layer can change between the count and the last page (BPD
            # republishes weekly); a rerun then succeeds. Nothing is stored either way.
            raise FetchError(
                f"{url}: expected {expected} records (returnCountOnly, where {clause}), "
                f"got {len(records)}"
            )
        return records
    finally:
        if own_client:
            client.close()


def _page_rows(page: dict, query: str, offset: int) -> list[dict]:
    features = page.get("features")
    if not isinstance(features, list):
        raise FetchError(f"{query}: page at resultOffset={offset} has no features list")
    rows = []
    for feature in features:
        attributes = feature.get("attributes") if isinstance(feature, dict) else None
        if not isinstance(attributes, dict):
            raise FetchError(
                f"{query}: page at resultOffset={offset} has a feature without attributes"
            )
        rows.append(attributes)
    return rows


def _share_strings(rows: list[dict], shared: dict[str, str]) -> None:
    """Make equal string values one object across pages.

    NOTE: each page is parsed on its own, so "LARCENY" or "NORTHEAST" is a fresh string in
    every row. Sharing them cut memory from ~1.9 KB to ~1.2 KB per row (measured on 200k
    fixture rows), i.e. ~0.4 GB less for a full Part 1 history, for ~8 µs per row.
    """
    for row in rows:
        for key, value in row.items():
            if type(value) is str:
                row[key] = shared.setdefault(value, value)


def _check_order(rows: list[dict], oid_field: str, last_oid: Any, query: str, offset: int) -> Any:
    """Object ids must rise strictly across pages; else the server ignored the paging."""
    oids = [r.get(oid_field) for r in rows]
    if not oids or any(o is None for o in oids):
        return last_oid
    previous = last_oid
    for oid in oids:
        if previous is not None and not oid > previous:
            raise FetchError(
                f"{query}: page at resultOffset={offset} is out of {oid_field} order "
                f"({oid!r} after {previous!r}); the server did not page as asked"
            )
        previous = oid
    return previous


def fetch_to_store(
    data_dir: str | os.PathLike[str] | None = None,
    urls: Iterable[str] | None = None,
    since: date | None = None,
    *,
    overlap_days: int = OVERLAP_DAYS,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
    progress: bool | None = None,
    replace: bool = False,
) -> dict:
    """Download every layer in ``urls`` into memory, then ingest them all in one go.

    Nothing is written unless every layer arrived whole. Each layer is a snapshot covering
    ``since`` minus the overlap (or its first row) to today: it replaces what the store
    held for those dates (revisions and deletions flow through). Its raw rows are kept,
    gzipped, under ``snapshots/`` for ``rebuild``. ``replace`` is passed to
    ``ingest.ingest_frames``. Returns the ingest summary (``sources``,
    ``rows``, ...; only ``sources: []`` when no layer had a row) plus ``layers``
    (url -> rows downloaded) and ``where`` (the clause used).
    """
    # Later modules, imported here (fetch sits before them in the reading order); before
    # the download, so a broken install fails in a second, not after an hour of paging.
    from bmoredash import ingest, sources

    target = config.data_dir(data_dir)
    layer_urls = [layer_url(u) for u in (urls or DEFAULT_URLS)]
    started = datetime.now(UTC)
    window = (window_start(since, overlap_days), started.astimezone(config.CITY_TZ).date())
    fetched: dict[str, list[dict]] = {}
    with make_client(timeout) as client:
        for url in layer_urls:
            fetched[url] = fetch_layer(
                url,
                since=since,
                overlap_days=overlap_days,
                retry=retry,
                progress=progress,
                client=client,
            )
    # NOTE: a short ``since`` window can hold no rows for a layer; that is news, not an
    # error, and read_records refuses empty input, so such layers are left out.
    frames = []
    with ingest.removing_new_snapshots_on_error(target):
        for url, records in fetched.items():
            if not records:
                continue
            frame = sources.read_records(records, source=url)
            name = f"{url.rsplit('/', 3)[-3]}-{started:%Y%m%dT%H%M%SZ}.json"
            frame.origin = ingest.keep_records(target, records, name)
            frame.window = window
            frame.as_of = started.isoformat(timespec="seconds")
            frames.append(frame)
        summary = (
            ingest.ingest_frames(frames, target, replace=replace) if frames else {"sources": []}
        )
    return {
        **summary,
        "layers": {url: len(records) for url, records in fetched.items()},
        "where": since_where(since, overlap_days=overlap_days),
    }


# --------------------------------------------------------------------------------------
# Boundaries
# --------------------------------------------------------------------------------------


def boundary_paths(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Where each standard boundary file lives (whether or not it exists yet)."""
    folder = config.boundaries_dir(config.data_dir(data_dir))
    return {key: folder / name for key, name in BOUNDARY_FILES.items()}


def _check_feature_collection(data: Any, where: str) -> int:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FetchError(f"{where}: not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise FetchError(f"{where}: GeoJSON has no features")
    if any(not isinstance(f, dict) or not f.get("geometry") for f in features):
        raise FetchError(f"{where}: GeoJSON has a feature without geometry")
    return len(features)


def _write_atomic(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fetch_boundaries(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    urls: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    retry: RetryPolicy | None = None,
) -> dict[str, Path]:
    """Download the boundary layers as WGS84 GeoJSON into the boundaries folder.

    ``urls`` overrides any of BOUNDARY_URLS by key. Every layer is downloaded and checked
    (a FeatureCollection whose size matches the layer's count) before any file is
    replaced. Returns key -> written path.
    """
    unknown = set(urls or {}) - set(BOUNDARY_FILES)
    if unknown:
        raise ValueError(f"unknown boundary keys {sorted(unknown)}; known: {list(BOUNDARY_FILES)}")
    layers = {**BOUNDARY_URLS, **(urls or {})}
    retry = retry or RetryPolicy()
    payloads: dict[str, bytes] = {}
    with make_client(timeout) as client:
        for key, raw_url in layers.items():
            query = f"{layer_url(raw_url)}/query"
            counted, _ = _get_json(
                client, query, {"where": "1=1", "returnCountOnly": "true", "f": "json"}, retry
            )
            data, body = _get_json(
                client,
                query,
                {"where": "1=1", "outFields": "*", "outSR": "4326", "f": "geojson"},
                retry,
            )
            got = _check_feature_collection(data, query)
            # NOTE: boundary layers are small (9 districts, 278 neighborhoods), far under any
            # maxRecordCount; a capped answer means something changed, so it is refused.
            if (data.get("properties") or {}).get("exceededTransferLimit"):
                raise FetchError(f"{query}: boundary layer exceeded the transfer limit")
            if got != counted.get("count"):
                raise FetchError(
                    f"{query}: expected {counted.get('count')} features "
                    f"(returnCountOnly), got {got}"
                )
            payloads[key] = body
    paths = boundary_paths(data_dir)
    for key, body in payloads.items():
        _write_atomic(paths[key], body)
    return {key: paths[key] for key in payloads}
