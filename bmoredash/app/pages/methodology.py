"""Page 7, Methodology: what is counted, where the series breaks (``text/methodology.md``,
shared with the weekly report's footnote), and the quality of the data this dashboard is
serving (the store's own report)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd

from bmoredash import coverage, official, text
from bmoredash.app import html as app_html
from bmoredash.app.charts import html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage

QUALITY_LABELS: dict[str, str] = {
    "rows_read": "Rows read from the source files",
    "rows_kept": "Rows kept",
    "rows_served": "Rows in the store (served by the newest snapshot of each date)",
    "rows_superseded": "Rows replaced by a newer snapshot of the same dates",
    "identical_rows_kept": "Rows identical to another, kept (several victims of one crime)",
    "outside_plausible_range": "Rows dated before their dataset starts (late reports)",
    "ungeocoded": "Rows without usable coordinates",
    "no_council_district": "Rows in no Council district (no coordinates, or a point outside)",
    "no_legislative_district": "Rows in no legislative district (no coordinates, or outside)",
    "coordinates_repaired": "Coordinates repaired",
    "unknown_district": "Rows with an unknown district",
    "ages_cleared": "Implausible ages cleared",
    "genders_unknown": "Victim gender unknown",
    "time_unknown": "Rows without a time of day",
    "neighborhoods_expanded": "Cut-off neighborhood names expanded",
}


def _data_from(manifest: dict[str, Any]) -> str | None:
    """The first day the sources cover (a stray old row is not the start of the data)."""
    first = coverage.from_manifest(manifest).first_day()
    return first.isoformat() if first else None


def quality_html(quality: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The store's quality report and sources as tables (whatever keys they hold)."""
    if not quality and not manifest:
        return app_html.render("quality_missing")
    parts = []
    facts = {
        "Rows in the store": manifest.get("rows"),
        "Data from": _data_from(manifest),
        "Earliest row (may be a late report)": manifest.get("first_date"),
        "Last date": manifest.get("last_date"),
        "Data through": manifest.get("data_through"),
        "Store written (UTC)": manifest.get("created_at"),
        "Demo data": "yes" if manifest.get("demo") else "no",
    }
    facts_frame = pd.DataFrame(
        {"value": [str(v) for v in facts.values() if v is not None]},
        index=pd.Index([k for k, v in facts.items() if v is not None], name="store"),
    )
    parts.append(html_table(facts_frame, caption="This store"))
    scalars = {
        QUALITY_LABELS.get(k, k.replace("_", " ")): v
        for k, v in quality.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    if scalars:
        frame = pd.DataFrame({"rows": list(scalars.values())}, index=list(scalars))
        frame.index.name = "check"
        parts.append(html_table(frame, caption="Cleaning report"))
    for key, caption in (
        ("quarantined", "Rows kept out of the store, by reason"),
        ("unmapped_descriptions", "Descriptions that map to no Part 1 offense (top 15)"),
    ):
        values = quality.get(key) or {}
        if values:
            series = pd.Series(values, dtype="int64").sort_values(ascending=False).head(15)
            frame = series.to_frame("rows")
            frame.index.name = key.replace("_", " ")
            parts.append(html_table(frame, caption=caption))
    sources = manifest.get("sources") or []
    if sources:
        frame = pd.DataFrame(sources).set_index("source")
        parts.append(html_table(frame, caption="Sources"))
    return "".join(parts)


def _signed(value: Any) -> str:
    return "–" if pd.isna(value) else f"{int(value):+,d}"


def official_html(frame: pd.DataFrame, cover: coverage.Coverage) -> str:
    """Our yearly homicides and non-fatal shootings beside the official tallies, with the
    documented reasons and the sources (``bmoredash.official``)."""
    comparison = official.compare_with_official(frame, cover)
    table = official.comparison_table(comparison)
    table.index = table.index.astype(str)
    parts = [
        html_table(
            table,
            caption="Our count next to the official one (victims per calendar year)",
            formatters={"difference": _signed},
        )
    ]
    reasons = official.load_reasons()
    sources = comparison.drop_duplicates("source_url")
    parts.append(
        app_html.render(
            "official_reasons",
            reasons=reasons.to_dict("records"),
            sources=sources.to_dict("records"),
        )
    )
    return "".join(parts)


class MethodologyPage(BasePage):
    title = "Methodology"
    slug = "methodology"

    def build(self) -> widgets.Widget:
        quality = widgets.HTML(
            app_html.render("section_heading", title="Data quality of this store")
            + quality_html(self.context.quality or {}, self.context.manifest or {})
        )
        compared = widgets.HTML(
            app_html.render("section_heading", title="Our count next to the official one")
            + official_html(self.context.frame, self.context.coverage)
        )
        return widgets.VBox(
            [widgets.HTML(text.methodology_html()), compared, quality],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        """Nothing here depends on the filters."""
        del view
