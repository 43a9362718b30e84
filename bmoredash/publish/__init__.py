"""The static site: ``bmoredash publish --out site/`` writes plain pages that any static web
server can serve to thousands of readers at once, with no Python at view time.

One job per module:

- ``data``: what each page shows, counted through ``selection``, ``periods`` and
  ``aggregate`` (no rule of its own);
- ``render``: the Jinja2 templates (``templates/``) -> HTML, CSV beside each table, the
  trend chart as an SVG file;
- ``archive``: the weekly reports (``bmoredash reports``) copied in, their archive page
  and Atom feed;
- ``site``: the whole site, written aside and switched into place atomically.
"""

from __future__ import annotations

from bmoredash.publish.site import PublishResult, publish

__all__ = ["PublishResult", "publish"]
