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
from bmoredash.i18n import N_
from bmoredash.i18n import gettext as _

QUALITY_LABELS: dict[str, str] = {
    "rows_read": N_("Rows read from the source files"),
    "rows_kept": N_("Rows kept"),
    "rows_served": N_("Rows in the store (served by the newest snapshot of each date)"),
    "rows_superseded": N_("Rows replaced by a newer snapshot of the same dates"),
    "identical_rows_kept": N_("Rows identical to another, kept (several victims of one crime)"),
    "outside_plausible_range": N_("Rows dated before their dataset starts (late reports)"),
    "ungeocoded": N_("Rows without usable coordinates"),
    "no_council_district": N_("Rows in no Council district (no coordinates, or a point outside)"),
    "no_legislative_district": N_("Rows in no legislative district (no coordinates, or outside)"),
    "coordinates_repaired": N_("Coordinates repaired"),
    "unknown_district": N_("Rows with an unknown district"),
    "ages_cleared": N_("Implausible ages cleared"),
    "genders_unknown": N_("Victim gender unknown"),
    "time_unknown": N_("Rows without a time of day"),
    "neighborhoods_expanded": N_("Cut-off neighborhood names expanded"),
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
        _("Rows in the store"): manifest.get("rows"),
        _("Data from"): _data_from(manifest),
        _("Earliest row (may be a late report)"): manifest.get("first_date"),
        _("Last date"): manifest.get("last_date"),
        _("Data through"): manifest.get("data_through"),
        _("Store written (UTC)"): manifest.get("created_at"),
        _("Demo data"): _("yes") if manifest.get("demo") else _("no"),
    }
    facts_frame = pd.DataFrame(
        {_("value"): [str(v) for v in facts.values() if v is not None]},
        index=pd.Index([k for k, v in facts.items() if v is not None], name=_("store")),
    )
    parts.append(html_table(facts_frame, caption=_("This store")))
    scalars = {
        _(QUALITY_LABELS[k]) if k in QUALITY_LABELS else k.replace("_", " "): v
        for k, v in quality.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    if scalars:
        frame = pd.DataFrame({_("rows"): list(scalars.values())}, index=list(scalars))
        frame.index.name = _("check")
        parts.append(html_table(frame, caption=_("Cleaning report")))
    for key, caption, heading in (
        ("quarantined", _("Rows kept out of the store, by reason"), _("reason")),
        (
            "unmapped_descriptions",
            _("Descriptions that map to no Part 1 offense (top 15)"),
            _("description"),
        ),
    ):
        values = quality.get(key) or {}
        if values:
            series = pd.Series(values, dtype="int64").sort_values(ascending=False).head(15)
            frame = series.to_frame(_("rows"))
            frame.index.name = heading
            parts.append(html_table(frame, caption=caption))
    sources = manifest.get("sources") or []
    if sources:
        frame = pd.DataFrame(sources).set_index("source")
        parts.append(html_table(frame, caption=_("Sources")))
    return "".join(parts)


#: The columns of ``official.comparison_table``, as the table heads them.
OFFICIAL_COLUMNS: dict[str, str] = {
    "measure": N_("measure"),
    "our count": N_("our count"),
    "official": N_("official"),
    "difference": N_("difference"),
    "why they differ": N_("why they differ"),
    "Sun database": N_("Sun database"),
    "source of the official figure": N_("source of the official figure"),
    "year": N_("year"),
}


def _signed(value: Any) -> str:
    return "–" if pd.isna(value) else f"{int(value):+,d}"


def official_html(frame: pd.DataFrame, cover: coverage.Coverage) -> str:
    """Our yearly homicides and non-fatal shootings beside the official tallies, with the
    documented reasons and the sources (``bmoredash.official``)."""
    comparison = official.compare_with_official(frame, cover)
    table = official.comparison_table(comparison)
    table.index = table.index.astype(str)
    if "measure" in table.columns:
        table["measure"] = [_(str(m)) for m in table["measure"]]
    table = table.rename(columns=lambda c: _(OFFICIAL_COLUMNS.get(c, c)))
    table.index.name = _(OFFICIAL_COLUMNS.get(str(table.index.name), str(table.index.name)))
    parts = [
        html_table(
            table,
            caption=_("Our count next to the official one (victims per calendar year)"),
            formatters={_("difference"): _signed},
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
    title = N_("Methodology")
    slug = "methodology"

    def build(self) -> widgets.Widget:
        quality = widgets.HTML(
            app_html.render("section_heading", title=_("Data quality of this store"))
            + quality_html(self.context.quality or {}, self.context.manifest or {})
        )
        compared = widgets.HTML(
            app_html.render("section_heading", title=_("Our count next to the official one"))
            + official_html(self.context.frame, self.context.coverage)
        )
        return widgets.VBox(
            [widgets.HTML(text.methodology_html()), compared, quality],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        """Nothing here depends on the filters."""
        del view
