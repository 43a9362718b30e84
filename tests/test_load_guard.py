"""The load guard of the Voila server (``bmoredash.serving.guard``), against a real server:
plain GETs start no kernel, the kernel cap answers a busy page, kernels of closed tabs end.

One server for the module, with a cap of one kernel and a short wait for kernels no page is
connected to, so that the whole module runs in about a minute.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import psutil
import pytest
from browser_support import Server, demo_store, http_get, launch_chromium, wait_for_app

from bmoredash.serving import guard as voila_guard

pytestmark = pytest.mark.slow

#: Seconds an idle kernel with no page connected lives on in this module's server.
DISCONNECTED_S = 12


def kernel_pids(server: Server) -> list[int]:
    """The kernel processes of this server (children running ipykernel)."""
    found = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child.pid)
        except psutil.Error:
            continue
    return found


def wait_for_no_kernels(server: Server, timeout: float) -> float:
    """Seconds until the server has no kernel process; fails after ``timeout``."""
    started = time.monotonic()
    while kernel_pids(server):
        assert time.monotonic() - started < timeout, (
            f"kernels still alive after {timeout:.0f}s: {kernel_pids(server)}\n"
            + server.log_text()[-3000:]
        )
        time.sleep(0.5)
    return time.monotonic() - started


def get_with_cookie(url: str, timeout: float = 120) -> tuple[int, str, dict, float]:
    """A GET as the browser sends it after the light page's script ran; (status, body,
    headers, seconds)."""
    request = urllib.request.Request(url, headers={"Cookie": f"{voila_guard.JS_COOKIE}=1"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, body, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        return error.code, body, dict(error.headers), time.monotonic() - started


@pytest.fixture(scope="module")
def server():
    settings = [
        "--BmoredashLoadGuard.max_kernels=1",
        f"--BmoredashLoadGuard.disconnected_timeout={DISCONNECTED_S}",
        f"--BmoredashLoadGuard.unconnected_timeout={DISCONNECTED_S}",
        "--BmoredashLoadGuard.reap_interval=2",
    ]
    with Server(demo_store(), extra_args=settings) as running:
        yield running


def test_default_cap_follows_cores_and_memory() -> None:
    assert voila_guard.default_max_kernels(cores=2, memory_mb=24_000) == 40
    assert voila_guard.default_max_kernels(cores=2, memory_mb=2_000) == 6
    assert voila_guard.default_max_kernels(cores=1, memory_mb=100) == 2


def test_plain_gets_start_no_kernel(server: Server) -> None:
    for _ in range(10):
        status, body, headers = http_get(server.url + "/", timeout=10)
        assert status == 200
        assert voila_guard.SHELL_MARKER in body
        assert "widget-view" not in body
        assert "no-store" in headers.get("Cache-Control", "")
    # a link with a view in it gets the same light page, in the link's language
    status, body, _ = http_get(server.url + "/?page=trends&district=Western", timeout=10)
    assert status == 200 and voila_guard.SHELL_MARKER in body
    assert '<html lang="en">' in body and "Loading the dashboard" in body
    status, body, _ = http_get(server.url + "/?page=trends&lang=es", timeout=10)
    assert status == 200 and voila_guard.SHELL_MARKER in body
    assert '<html lang="es">' in body and "Cargando el panel" in body
    time.sleep(1)
    assert kernel_pids(server) == []
    assert "Kernel started" not in server.log_text()


def test_the_cap_answers_a_busy_page(server: Server) -> None:
    status, body, _, _ = get_with_cookie(server.url + "/")
    assert status == 200, server.log_text()[-3000:]
    assert "application/vnd.jupyter.widget-view+json" in body
    assert len(kernel_pids(server)) == 1
    status, body, headers, seconds = get_with_cookie(server.url + "/", timeout=10)
    assert status == 503
    assert headers.get("Retry-After") == "60"
    assert voila_guard.BUSY_MARKER in body and "try again in a minute" in body
    assert "<script" not in body  # plain HTML: readable without scripts
    assert seconds < 5
    status, body, _, _ = get_with_cookie(server.url + "/?lang=es", timeout=10)
    assert status == 503
    assert '<html lang="es">' in body and "El panel está ocupado" in body
    assert len(kernel_pids(server)) == 1


def test_a_kernel_no_page_connects_to_ends(server: Server) -> None:
    """The kernel of the previous test never had a websocket (no browser ran the page)."""
    waited = wait_for_no_kernels(server, timeout=DISCONNECTED_S + 30)
    assert waited < DISCONNECTED_S + 30
    assert "no page ever connected" in server.log_text()


@pytest.mark.parametrize("leave_first", [True, False], ids=["page-left", "tab-gone"])
def test_a_closed_tab_frees_its_kernel(server: Server, leave_first: bool) -> None:
    """A page left normally (``beforeunload`` sends Voila's shutdown request) ends its kernel
    at once; a tab that vanishes without it (Playwright's ``close`` does not let the beacon
    out, nor does a crashed browser) within the disconnected timeout."""
    from playwright.sync_api import sync_playwright

    wait_for_no_kernels(server, timeout=DISCONNECTED_S + 30)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            tab = browser.new_page()
            tab.goto(server.url + "/", wait_until="commit")
            wait_for_app(tab)
            assert len(kernel_pids(server)) == 1
            if not leave_first:
                time.sleep(DISCONNECTED_S + 3)  # an open tab keeps its kernel past the timeout
                assert len(kernel_pids(server)) == 1
            if leave_first:
                tab.goto("about:blank")  # what closing a tab does first: beforeunload
            tab.close()
            waited = wait_for_no_kernels(server, timeout=90)
        finally:
            browser.close()
    if leave_first:
        assert waited < 5
        assert "'_xsrf' argument missing" not in server.log_text()
    else:
        assert waited < DISCONNECTED_S + 15
        assert "its page left" in server.log_text()
