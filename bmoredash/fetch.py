"""Download Open Baltimore layers over the ArcGIS REST query protocol.

Crime rows (or arrest rows: ``FETCH_DATASETS``, ``bmoredash fetch --dataset arrests``) come
from a FeatureServer layer, page by page, and are handed to ``sources.read_records`` (arrests:
``arrests.read_arrest_records``) and ``ingest.ingest_frames`` only once every page has arrived and
the total agrees with the layer's own count: a failed or short download leaves the store
exactly as it was. Boundaries (police districts, neighborhoods) come as GeoJSON into
``config.boundaries_dir``.

Protocol, as implemented (ArcGIS REST "Query (Feature Service/Layer)"):

1. ``GET <layer>?f=json`` -> ``maxRecordCount``, ``objectIdField``, ``fields``.
2. ``GET <layer>/query?where=...&returnCountOnly=true&f=json`` -> ``{"count": n}``; a count
   above ``MAX_ROWS`` is refused before anything else is downloaded.
3. ``GET <layer>/query?where=...&returnIdsOnly=true&f=json`` -> ``{"objectIds": [...]}``,
   which must hold ``n`` distinct ids; then ``POST <layer>/query`` with ``objectIds=<batch>
   &outFields=*&returnGeometry=false&f=json`` for batches of at most ``maxRecordCount`` ids.
   Every id must come back exactly once, and nothing else; no server ordering is assumed.
4. A server that refuses or ignores ``returnIdsOnly`` is paged instead by ``resultOffset``
   (``orderByFields=<oid> ASC``, ``resultRecordCount=<maxRecordCount>``) while a page says
   ``exceededTransferLimit`` or comes back full; no object id may arrive twice, and the
   rows must number exactly ``n`` (more than ``n`` stops the paging at once).

Every request shares one overall deadline (``DEFAULT_DEADLINE``, ``bmoredash fetch
--timeout``) besides the per-read timeout; bodies are capped at ``MAX_BODY_BYTES``; every
failure is a FetchError with a one-line message.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bmoredash import config
from bmoredash.files import atomic_write
from bmoredash.reference.boundaries import BOUNDARY_FILES

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

#: BPD arrests, one row per charge: the egis layer behind Open Baltimore's "BPD Arrests"
#: (fields ArrestNumber, Age, Gender, Race, ArrestDateTime, ArrestLocation,
#: IncidentOffence, IncidentLocation, Charge, ChargeDescription, District, Post,
#: Neighborhood, GeoLocation). NOTE (unverified): seen in public code that reads it as
#: the live feed (SOURCES.md section 9 lists it too); not fetched from here.
ARRESTS_URL = (
    "https://egis.baltimorecity.gov/egis/rest/services/GeoSpatialized_Tables/Arrest/FeatureServer/0"
)
#: The arrests layer's date field (epoch milliseconds).
ARREST_DATE_FIELD = "ArrestDateTime"


@dataclass(frozen=True)
class FetchDataset:
    """What ``bmoredash fetch --dataset NAME`` reads: default layers and their date field."""

    name: str
    urls: tuple[str, ...]
    date_field: str
    #: the store table its rows go to (``sources.INCIDENTS`` / ``sources.ARRESTS``)
    table: str


#: ``--dataset`` choices; ``crime`` is the default.
FETCH_DATASETS: dict[str, FetchDataset] = {
    "crime": FetchDataset("crime", DEFAULT_URLS, DATE_FIELD, "incidents"),
    "arrests": FetchDataset("arrests", (ARRESTS_URL,), ARREST_DATE_FIELD, "arrests"),
}
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


#: Overall deadline of one ``bmoredash fetch`` (seconds): a full Part 1 history is ~600k
#: rows in ~300 pages of 2,000, a few minutes on a good day; 30 minutes leaves room for
#: retries and a slow server, and still ends a server that drips one byte at a time.
DEFAULT_DEADLINE = 1800.0
#: Longest wait for one read (connect, a chunk of body, ...), seconds.
DEFAULT_READ_TIMEOUT = 60.0
#: The most rows a layer may report before anything is downloaded. Part1_Crime_Beta holds
#: ~600k victim rows (2011 on) and grows by ~40k a year; 2,000,000 rows (~2.4 GB in memory
#: at ~1.2 KB a row) is three times that, and refuses a count of 10^9 before the first page.
MAX_ROWS = 2_000_000
#: The largest single response body accepted (bytes). A page of 2,000 rows is ~1.5 MB, the
#: id list of 600k rows ~7 MB, the neighborhood polygons a few MB; an endless body stops here.
MAX_BODY_BYTES = 128 * 1024 * 1024
_MAX_REDIRECTS = 5
_MAX_MESSAGE = 600


class FetchError(RuntimeError):
    """A download that cannot be trusted: the message names the URL and the reason.

    The message is always one line (a CLI prints it as ``error: ...``).
    """

    def __init__(self, message: str) -> None:
        text = " ".join(str(message).split())
        if len(text) > _MAX_MESSAGE:
            text = text[: _MAX_MESSAGE - 1] + "…"
        super().__init__(text)


class DeadlineExceeded(FetchError):
    """The overall deadline passed before the download finished."""


class Deadline:
    """One overall time limit shared by every request of a fetch (monotonic clock)."""

    def __init__(self, seconds: float = DEFAULT_DEADLINE) -> None:
        if not seconds > 0:
            raise ValueError(f"the deadline must be a positive number of seconds, not {seconds}")
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def fail(self, doing: str, last: str | None = None) -> DeadlineExceeded:
        tail = f"; last error: {last}" if last else ""
        return DeadlineExceeded(
            f"{doing}: gave up, the fetch ran past its deadline of {self.seconds:g} s "
            f"(bmoredash fetch --timeout){tail}"
        )

    def check(self, doing: str) -> None:
        if self.remaining() <= 0:
            raise self.fail(doing)


def as_deadline(value: Deadline | float | None) -> Deadline:
    """A Deadline from seconds (None: DEFAULT_DEADLINE) or the Deadline itself."""
    if isinstance(value, Deadline):
        return value
    return Deadline(DEFAULT_DEADLINE if value is None else value)


def make_client(timeout: float = DEFAULT_READ_TIMEOUT) -> httpx.Client:
    """An httpx client with one timeout for connect, each read, write and pool."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": _USER_AGENT},
        follow_redirects=True,
        max_redirects=_MAX_REDIRECTS,
    )


class _Retryable(Exception):
    """A failure worth another try (5xx, timeout, broken connection, cut body)."""


class _Refused(FetchError):
    """The server refused the request itself (HTTP 4xx, ArcGIS error 4xx): not retried."""


def _read_body(response: httpx.Response, deadline: Deadline, label: str) -> bytes:
    """The body, chunk by chunk, within the deadline and MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise FetchError(
                f"{label}: response larger than {MAX_BODY_BYTES // (1024 * 1024)} MB; refused"
            )
        chunks.append(chunk)
        # NOTE: httpx's read timeout counts per read, so a server sending a byte every 20 s
        # never trips it; the overall deadline is checked after every chunk instead.
        deadline.check(label)
    return b"".join(chunks)


def _once(
    client: httpx.Client,
    url: str,
    params: Mapping[str, Any],
    deadline: Deadline,
    label: str,
    post: bool,
) -> tuple[dict, bytes]:
    """One request, decoded; raises _Retryable or FetchError."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise deadline.fail(label)
    read = client.timeout.read or DEFAULT_READ_TIMEOUT
    timeout = httpx.Timeout(min(read, remaining))
    request: dict[str, Any] = {"data": dict(params)} if post else {"params": dict(params)}
    target = url
    try:
        for _ in range(_MAX_REDIRECTS + 1):
            # NOTE: httpx turns a POST redirected by 301/302 into a GET without its body (as
            # browsers do), which would drop the objectIds; a POST follows them by hand.
            with client.stream(
                "POST" if post else "GET",
                target,
                timeout=timeout,
                follow_redirects=not post,
                **request,
            ) as response:
                if post and response.is_redirect:
                    target = str(response.url.join(response.headers.get("location", "")))
                    continue
                if response.status_code >= 500:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise _Refused(f"{label}: HTTP {response.status_code} {response.reason_phrase}")
                body = _read_body(response, deadline, label)
                break
        else:
            raise FetchError(f"{label}: too many redirects (more than {_MAX_REDIRECTS})")
    except httpx.TimeoutException as exc:
        raise _Retryable(f"timed out ({type(exc).__name__})") from exc
    except httpx.DecodingError as exc:
        # NOTE: a gzip body cut short or corrupted on the way; retried like a cut body.
        raise _Retryable(f"response body could not be decoded ({exc})") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"{label}: too many redirects ({exc})") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise FetchError(f"{label}: {type(exc).__name__}: {exc}") from exc
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        # NOTE: a body cut short mid-stream (proxy hiccup, server restart) arrives as
        # HTTP 200 with invalid JSON; it is retried like any transport fault.
        raise _Retryable(f"invalid JSON ({len(body)} bytes; truncated?): {exc}") from exc
    if not isinstance(data, dict):
        raise FetchError(f"{label}: expected a JSON object, got {type(data).__name__}")
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
            raise _Refused(f"{label}: {message}")
        raise _Retryable(message)
    return data, body


def _get_json(
    client: httpx.Client,
    url: str,
    params: Mapping[str, Any],
    retry: RetryPolicy,
    deadline: Deadline | float | None = None,
    *,
    label: str | None = None,
    post: bool = False,
) -> tuple[dict, bytes]:
    """Request ``url`` with ``params`` and return (parsed JSON object, raw body), retrying.

    ``label`` names the request in messages (default: the URL with its parameters).
    """
    deadline = as_deadline(deadline)
    label = label or str(httpx.URL(url, params=dict(params)))
    reason = "no try made"
    for attempt in range(1, max(1, retry.tries) + 1):
        try:
            return _once(client, url, params, deadline, label, post)
        except _Retryable as exc:
            reason = str(exc)
            if attempt < retry.tries:
                wait = retry.wait(attempt)
                if wait >= deadline.remaining():
                    raise deadline.fail(label, reason) from None
                time.sleep(wait)
    if deadline.remaining() <= 0:
        raise deadline.fail(label, reason)
    raise FetchError(f"{label}: gave up after {retry.tries} tries; last error: {reason}")


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
    supports_pagination: bool = True


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


def layer_info(
    client: httpx.Client, url: str, retry: RetryPolicy, deadline: Deadline | float | None = None
) -> LayerInfo:
    """Read the layer metadata (``?f=json``) needed to page it."""
    meta, _ = _get_json(client, url, {"f": "json"}, retry, deadline)
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
    return LayerInfo(
        url, str(meta.get("name", "")), max_count, str(oid), fields, pagination is not False
    )


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
    timeout: float = DEFAULT_READ_TIMEOUT,
    deadline: Deadline | float | None = None,
    max_rows: int = MAX_ROWS,
    retry: RetryPolicy | None = None,
    progress: bool | None = None,
    client: httpx.Client | None = None,
) -> list[dict]:
    """Every row of one layer (or those on/after ``since`` minus the overlap), by object id.

    Returns the ``attributes`` dicts as published (dates in epoch milliseconds), sorted by
    object id. ``timeout`` bounds each read, ``deadline`` (seconds or a shared Deadline;
    default DEFAULT_DEADLINE) the whole download, ``max_rows`` the count a layer may
    report. Raises FetchError when a request fails after the retries, an answer is not
    valid, the deadline passes, or the rows received are not exactly the layer's own count.
    """
    from tqdm.auto import tqdm

    url = layer_url(url)
    retry = retry or RetryPolicy()
    deadline = as_deadline(deadline)
    own_client = client is None
    client = client or make_client(timeout)
    try:
        info = layer_info(client, url, retry, deadline)
        if since is not None and info.fields and date_field not in info.fields:
            raise FetchError(f"{url}: layer has no field {date_field!r} to filter on")
        clause = since_where(since, overlap_days=overlap_days, date_field=date_field)
        if where and since is not None:
            clause = f"({where}) AND ({clause})"
        elif where:
            clause = where
        query = f"{url}/query"
        counted, _ = _get_json(
            client,
            query,
            {"where": clause, "returnCountOnly": "true", "f": "json"},
            retry,
            deadline,
        )
        expected = counted.get("count")
        if not isinstance(expected, int) or isinstance(expected, bool) or expected < 0:
            raise FetchError(f"{query}: returnCountOnly gave no count ({counted!r:.200})")
        if expected > max_rows:
            raise FetchError(
                f"{query}: the layer reports {expected:,} records (where {clause}), more than "
                f"the {max_rows:,} a fetch accepts; nothing downloaded"
            )
        size = min(page_size or info.max_record_count, info.max_record_count)
        pager = _Pager(client, query, clause, info, expected, size, retry, deadline)
        with tqdm(
            total=expected,
            unit="rows",
            desc=info.name or url.rsplit("/", 3)[-3],
            disable=not _show_progress(progress),
        ) as bar:
            pager.bar = bar
            ids = pager.object_ids()
            if ids is not None:
                return pager.by_ids(ids)
            if not info.supports_pagination:
                raise FetchError(
                    f"{url}: layer supports neither returnIdsOnly nor resultOffset paging"
                )
            return pager.by_offset()
    finally:
        if own_client:
            client.close()


def _id_key(oid: Any) -> tuple[str, Any]:
    """A sort key for object ids of any one JSON type (numbers by value)."""
    return ("0", oid) if isinstance(oid, int | float) else (type(oid).__name__, oid)


def _first(ids: Iterable[Any], n: int = 3) -> str:
    shown = [repr(i) for _, i in zip(range(n + 1), ids, strict=False)]
    return ", ".join(shown[:n]) + (", ..." if len(shown) > n else "")


@dataclass
class _Pager:
    """Reads one layer's rows, reconciled against its count ``expected``.

    NOTE: paging by resultOffset relies on the server ordering rows the same way on every
    page; Koop, for one, keeps file order and hands out hash-valued OBJECTIDs. So the ids
    come first (``returnIdsOnly=true``: ArcGIS documents no limit on that list and suggests
    exactly this, asking for the features by ``objectIds`` in subsets no larger than
    ``maxRecordCount``). Offset paging remains for servers that refuse or ignore
    ``returnIdsOnly``; there every object id must arrive once, whatever the order.
    """

    client: httpx.Client
    query: str
    clause: str
    info: LayerInfo
    expected: int
    size: int
    retry: RetryPolicy
    deadline: Deadline
    bar: Any = None

    def _sorted(self, got: dict[Any, dict], extra: Iterable[dict] = ()) -> list[dict]:
        try:
            keys = sorted(got, key=_id_key)
        except TypeError:  # ids of mixed, unorderable types: keep the order received
            keys = list(got)
        return [got[k] for k in keys] + list(extra)

    def object_ids(self) -> list[Any] | None:
        """The ids matching the clause, or None when the server cannot list them."""
        params = {"where": self.clause, "returnIdsOnly": "true", "f": "json"}
        try:
            data, _ = _get_json(self.client, self.query, params, self.retry, self.deadline)
        except _Refused:
            return None  # a server that refuses returnIdsOnly: page by offset
        if "objectIds" not in data or data.get("exceededTransferLimit"):
            return None  # the parameter was ignored (a page came back) or the list is capped
        ids = data.get("objectIds")
        ids = [] if ids is None else ids  # ArcGIS sends null for no match
        if not isinstance(ids, list) or any(
            not isinstance(i, int | str) or isinstance(i, bool) for i in ids
        ):
            raise FetchError(f"{self.query}: returnIdsOnly gave no list of object ids")
        if len(ids) != self.expected:
            raise FetchError(
                f"{self.query}: expected {self.expected} records (returnCountOnly, where "
                f"{self.clause}), got {len(ids)} object ids (returnIdsOnly); the layer "
                "changed in between? rerun"
            )
        if len(set(ids)) != len(ids):
            seen: set[Any] = set()
            twice = [i for i in ids if i in seen or seen.add(i)]
            raise FetchError(f"{self.query}: returnIdsOnly lists ids twice: {_first(twice)}")
        return ids

    def by_ids(self, ids: list[Any]) -> list[dict]:
        oid_field = self.info.object_id_field
        try:
            pending = deque(sorted(ids, key=_id_key))
        except TypeError:
            pending = deque(ids)
        asked_once = set(ids)
        got: dict[Any, dict] = {}
        shared: dict[str, str] = {}
        size = self.size
        while pending:
            batch = [pending.popleft() for _ in range(min(size, len(pending)))]
            label = (
                f"{self.query} (objectIds batch of {len(batch)} from {batch[0]!r}; "
                f"{len(got)} of {self.expected} received)"
            )
            params = {
                "objectIds": ",".join(str(i) for i in batch),
                "outFields": "*",
                "returnGeometry": "false",
                "f": "json",
            }
            # NOTE: POST, as the docs allow: 2,000 ids of 10 digits overflow URL limits.
            page, _ = _get_json(
                self.client, self.query, params, self.retry, self.deadline, label=label, post=True
            )
            rows = _page_rows(page, label)
            asked = set(batch)
            for row in rows:
                oid = row.get(oid_field)
                if oid in got:
                    raise FetchError(f"{label}: the server sent {oid_field} {oid!r} twice")
                if oid not in asked:
                    why = "asked in another batch" if oid in asked_once else "not in its id list"
                    raise FetchError(
                        f"{label}: the server sent {oid_field} {oid!r}, not asked for ({why})"
                    )
                got[oid] = row
            _share_strings(rows, shared)
            if self.bar is not None:
                self.bar.update(len(rows))
            missing = [i for i in batch if i not in got]
            if missing:
                if not rows or not page.get("exceededTransferLimit"):
                    raise FetchError(
                        f"{label}: {len(missing)} of the {len(batch)} object ids asked did not "
                        f"come back ({_first(missing)}); deleted since the id list? rerun"
                    )
                # The server capped the batch below maxRecordCount: ask again for the rest.
                size = len(rows)
                pending.extendleft(reversed(missing))
        return self._sorted(got)

    def by_offset(self) -> list[dict]:
        oid_field = self.info.object_id_field
        got: dict[Any, dict] = {}
        no_id: list[dict] = []
        shared: dict[str, str] = {}
        while True:
            offset = len(got) + len(no_id)
            params = {
                "where": self.clause,
                "outFields": "*",
                "orderByFields": f"{oid_field} ASC",
                "resultOffset": offset,
                "resultRecordCount": self.size,
                "returnGeometry": "false",
                "f": "json",
            }
            page, _ = _get_json(self.client, self.query, params, self.retry, self.deadline)
            label = f"{self.query}: page at resultOffset={offset}"
            rows = _page_rows(page, label)
            for row in rows:
                oid = row.get(oid_field)
                if oid is None:
                    no_id.append(row)
                elif oid in got:
                    raise FetchError(
                        f"{label} repeats {oid_field} {oid!r}; the server did not page stably"
                    )
                else:
                    got[oid] = row
            _share_strings(rows, shared)
            if self.bar is not None:
                self.bar.update(len(rows))
            received = len(got) + len(no_id)
            if received > self.expected:
                # Bounded by the count: a server that pages forever stops here.
                raise FetchError(
                    f"{self.query}: expected {self.expected} records (returnCountOnly, where "
                    f"{self.clause}), got more ({received} after resultOffset={offset}); "
                    "stopped"
                )
            more = bool(page.get("exceededTransferLimit")) or len(rows) >= self.size
            if not rows or not more:
                break
        if received != self.expected:
            # NOTE: the live layer can change between the count and the last page (BPD
            # republishes weekly); a rerun then succeeds. Nothing is stored either way.
            raise FetchError(
                f"{self.query}: expected {self.expected} records (returnCountOnly, where "
                f"{self.clause}), got {received}"
            )
        return self._sorted(got, no_id)


def _page_rows(page: dict, label: str) -> list[dict]:
    features = page.get("features")
    if not isinstance(features, list):
        raise FetchError(f"{label}: no features list")
    rows = []
    for feature in features:
        attributes = feature.get("attributes") if isinstance(feature, dict) else None
        if not isinstance(attributes, dict):
            raise FetchError(f"{label}: a feature without attributes")
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


def fetch_to_store(
    data_dir: str | os.PathLike[str] | None = None,
    urls: Iterable[str] | None = None,
    since: date | None = None,
    *,
    overlap_days: int = OVERLAP_DAYS,
    timeout: float = DEFAULT_READ_TIMEOUT,
    deadline: Deadline | float | None = None,
    max_rows: int = MAX_ROWS,
    retry: RetryPolicy | None = None,
    progress: bool | None = None,
    replace: bool = False,
    dataset: str = "crime",
) -> dict:
    """Download every layer in ``urls`` into memory, then ingest them all in one go.

    ``dataset`` (``FETCH_DATASETS``: ``crime``, ``arrests``) says which default layers
    ``urls`` replaces, which date field ``since`` filters on and which reader and store
    table the rows go to.

    Nothing is written unless every layer arrived whole. Each layer is a snapshot covering
    ``since`` minus the overlap (or its first row) to today: it replaces what the store
    held for those dates (revisions and deletions flow through). Its raw rows are kept,
    gzipped, under ``snapshots/`` for ``rebuild``. ``replace`` is passed to
    ``ingest.ingest_frames``. Returns the ingest summary (``sources``,
    ``rows``, ...; only ``sources: []`` when no layer had a row) plus ``layers``
    (url -> rows downloaded) and ``where`` (the clause used). ``timeout`` bounds each
    read, ``deadline`` (seconds or a Deadline; default DEFAULT_DEADLINE) all downloads
    together, ``max_rows`` the count each layer may report (see fetch_layer).
    """
    # Later modules, imported here (fetch sits before them in the reading order); before
    # the download, so a broken install fails in a second, not after an hour of paging.
    from bmoredash import ingest, sources

    if dataset not in FETCH_DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; known: {', '.join(FETCH_DATASETS)}")
    chosen = FETCH_DATASETS[dataset]
    target = config.data_dir(data_dir)
    layer_urls = [layer_url(u) for u in (urls or chosen.urls)]
    started = datetime.now(UTC)
    window = (window_start(since, overlap_days), started.astimezone(config.CITY_TZ).date())
    fetched: dict[str, list[dict]] = {}
    deadline = as_deadline(deadline)
    with make_client(timeout) as client:
        for url in layer_urls:
            fetched[url] = fetch_layer(
                url,
                since=since,
                overlap_days=overlap_days,
                date_field=chosen.date_field,
                deadline=deadline,
                max_rows=max_rows,
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
            if chosen.table == "arrests":
                from bmoredash import arrests

                frame = arrests.read_arrest_records(records, source=url)
            else:
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
        "where": since_where(since, overlap_days=overlap_days, date_field=chosen.date_field),
    }


def stored_note(summary: Mapping[str, Any], dataset: str = "crime") -> str:
    """One line on what a ``fetch_to_store`` summary (of ``dataset``) put in the store."""
    parts = [
        f"{s.get('rows_read', 0):,} rows in snapshot {s.get('snapshot')}"
        for s in summary.get("sources") or []
        if isinstance(s, Mapping)
    ]
    what = "arrest" if dataset == "arrests" else "crime"
    if not parts:
        return f"no new {what} rows (nothing in the window)"
    key, unit = ("arrest_rows", "arrest rows") if what == "arrest" else ("rows", "rows")
    held = f"; the store holds {summary[key]:,} {unit}" if key in summary else ""
    return f"{what} data stored: " + ", ".join(parts) + held


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
    with atomic_write(path, "wb") as handle:
        handle.write(payload)


def fetch_boundaries(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    urls: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_READ_TIMEOUT,
    deadline: Deadline | float | None = None,
    retry: RetryPolicy | None = None,
) -> dict[str, Path]:
    """Download the boundary layers as WGS84 GeoJSON into the boundaries folder.

    ``urls`` overrides any of BOUNDARY_URLS by key. Every layer is downloaded and checked
    (a FeatureCollection whose size matches the layer's count) before any file is
    replaced. ``deadline`` (seconds or a Deadline; default DEFAULT_DEADLINE) bounds it all.
    Returns key -> written path.
    """
    unknown = set(urls or {}) - set(BOUNDARY_FILES)
    if unknown:
        raise ValueError(f"unknown boundary keys {sorted(unknown)}; known: {list(BOUNDARY_FILES)}")
    layers = {**BOUNDARY_URLS, **(urls or {})}
    retry = retry or RetryPolicy()
    deadline = as_deadline(deadline)
    payloads: dict[str, bytes] = {}
    with make_client(timeout) as client:
        for key, raw_url in layers.items():
            query = f"{layer_url(raw_url)}/query"
            counted, _ = _get_json(
                client,
                query,
                {"where": "1=1", "returnCountOnly": "true", "f": "json"},
                retry,
                deadline,
            )
            data, body = _get_json(
                client,
                query,
                {"where": "1=1", "outFields": "*", "outSR": "4326", "f": "geojson"},
                retry,
                deadline,
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
