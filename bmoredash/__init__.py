"""bmoredash: Baltimore Part 1 crime data, cleaned and stored, for the dashboard and reports.

Public API: ``load_incidents``, ``read_manifest``, ``read_quality``. Everything else is
imported from its module.
"""

from __future__ import annotations

from typing import Any

from bmoredash.config import VERSION as __version__  # noqa: F401 (the package's version)

__all__ = ["load_incidents", "read_manifest", "read_quality"]


def __getattr__(name: str) -> Any:
    # Lazy so that ``import bmoredash`` stays cheap for the CLI and the kernels.
    if name in __all__:
        from bmoredash import store

        return getattr(store, name)
    raise AttributeError(name)
