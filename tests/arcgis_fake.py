"""A small ArcGIS REST server on 127.0.0.1 for tests: real HTTP, fixture rows, injected faults.

It serves layers at ``/arcgis/rest/services/<Name>/FeatureServer/0`` and answers the parts
of the query protocol bmoredash uses, by GET or POST (form body): layer metadata
(``f=json``), ``returnCountOnly``, ``returnIdsOnly`` (ids in stored order, as Koop does),
``objectIds`` (rows in stored order, capped at ``maxRecordCount``),
``resultOffset``/``resultRecordCount`` capped at ``maxRecordCount``, ``orderByFields``,
``where`` (``1=1``, ``<date field> >= DATE 'YYYY-MM-DD'`` and ``<date field> >= TIMESTAMP
'YYYY-MM-DD HH:MM:SS'``, joined by ``AND``),
``exceededTransferLimit``, ``f=json`` and ``f=geojson``.

Usage::

    with FakeArcGIS() as server:
        url = server.add_layer("Part1_Crime_Beta", part1_records(2500), max_record_count=1000)
        server.add_fault("Part1_Crime_Beta", Fault("status", target=1000, times=2))
        ...
        server.requests  # every request seen, in order

Faults target the metadata request (``"meta"``), the count (``"count"``), the id list
(``"ids"``), the GeoJSON query (``"geojson"``) or a page (an int: its ``resultOffset``, or
for an ``objectIds`` batch the position of its first id among the layer's ids sorted), and
fire for the first ``times`` matching requests (``times=-1``: always):

- ``status``: answer HTTP ``code`` (default 500) with an HTML body;
- ``sleep``: wait ``seconds`` before answering normally (past the client's timeout);
- ``truncate``: send the first half of the JSON body, with a matching Content-Length;
- ``error``: HTTP 200 with an ArcGIS error object ``{"error": {"code", "message"}}``;
- ``drip``: send the headers, then the body one byte every ``seconds`` (never a read
  timeout, only an overall deadline ends it);
- ``redirect``: HTTP 302 back to the same URL, forever (a redirect loop);
- ``gzip``: ``Content-Encoding: gzip`` with a broken gzip body.

A layer's ``count_delta`` makes ``returnCountOnly`` disagree with the rows served,
``count`` replaces the count outright (e.g. 10**9), ``endless`` makes offset pages never
run out (each a full page of new rows, ``exceededTransferLimit`` true), ``ignore_offset``
makes it answer the first page whatever ``resultOffset`` says, ``return_ids=False``
makes it ignore ``returnIdsOnly`` (answering a page) as a server without it would, and
``ignore_object_ids`` makes it ignore ``objectIds`` likewise.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

_PATH_RE = re.compile(r"^/arcgis/rest/services/([^/]+)/(FeatureServer|MapServer)/0(/query)?/?$")
_DATE_RE = re.compile(
    r"^\s*(\w+)\s*>=\s*(?:DATE\s*'(\d{4}-\d{2}-\d{2})'"
    r"|TIMESTAMP\s*'(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})')\s*$",
    re.IGNORECASE,
)
_ORDER_RE = re.compile(r"^\s*(\w+)(?:\s+(ASC|DESC))?\s*$", re.IGNORECASE)
_CITY_TZ = ZoneInfo("America/New_York")


@dataclass
class Fault:
    """One injected failure; see the module docstring."""

    kind: str  # "status" | "sleep" | "truncate" | "error" | "drip" | "redirect" | "gzip"
    target: str | int  # "meta" | "count" | "ids" | "geojson" | resultOffset of a page
    times: int = 1  # -1: every time
    code: int = 500  # HTTP status for "status", ArcGIS code for "error"
    seconds: float = 1.0  # for "sleep"; between bytes for "drip"
    message: str = "Unable to complete operation."
    fired: int = 0


@dataclass
class Layer:
    name: str
    records: list[dict]  # stored order = the order served without orderByFields
    object_id_field: str = "RowID"
    max_record_count: int = 1000
    date_field: str | None = "CrimeDateTime"
    count_delta: int = 0
    count: int | None = None  # returnCountOnly answers this instead, when set
    endless: bool = False  # offset pages never run out
    return_ids: bool = True  # False: returnIdsOnly is ignored, a page comes back
    ignore_object_ids: bool = False  # objectIds is ignored: a plain page comes back
    # "when_true": send exceededTransferLimit only when more rows remain (ArcGIS Online);
    # "always": send true/false on every page; "never": old servers that send nothing.
    transfer_flag: str = "when_true"
    geometries: dict[Any, dict | None] | None = None  # GeoJSON geometry by object id
    ignore_offset: bool = False  # a broken server that always answers the first page
    faults: list[Fault] = field(default_factory=list)


@dataclass
class SeenRequest:
    layer: str | None
    kind: str  # "meta" | "count" | "page" | "geojson" | "other"
    params: dict[str, str]
    status: int
    fault: str | None
    method: str = "GET"
    index: int | None = None  # an objectIds batch: position of its first id, ids sorted

    @property
    def offset(self) -> int | None:
        """The page's resultOffset, or for an objectIds batch its ``index``."""
        value = self.params.get("resultOffset")
        return int(value) if value is not None else self.index

    @property
    def object_ids(self) -> list[str]:
        value = self.params.get("objectIds")
        return value.split(",") if value else []


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode() if length else ""
        self._handle("POST", {k: v[-1] for k, v in parse_qs(form, keep_blank_values=True).items()})

    def do_GET(self) -> None:
        self._handle("GET", {})

    def _handle(self, method: str, form: dict[str, str]) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        params.update(form)
        match = _PATH_RE.match(parts.path)
        layer = fake.layers.get(match.group(1)) if match else None
        if layer is None:
            fake._record(None, "other", params, 404, None)
            self._send(404, b"<html>Not found</html>", "text/html")
            return
        kind = self._kind(match.group(3) is not None, params, layer)
        index = _batch_index(layer, params) if kind == "page" else None
        fault = fake._take_fault(layer, kind, params, index)
        # Recorded on arrival, so a request still sleeping is already counted.
        seen = fake._record(layer.name, kind, params, 200, fault.kind if fault else None)
        seen.method, seen.index = method, index
        if fault is not None and fault.kind == "status":
            seen.status = fault.code
            self._send(fault.code, b"<html><body>Server Error</body></html>", "text/html")
            return
        if fault is not None and fault.kind == "redirect":
            seen.status = 302
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fault is not None and fault.kind == "sleep":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "error":
            payload: dict = {"error": {"code": fault.code, "message": fault.message, "details": []}}
        else:
            payload = self._answer(layer, kind, params)
        body = json.dumps(payload).encode()
        if fault is not None and fault.kind == "truncate":
            body = body[: len(body) // 2]
        ctype = "application/geo+json" if kind == "geojson" else "application/json"
        ctype += "; charset=utf-8"
        if fault is not None and fault.kind == "drip":
            self._drip(body, ctype, fault.seconds)
        elif fault is not None and fault.kind == "gzip":
            # A gzip header, then bytes that are no deflate stream.
            broken = gzip.compress(body)[:10] + b"\xff\x00 not deflate " * 8
            self._send(200, broken, ctype, {"Content-Encoding": "gzip"})
        else:
            self._send(200, body, ctype)

    def _drip(self, body: bytes, ctype: str, seconds: float) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for i in range(len(body)):
                if self.server.fake._server is None:  # the fake was stopped
                    return
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(seconds)
        except (BrokenPipeError, ConnectionResetError):
            pass

    @staticmethod
    def _kind(is_query: bool, params: dict[str, str], layer: Layer) -> str:
        if not is_query:
            return "meta"
        if params.get("returnCountOnly", "").lower() == "true":
            return "count"
        if layer.return_ids and params.get("returnIdsOnly", "").lower() == "true":
            return "ids"
        if params.get("f", "").lower() == "geojson":
            return "geojson"
        return "page"

    def _send(
        self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout fault): nothing to do

    def _answer(self, layer: Layer, kind: str, params: dict[str, str]) -> dict:
        if kind == "meta":
            return _metadata(layer)
        try:
            rows = _select(layer, params.get("where", "1=1"))
            rows = _order(rows, params.get("orderByFields", ""))
        except ValueError:
            return {
                "error": {
                    "code": 400,
                    "message": "Unable to perform query. Please check your parameters.",
                    "details": [],
                }
            }
        if kind == "count":
            if layer.count is not None:
                return {"count": layer.count}
            return {"count": len(rows) + layer.count_delta}
        if kind == "ids":
            return {
                "objectIdFieldName": layer.object_id_field,
                "objectIds": [r[layer.object_id_field] for r in rows],
            }
        offset = 0 if layer.ignore_offset else int(params.get("resultOffset") or 0)
        asked = int(params.get("resultRecordCount") or layer.max_record_count)
        size = min(asked, layer.max_record_count)
        if params.get("objectIds") and not layer.ignore_object_ids:
            wanted = set(params["objectIds"].split(","))
            rows = [r for r in rows if str(r.get(layer.object_id_field)) in wanted]
            offset = 0
        chunk = rows[offset : offset + size]
        more = offset + len(chunk) < len(rows)
        if layer.endless and not params.get("objectIds"):
            first = 10**9 + offset
            template = layer.records[0] if layer.records else {}
            chunk = [{**template, layer.object_id_field: first + i} for i in range(size)]
            more = True
        if kind == "geojson":
            out: dict = {
                "type": "FeatureCollection",
                "features": [_feature(layer, r) for r in chunk],
            }
            if more:
                out["properties"] = {"exceededTransferLimit": True}
            return out
        out = {
            "objectIdFieldName": layer.object_id_field,
            "fields": _fields(layer),
            "features": [{"attributes": dict(r)} for r in chunk],
        }
        if layer.transfer_flag == "always" or (layer.transfer_flag == "when_true" and more):
            out["exceededTransferLimit"] = more
        return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeArcGIS


def _esri_type(name: str, value: Any, layer: Layer) -> str:
    if name == layer.object_id_field:
        return "esriFieldTypeOID"
    if name == layer.date_field:
        return "esriFieldTypeDate"
    if isinstance(value, bool):
        return "esriFieldTypeString"
    if isinstance(value, int):
        return "esriFieldTypeInteger"
    if isinstance(value, float):
        return "esriFieldTypeDouble"
    return "esriFieldTypeString"


def _batch_index(layer: Layer, params: dict[str, str]) -> int | None:
    """Where an objectIds batch starts among the layer's ids, sorted (None: not a batch)."""
    if not params.get("objectIds"):
        return None
    first = params["objectIds"].split(",")[0]
    ids = sorted(r.get(layer.object_id_field) for r in layer.records)
    names = [str(i) for i in ids]
    return names.index(first) if first in names else -1


def _fields(layer: Layer) -> list[dict]:
    sample: dict[str, Any] = {}
    for record in layer.records:
        for key, value in record.items():
            if sample.get(key) is None:
                sample[key] = value
    return [{"name": k, "type": _esri_type(k, v, layer), "alias": k} for k, v in sample.items()]


def _metadata(layer: Layer) -> dict:
    return {
        "currentVersion": 11.3,
        "id": 0,
        "name": layer.name,
        "type": "Table" if layer.geometries is None else "Feature Layer",
        "objectIdField": layer.object_id_field,
        "maxRecordCount": layer.max_record_count,
        "supportedQueryFormats": "JSON, geoJSON, PBF",
        "advancedQueryCapabilities": {"supportsPagination": True, "supportsOrderBy": True},
        "fields": _fields(layer),
    }


def _select(layer: Layer, where: str) -> list[dict]:
    rows = layer.records
    for clause in re.split(r"\s+AND\s+", where.strip(), flags=re.IGNORECASE):
        clause = clause.strip().strip("()").strip()
        if clause == "1=1":
            continue
        match = _DATE_RE.match(clause)
        if not match or match.group(1) != layer.date_field:
            raise ValueError(f"unsupported where clause {clause!r}")
        # ArcGIS Online keeps dates in UTC: DATE 'd' is midnight UTC of d, TIMESTAMP a UTC
        # instant.
        if match.group(2):
            day = date.fromisoformat(match.group(2))
            instant = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            instant = datetime.fromisoformat(match.group(3)).replace(tzinfo=UTC)
        cutoff = int(instant.timestamp() * 1000)
        field_name = match.group(1)
        rows = [r for r in rows if r.get(field_name) is not None and r[field_name] >= cutoff]
    return list(rows)


def _order(rows: list[dict], order_by: str) -> list[dict]:
    if not order_by.strip():
        return rows
    for part in reversed(order_by.split(",")):
        match = _ORDER_RE.match(part)
        if not match:
            raise ValueError(f"unsupported orderByFields {order_by!r}")
        name, direction = match.group(1), (match.group(2) or "ASC").upper()
        rows = sorted(rows, key=lambda r, n=name: (r.get(n) is None, r.get(n)))
        if direction == "DESC":
            rows.reverse()
    return rows


def _feature(layer: Layer, record: dict) -> dict:
    geometry = None
    if layer.geometries is not None:
        geometry = layer.geometries.get(record.get(layer.object_id_field))
    elif record.get("Longitude") is not None and record.get("Latitude") is not None:
        geometry = {"type": "Point", "coordinates": [record["Longitude"], record["Latitude"]]}
    return {
        "type": "Feature",
        "id": record.get(layer.object_id_field),
        "geometry": geometry,
        "properties": dict(record),
    }


class FakeArcGIS:
    """A threaded HTTP server on a free port of 127.0.0.1, usable as a context manager."""

    def __init__(self) -> None:
        self.layers: dict[str, Layer] = {}
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------
    def start(self) -> FakeArcGIS:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeArcGIS:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/arcgis/rest/services"

    # layers and faults ---------------------------------------------------------------
    def add_layer(self, name: str, records: list[dict], **options: Any) -> str:
        """Serve ``records`` as layer ``name``; returns the layer URL (``…/FeatureServer/0``)."""
        self.layers[name] = Layer(name=name, records=list(records), **options)
        return self.layer_url(name)

    def add_geojson_layer(self, name: str, geojson: dict, *, max_record_count: int = 2000) -> str:
        """Serve a FeatureCollection (e.g. boundary polygons) as layer ``name``."""
        records, geometries = [], {}
        for i, feature in enumerate(geojson["features"], start=1):
            records.append({"OBJECTID": i, **(feature.get("properties") or {})})
            geometries[i] = feature.get("geometry")
        self.layers[name] = Layer(
            name=name,
            records=records,
            object_id_field="OBJECTID",
            max_record_count=max_record_count,
            date_field=None,
            geometries=geometries,
        )
        return self.layer_url(name)

    def layer_url(self, name: str) -> str:
        return f"{self.base_url}/{name}/FeatureServer/0"

    def add_fault(self, layer: str, fault: Fault) -> Fault:
        with self._lock:
            self.layers[layer].faults.append(fault)
        return fault

    def _take_fault(
        self, layer: Layer, kind: str, params: dict[str, str], index: int | None = None
    ) -> Fault | None:
        target: str | int = kind
        if kind == "page":
            target = index if index is not None else int(params.get("resultOffset") or 0)
        with self._lock:
            for fault in layer.faults:
                if fault.target == target and (fault.times < 0 or fault.fired < fault.times):
                    fault.fired += 1
                    return fault
        return None

    def _record(
        self, layer: str | None, kind: str, params: dict, status: int, fault: str | None
    ) -> SeenRequest:
        seen = SeenRequest(layer, kind, dict(params), status, fault)
        with self._lock:
            self.requests.append(seen)
        return seen

    # inspection ----------------------------------------------------------------------
    def seen(self, layer: str | None = None, kind: str | None = None) -> list[SeenRequest]:
        """Requests seen so far, optionally for one layer and one kind."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (layer is None or r.layer == layer) and (kind is None or r.kind == kind)
            ]


# --------------------------------------------------------------------------------------
# Fixture rows in the Part1_Crime_Beta attribute form
# --------------------------------------------------------------------------------------

# (CrimeCode, Description, Weapon choices) for a spread of Part 1 offenses.
_OFFENSES: tuple[tuple[str, str, tuple[str | None, ...]], ...] = (
    ("4A", "AGG. ASSAULT", ("FIREARM", "KNIFE", "OTHER")),
    ("4E", "COMMON ASSAULT", ("PERSONAL WEAPONS", None)),
    ("6D", "LARCENY FROM AUTO", (None,)),
    ("6C", "SHOPLIFTING", (None,)),
    ("6J", "LARCENY", (None,)),
    ("7A", "AUTO THEFT", (None,)),
    ("5A", "BURGLARY", (None,)),
    ("3AF", "ROBBERY - STREET", ("FIREARM",)),
    ("3AJF", "ROBBERY - CARJACKING", ("FIREARM",)),
    ("9S", "SHOOTING", ("FIREARM",)),
    ("1A", "HOMICIDE", ("FIREARM",)),
    ("2A", "RAPE", (None,)),
    ("8H", "ARSON", (None,)),
)
_PLACES: tuple[tuple[str, str, str, str, float, float], ...] = (
    # (Post, Old_District, New_District, Neighborhood, Latitude, Longitude)
    ("111", "CENTRAL", "CENTRAL", "MOUNT VERNON", 39.2976, -76.6157),
    ("213", "SOUTHEASTERN", "SOUTHEAST", "CANTON", 39.2806, -76.5735),
    ("322", "EASTERN", "EASTERN", "BROADWAY EAST", 39.3079, -76.5851),
    ("431", "NORTHEASTERN", "NORTHEAST", "FRANKFORD", 39.3245, -76.5439),
    ("522", "NORTHERN", "NORTHERN", "HAMPDEN", 39.3310, -76.6320),
    ("623", "NORTHWESTERN", "NORTHWEST", "PARK HEIGHTS", 39.3395, -76.6632),
    ("733", "WESTERN", "WESTERN", "SANDTOWN-WINCHESTER", 39.3001, -76.6436),
    ("821", "SOUTHWESTERN", "SOUTHWEST", "IRVINGTON", 39.2788, -76.6854),
    ("913", "SOUTHERN", "SOUTHERN", "CHERRY HILL", 39.2498, -76.6206),
)
_STREETS = ("N CHARLES ST", "E MONUMENT ST", "BOSTON ST", "W NORTH AVE", "FALLS RD", "YALE AVE")
_PREMISES = ("STREET", "ROW/TOWNHOUSE-OCC", "PARKING LOT-OUTSIDE", "CONVENIENCE STORE")
_RACES = ("BLACK_OR_AFRICAN_AMERICAN", "WHITE", "ASIAN", "UNKNOWN")
_ETHNICITIES = ("NOT_HISPANIC_OR_LATINO", "HISPANIC_OR_LATINO", None)

#: First and last day covered by ``part1_records`` (local dates).
FIXTURE_START = date(2025, 1, 1)
FIXTURE_DAYS = 90


def part1_records(n: int = 2500, *, seed: int = 20250101, shuffle: bool = True) -> list[dict]:
    """``n`` deterministic rows shaped like Part1_Crime_Beta ``features[].attributes``.

    RowID runs 1..n and CrimeDateTime (epoch ms, UTC) never falls as RowID rises, over
    FIXTURE_DAYS days from FIXTURE_START, local time. Every fifth incident has a second
    victim row (same CCNumber, next RowID). With ``shuffle`` the rows are stored out of
    order, so only ``orderByFields`` gives them back by RowID.
    """
    rng = random.Random(seed)
    start = datetime(FIXTURE_START.year, FIXTURE_START.month, FIXTURE_START.day, tzinfo=_CITY_TZ)
    span_s = FIXTURE_DAYS * 86400
    rows: list[dict] = []
    incident = 0
    previous: dict | None = None
    for row_id in range(1, n + 1):
        stamp = start + timedelta(seconds=(row_id - 1) * span_s // max(n, 1) + rng.randrange(60))
        if previous is not None and previous["_victims_left"] > 0:
            base = dict(previous)
            base["_victims_left"] -= 1
        else:
            incident += 1
            code, description, weapons = rng.choice(_OFFENSES)
            post, old, new, hood, lat, lon = rng.choice(_PLACES)
            lat = round(lat + rng.uniform(-0.004, 0.004), 6)
            lon = round(lon + rng.uniform(-0.004, 0.004), 6)
            base = {
                "_victims_left": 1 if incident % 5 == 0 else 0,
                "CCNumber": f"25A{incident:07d}",
                "CrimeDateTime": int(stamp.timestamp() * 1000),
                "CrimeCode": code,
                "Description": description,
                "Inside_Outside": rng.choice(("I", "O", "Inside", "Outside", None)),
                "Weapon": rng.choice(weapons),
                "Shooting": "Y" if code in ("9S", "1A") else "N",
                "Post": post,
                "Location": f"{rng.randrange(1, 40) * 100} {rng.choice(_STREETS)}",
                "Old_District": old,
                "New_District": new,
                "Neighborhood": hood,
                "Latitude": lat,
                "Longitude": lon,
                "GeoLocation": f"({lat},{lon})",
                "PremiseType": rng.choice(_PREMISES),
                "Total_Incidents": 1,
            }
        victim = {
            "Gender": rng.choice(("M", "F", "U", None)),
            "Age": rng.choice((None, *range(14, 80))),
            "Race": rng.choice(_RACES),
            "Ethnicity": rng.choice(_ETHNICITIES),
        }
        previous = base
        row = {"RowID": row_id, **{k: v for k, v in base.items() if k != "_victims_left"}}
        row.update(victim)
        rows.append(row)
    if shuffle:
        rng.shuffle(rows)
    return rows


# --------------------------------------------------------------------------------------
# Arrest rows in the ArcGIS layer's attribute form, from the real sample
# --------------------------------------------------------------------------------------

#: Sample columns that are numbers in the layer (the rest are text).
_ARREST_INTS = ("RowID", "Age")
_ARREST_FLOATS = ("Latitude", "Longitude")
#: The sample's hour of day given to each arrest (its time of day was lost): local noon,
#: so the UTC instant and the Baltimore date agree whatever the clock reading.
ARREST_HOUR = 12


def arrest_records(path: Any, n: int | None = None) -> list[dict]:
    """The first ``n`` rows of the real ArcGIS-generation arrest sample
    (``more_arrests_usf_rows_*.csv``) as layer attributes: blank -> None, RowID and Age
    integers, coordinates floats, ``ArrestDateTime`` epoch milliseconds (UTC) of noon in
    Baltimore on the row's date; the empty ``Shape`` column dropped."""
    import csv

    rows: list[dict] = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for i, record in enumerate(csv.DictReader(handle)):
            if n is not None and i >= n:
                break
            row: dict[str, Any] = {}
            for key, value in record.items():
                if key == "Shape":
                    continue
                text = value if value.strip() else None
                if text is not None and key in _ARREST_INTS:
                    row[key] = int(text)
                elif text is not None and key in _ARREST_FLOATS:
                    row[key] = float(text)
                elif key == "ArrestDateTime" and text is not None:
                    day = date.fromisoformat(text)
                    local = datetime(day.year, day.month, day.day, ARREST_HOUR, tzinfo=_CITY_TZ)
                    row[key] = int(local.timestamp() * 1000)
                else:
                    row[key] = text
            rows.append(row)
    return rows
