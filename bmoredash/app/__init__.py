"""The Voila dashboard: one filter bar, eight pages, state in the URL.

The served notebook only calls ``preload()``, ``build_app()`` and displays the result;
everything the app does lives in this package (``context`` loads once, ``state`` holds
the filters, ``shell`` wires the filter bar to the pages, ``pages`` draw).
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "preload"]


def __getattr__(name: str) -> Any:
    # Lazy: importing ``bmoredash.app`` must not pull in bqplot before the kernel needs it.
    if name == "build_app":
        from bmoredash.app.shell import build_app

        return build_app
    if name == "preload":
        from bmoredash.app.shell import preload

        return preload
    raise AttributeError(name)
