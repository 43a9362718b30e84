"""The one door from the product into serving: workarounds for how Voila and Jupyter run
the notebooks. Product modules import nothing else from ``bmoredash.serving`` (see its
``__init__``): ``bmoredash.app.shell`` uses the preheat and ``settle`` helpers, the report
batch ``install_kernel_channels``. Each helper says why it exists and when it can go.

``is_preheated`` and ``current_query_string`` exist because of Voila's preheated kernel
pool (``bmoredash serve --preheat``, i.e. Voila's ``--preheat_kernel=True --pool_size=N``,
added upstream in voila-dashboards/voila#936). A pooled kernel runs the whole notebook
before any visitor has asked for a page, so the visitor's URL is not in the kernel's
environment (``QUERY_STRING``) when the notebook starts. Voila sends it later, once the
visitor's request takes the kernel from the pool; ``voila.utils.get_query_string`` (built
on ``wait_for_request``, voila-dashboards/voila#1109) blocks until then. The shell uses
them to build the default view while no one waits and apply the visitor's link after.
Remove both, and the preheat branch of ``bmoredash.app.shell.build_app``, when
``--preheat`` is dropped from ``bmoredash serve`` (forked kernels, ``--fork-kernels``,
already start warm without it), or when Voila hands a pooled kernel its request before
running the notebook.

``settle`` exists because every visitor gets a long-lived kernel process (one per page,
kept up to 20 minutes): after the data and the pages are loaded it collects once and
freezes what survives (``gc.freeze``) so later collections skip it. Remove it when the
pause it avoids is gone, e.g. re-measure on a Python with an incremental collector
(3.14+) with ``benchmarks/bench_dashboard.py``'s map filter change.

``install_kernel_channels`` exists because jupyter_client's asyncio channels can miss a
kernel's reply for good (measured; the evidence, upstream issues and removal condition are
in ``bmoredash.serving.kernel_channels``). The report batch calls it before papermill runs
a notebook (the Voila server installs it itself). It goes when that module goes.
"""

from __future__ import annotations

import gc
import os


def is_preheated() -> bool:
    """True in a kernel Voila started ahead of its visitor (``--preheat_kernel``): Voila
    sets ``VOILA_PREHEAT`` in the environment of its pooled kernels."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


def current_query_string() -> str:
    """The visitor's query string: from Voila (works with preheated kernels), else the
    ``QUERY_STRING`` environment variable, else empty (outside Voila).

    NOTE: with ``--preheat_kernel`` the notebook runs before the visitor arrives, so
    ``QUERY_STRING`` is empty then; ``voila.utils.get_query_string`` waits for the request.
    Importing ``voila.utils`` loads the whole Jupyter server stack (~3 s and ~90 MB per
    kernel, measured), so it is imported only in a preheated kernel, which pays that before
    its visitor arrives; otherwise Voila has already put the query in the environment.
    """
    if is_preheated():
        try:
            from voila.utils import get_query_string

            query = get_query_string()
        except Exception:  # a Voila without the helper, or the server went away
            query = None
        if query:
            return query
    return os.environ.get("QUERY_STRING", "")


def settle() -> None:
    """Collect garbage once, then exempt what survives from later collections.

    NOTE: a filter change on the map makes ~15,000 small dicts and lists (GeoJSON); every
    few changes they set off a full collection, which walked the ~300,000 objects of the
    imported libraries, the data and the pages: ~70 ms on top of a ~30 ms change. Objects
    alive now live as long as the kernel, so they are frozen (``gc.freeze``) and later
    collections only look at what came after.
    """
    gc.collect()
    gc.freeze()


def install_kernel_channels() -> None:
    """Make this process's kernel clients wait for replies in slices (idempotent): a lost
    ZeroMQ wake-up then costs a pause, not a hung notebook run."""
    from bmoredash.serving import kernel_channels

    kernel_channels.install()
