"""Load guard for the Voila server: no kernel for clients that do not run the page, a cap on
live kernels with a "busy" page, a queue for notebook runs, and kernels of closed tabs ended.

Why (issue 9): every GET of ``/`` made Voila start a kernel (~120 MB, kept 20 minutes), so
eleven ``curl`` calls or link-preview bots held over 1.3 GB and nothing capped the number;
twenty visitors arriving together ran twenty notebooks at once on two cores, and most pages
stayed blank for good (``Timeout waiting for IOPub output``); and a closed tab kept its
kernel, because Voila's shutdown request on ``beforeunload`` is a ``sendBeacon`` POST without
the ``_xsrf`` token that jupyter_server demands (voila-dashboards/voila#1458, open for Voila
0.5.x: "403 POST: '_xsrf' argument missing from POST when closing kernel").

Voila 0.5.13 and jupyter_server 2.x have no setting for any of this: no cap on the number
of kernels (``MappingKernelManager`` starts one per request), no limit on notebooks run at
once, and a single culling timeout for idle kernels (``cull_connected=false`` would keep a
tab left open overnight for ever, ``true`` culls a closed tab only after the full idle
timeout). So the app's page handler is wrapped here (``GuardedVoila`` replaces Voila's page
handler in its own handler list; nothing else of Voila changes):

1. **JavaScript gate.** A GET of the app page without the cookie ``bmoredash_js=1`` gets a
   small HTML page (no kernel) whose script sets that cookie and loads the same address
   again; browsers then get the real page, ``curl``, crawlers and link-preview bots that do
   not run scripts never start a kernel. A client that sends the cookie by hand gets a
   kernel like a browser: the cap below is what bounds it.
2. **Kernel cap.** When live kernels plus pages waiting or being drawn reach ``max_kernels``,
   the page answers ``503`` with ``Retry-After`` and a plain "busy, try again in a minute"
   page (it reloads itself after ``retry_after`` seconds). Kernels of a preheated pool count.
3. **Render queue.** At most ``max_rendering`` notebooks run at once (default: the number of
   CPU cores); later visitors wait their turn (their browser keeps showing the loading page)
   instead of all sharing the CPU, so each page gets its kernel's output within Voila's IOPub
   timeout. A visitor who waited ``queue_timeout`` seconds gets the busy page.
4. **Closed tabs.** Every ``reap_interval`` seconds, an idle kernel that no page is
   connected to (no kernel websocket) is shut down ``disconnected_timeout`` seconds after
   its page left (closed tabs, crashed browsers), or ``unconnected_timeout`` seconds after
   it last did anything if no page ever connected (a client that fetched the page but never
   ran it; longer, as a browser in a crowd may take a minute to load the page's scripts
   after the notebook has run). And the app page now sets the
   ``_xsrf`` cookie: Voila's tab-close script sends that cookie's value with its shutdown
   request, but Voila itself never sets it, hence the 403. With it, a tab closed normally
   frees its kernel at once (the XSRF check stays on).

Remove when Voila can cap kernels, limit concurrent executions and shut kernels down on tab
close by itself (watch voila-dashboards/voila#1458; re-check on each Voila upgrade: this
module replaces ``TornadoVoilaHandler`` by a subclass and reads
``MappingKernelManager._kernel_connections`` and the preheat pool ``_pools``).

Settings: the ``BmoredashLoadGuard`` section of ``bmoredash/serving/voila/voila.json`` or
``--BmoredashLoadGuard.<name>=<value>`` on the Voila command line (``bmoredash.serving.launch``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jupyter_core.utils import ensure_async
from tornado.ioloop import PeriodicCallback
from traitlets import Bool, Float, Integer
from traitlets.config import Configurable
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from bmoredash import i18n, style

#: The cookie the light page's script sets; its presence means "this client runs scripts".
JS_COOKIE = "bmoredash_js"
#: Memory planned per kernel when sizing the default cap (measured ~120-160 MB).
KERNEL_MB = 160
#: Kernels per CPU core in the default cap (idle kernels cost memory, not CPU).
KERNELS_PER_CORE = 20
#: Key of the guard in the tornado application settings.
SETTINGS_KEY = "bmoredash_load_guard"
#: Marker in the light page (tests and the benchmark look for it).
SHELL_MARKER = "bmd-shell"
#: Marker in the busy page.
BUSY_MARKER = "bmd-busy"


def available_memory_mb() -> int | None:
    """MemAvailable from /proc/meminfo in MB, or None where there is no such file."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def default_max_kernels(cores: int | None = None, memory_mb: int | None = None) -> int:
    """``KERNELS_PER_CORE`` per core, but no more than half the free memory allows at
    ``KERNEL_MB`` per kernel; at least 2. (2 cores, 24 GB free: 40; 2 cores, 2 GB: 6.)"""
    cores = cores or os.cpu_count() or 1
    by_cpu = KERNELS_PER_CORE * cores
    memory_mb = memory_mb if memory_mb is not None else available_memory_mb()
    if memory_mb is None:
        return by_cpu
    return max(2, min(by_cpu, memory_mb // 2 // KERNEL_MB))


class BmoredashLoadGuard(Configurable):
    """Settings and state of the load guard (one per Voila process)."""

    enabled = Bool(True, help="Turn the whole guard off (plain Voila; benchmarks).").tag(
        config=True
    )
    require_js = Bool(
        True, help="Serve a light page (no kernel) to clients without the script cookie."
    ).tag(config=True)
    max_kernels = Integer(
        0,
        help="Most live kernels (visitors' and pool's); 0: KERNELS_PER_CORE per core, capped "
        "by half the free memory at KERNEL_MB each.",
    ).tag(config=True)
    max_rendering = Integer(0, help="Notebooks run at once; 0: the number of CPU cores.").tag(
        config=True
    )
    queue_timeout = Float(
        240.0, help="Seconds a visitor waits for a turn before getting the busy page."
    ).tag(config=True)
    retry_after = Integer(60, help="Retry-After of the busy page, in seconds.").tag(config=True)
    disconnected_timeout = Float(
        45.0,
        help="Seconds an idle kernel lives on after its page disconnected; 0: never ended.",
    ).tag(config=True)
    unconnected_timeout = Float(
        180.0,
        help="Seconds an idle kernel whose page never connected lives on (a browser slow to "
        "load the page's scripts in a crowd, or a client that never runs them); 0: never.",
    ).tag(config=True)
    reap_interval = Float(10.0, help="Seconds between checks for such kernels.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kernel_cap = self.max_kernels or default_max_kernels()
        self.render_slots = self.max_rendering or os.cpu_count() or 1
        self.waiting = 0
        self.rendering = 0
        self._semaphore: asyncio.Semaphore | None = None
        #: kernel id -> when its last page websocket closed (or is open: now), by the hooks
        self._disconnected_at: dict[str, float] = {}

    def watch_connections(self, kernel_manager: Any) -> None:
        """Note when pages connect to and disconnect from each kernel (wraps the kernel
        manager's ``notify_connect``/``notify_disconnect``, which the websocket calls)."""
        connect, disconnect = kernel_manager.notify_connect, kernel_manager.notify_disconnect

        def notify_connect(kernel_id: str) -> None:
            self._disconnected_at[kernel_id] = time.monotonic()
            connect(kernel_id)

        def notify_disconnect(kernel_id: str) -> None:
            self._disconnected_at[kernel_id] = time.monotonic()
            disconnect(kernel_id)

        kernel_manager.notify_connect = notify_connect
        kernel_manager.notify_disconnect = notify_disconnect

    # -- admission -----------------------------------------------------------------------

    def occupied(self, kernel_manager: Any) -> int:
        """Live kernels plus pages waiting or being drawn (a page being drawn may already
        have its kernel in the list: the count errs high by at most ``render_slots``)."""
        return len(kernel_manager.list_kernel_ids()) + self.waiting + self.rendering

    async def take_turn(self) -> bool:
        """Wait for a render slot; False after ``queue_timeout`` seconds."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.render_slots)
        self.waiting += 1
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.queue_timeout)
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        self.rendering += 1
        return True

    def end_turn(self) -> None:
        self.rendering -= 1
        assert self._semaphore is not None
        self._semaphore.release()

    # -- closed tabs -----------------------------------------------------------------------

    async def reap(self, kernel_manager: Any, log: Any) -> list[str]:
        """Shut down idle kernels that no page is connected to: ``disconnected_timeout``
        seconds after their page left, ``unconnected_timeout`` seconds after they last did
        anything when no page ever connected; their ids."""
        if self.disconnected_timeout <= 0 and self.unconnected_timeout <= 0:
            return []
        now = time.monotonic()
        wall = dt.datetime.now(dt.UTC)
        pooled = pool_kernel_ids(kernel_manager)
        connections = getattr(kernel_manager, "_kernel_connections", {})
        live = set(kernel_manager.list_kernel_ids())
        ended = []
        for kernel_id in live - pooled:
            if connections.get(kernel_id, 0) > 0:
                continue
            try:
                kernel = kernel_manager.get_kernel(kernel_id)
            except KeyError:
                continue
            if getattr(kernel, "execution_state", "idle") == "busy":
                continue
            quiet = float("inf")
            last_activity = getattr(kernel, "last_activity", None)
            if isinstance(last_activity, dt.datetime):
                if last_activity.tzinfo is None:
                    last_activity = last_activity.replace(tzinfo=dt.UTC)
                quiet = (wall - last_activity).total_seconds()
            if kernel_id in self._disconnected_at:
                quiet = min(quiet, now - self._disconnected_at[kernel_id])
                limit, why = self.disconnected_timeout, "its page left"
            else:
                limit, why = self.unconnected_timeout, "no page ever connected"
            if limit <= 0 or quiet < limit:
                continue
            log.info("Shutting down kernel %s: %s, idle for %.0f s", kernel_id, why, quiet)
            try:
                await ensure_async(kernel_manager.shutdown_kernel(kernel_id))
            except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
                log.warning("Could not shut down kernel %s", kernel_id, exc_info=True)
                continue
            ended.append(kernel_id)
        for kernel_id in set(self._disconnected_at) - (live - set(ended)):
            del self._disconnected_at[kernel_id]
        return ended


def pool_kernel_ids(kernel_manager: Any) -> set[str]:
    """Ids of the kernels waiting in Voila's preheated pool (never reaped)."""
    ids = set()
    for pool in getattr(kernel_manager, "_pools", {}).values():
        for task in pool:
            with contextlib.suppress(Exception):
                if task.done():
                    ids.add(task.result().get("kernel_id"))
    return ids


# --------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------

#: The guard's pages (Jinja2, autoescaped), in ``bmoredash/serving/templates``.
_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)
_PAGES.globals["css_root"] = markupsafe.Markup(style.css_root())  # the colours every page shares
i18n.install(_PAGES)


def shell_page(lang: str = i18n.DEFAULT) -> str:
    """The light page that sets the script cookie, in the language the link asks for.

    NOTE: rendered whole, without an await, so switching the language for it cannot mix
    with another visitor's page in this one server process."""
    with i18n.using(lang):
        return _PAGES.get_template("guard_shell.html.j2").render(
            marker=SHELL_MARKER, cookie=JS_COOKIE
        )


def busy_page(retry_after: int, lang: str = i18n.DEFAULT) -> str:
    """The "busy, try again" page, reloading itself after ``retry_after`` seconds."""
    with i18n.using(lang):
        return _PAGES.get_template("guard_busy.html.j2").render(
            marker=BUSY_MARKER, retry_after=int(retry_after)
        )


# --------------------------------------------------------------------------------------
# Handlers and the application
# --------------------------------------------------------------------------------------


class GuardedVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler behind the JavaScript gate, the kernel cap and the render queue."""

    async def get(self, path: str | None = None) -> None:
        guard: BmoredashLoadGuard | None = self.settings.get(SETTINGS_KEY)
        # Any other path is a redirect to /voila/files/ (no kernel): Voila handles it.
        if guard is None or not guard.enabled or path:
            await super().get(path)
            return
        if guard.require_js and self.get_cookie(JS_COOKIE) != "1":
            self._plain(200, shell_page(self._language()))
            return
        occupied = guard.occupied(self.kernel_manager)
        if occupied >= guard.kernel_cap:
            self.log.warning(
                "Busy page: %d kernels or pages under way, cap %d", occupied, guard.kernel_cap
            )
            self._busy(guard)
            return
        queued = time.monotonic()
        if not await guard.take_turn():
            self.log.warning("Busy page: waited %.0f s for a turn", guard.queue_timeout)
            self._busy(guard)
            return
        try:
            stream = getattr(self.request.connection, "stream", None)
            if stream is not None and stream.closed():
                return  # the visitor left while waiting: start no kernel
            # Voila's tab-close script posts the ``_xsrf`` cookie's value with its shutdown
            # request, but nothing in Voila sets that cookie: reading the token sets it.
            self.xsrf_token  # noqa: B018
            started = time.monotonic()
            await super().get(path)
            self.log.info(
                "Page drawn in %.1f s after %.1f s waiting for a turn (%d waiting)",
                time.monotonic() - started,
                started - queued,
                guard.waiting,
            )
        finally:
            guard.end_turn()

    def _language(self) -> str:
        """The language the visitor's link asks for (``?lang=es``), English otherwise."""
        return i18n.language_from_query(self.get_argument("lang", None))[0]

    def _plain(self, status: int, body: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.finish(body)

    def _busy(self, guard: BmoredashLoadGuard) -> None:
        self.set_header("Retry-After", str(guard.retry_after))
        self._plain(503, busy_page(guard.retry_after, self._language()))


class GuardedVoila(Voila):
    """Voila with the load guard in front of its page handler."""

    classes = [*Voila.classes, BmoredashLoadGuard]

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        guard = BmoredashLoadGuard(parent=self)
        if not guard.enabled:
            return handlers
        self.app.settings[SETTINGS_KEY] = guard
        replaced = []
        for spec in handlers:
            handler = spec[1] if isinstance(spec, tuple) else None
            if handler is TornadoVoilaHandler:
                spec = (spec[0], GuardedVoilaHandler, *spec[2:])
            replaced.append(spec)
        self.log.info(
            "Load guard: at most %d kernels, %d notebook runs at once; kernels ended %.0f s "
            "after their page left, %.0f s when no page ever connected",
            guard.kernel_cap,
            guard.render_slots,
            guard.disconnected_timeout,
            guard.unconnected_timeout,
        )
        guard.watch_connections(self.kernel_manager)
        if guard.disconnected_timeout > 0 or guard.unconnected_timeout > 0:

            async def reap() -> None:
                await guard.reap(self.kernel_manager, self.log)

            self._bmoredash_reaper = PeriodicCallback(reap, guard.reap_interval * 1000)
            self._bmoredash_reaper.start()
        return replaced


main = GuardedVoila.launch_instance
