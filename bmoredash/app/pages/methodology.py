"""Page 7, Methodology: what is counted, where the series breaks, and the quality of the
data this dashboard is serving (the store's own report)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import pandas as pd

from bmoredash import coverage, official
from bmoredash.aggregate import CHANGE_MEANING, FLAG_MEANING, MIN_CELL, MIN_READABLE_COUNT
from bmoredash.app.charts import html_table
from bmoredash.app.context import FilteredView
from bmoredash.app.pages import BasePage
from bmoredash.coverage import PRELIMINARY_MEANING

DEFINITIONS = f"""
<h3>What is counted</h3>
<ul>
<li><strong>Part 1 offenses.</strong> The offenses the Baltimore Police Department (BPD)
publishes as "Part 1", following the FBI's old Uniform Crime Reporting list. Violent:
homicide, non-fatal shooting, rape, robbery, aggravated assault. Property: burglary,
larceny, larceny from auto, auto theft, arson.</li>
<li><strong>Victims or incidents.</strong> BPD publishes one row per victim. A robbery of
three people is three rows and counts three times: the dashboard counts victims unless the
Count switch says "Incidents". Then an incident (one BPD case number) counts once, under its
most serious offense in the order of the FBI's hierarchy (homicide, then non-fatal shooting,
rape, robbery, aggravated assault, burglary, larceny, larceny from auto, auto theft,
arson), and victim rows published without a case number are not counted (each page says how
many). The Victims page always counts victims and shows how many incidents they belong to.
The weekly report counts victims; <code>bmoredash report --count incidents</code> writes one
that counts incidents.</li>
<li><strong>One rule for what is selected.</strong> The filters, the links, the download,
the weekly reports and the <code>bmoredash export</code> command read places, offenses and
dates the same way (<code>bmoredash.selection</code>): district names and their published
spellings ("Northeastern", "Western District"), neighborhoods whatever their case, offense
names or the groups violent, property, Part 1 and all. No offense chosen means every Part 1
offense; common assault only when chosen.</li>
<li><strong>Shootings and aggravated assaults.</strong> A non-fatal shooting is counted as a
shooting and not also as an aggravated assault. A fatal shooting is a homicide.
"Aggravated assault" here therefore means aggravated assaults without a gunshot injury.</li>
<li><strong>Common assault is left out</strong> of every Part 1 total. It can be chosen in
the Offense filter, where it is labelled "not Part 1".</li>
<li><strong>Dates and weeks.</strong> Every date is the Baltimore calendar date of the
event. Weeks run Sunday to Saturday, as BPD's CompStat weeks do. "Year to date" runs from
January 1 to the last day of data and is compared with the same days a year earlier.</li>
<li><strong>Small numbers.</strong> A change is described only when either period has at
least {MIN_READABLE_COUNT} events, and it is given in percent only when both have: 4 against
1 is a difference of 3, not "+300%". The same rule holds for every percentage on the
dashboard and in the weekly reports (a share such as "% of rows" too: at least
{MIN_READABLE_COUNT} out of at least {MIN_READABLE_COUNT}). Victim groups with fewer than
{MIN_CELL} people are not shown (see Privacy below).</li>
<li><strong>Notable weeks.</strong> {html.escape(FLAG_MEANING)} The expectation is the
average of the weeks with data among the 52 before (at least 8 of them), times a seasonal
factor: how the same week, give or take 3 weeks, compared with its own 52-week average in
each of up to 3 earlier years. Real weekly counts swing more than pure chance (a Poisson
count) would, so the test allows for the swing each series' own history shows around its
expectations (a negative binomial with that variance). Weeks where neither the count nor
its expectation reaches {MIN_READABLE_COUNT} are never marked.</li>
<li><strong>Up, down or within chance.</strong> {html.escape(CHANGE_MEANING)} The
swings are measured from the two periods themselves, week against same week, so the season
cancels; a period shorter than two weeks is too short to judge.</li>
</ul>
<h3>Privacy</h3>
<ul>
<li><strong>Small groups of victims are hidden.</strong> On the Victims page a group
(an age group, a gender, a race, an ethnicity) with 1 or 2 victims reads "not shown".
Zeros are shown: there is no one to protect.</li>
<li><strong>So is the next smallest group, when needed.</strong> The page states the
number of victims, so one hidden group could be worked out by subtracting the shown
groups from that total. Whenever a hidden group could be worked out that way (one hidden
group; or, say, two hidden groups with 2 victims left between them, which must be 1 and
1), the smallest shown group is hidden too, and the next, until every hidden group could
hold at least two different numbers, even for a reader who knows this method. Each table
(age, gender, race, ethnicity) is protected on its own, against the same stated total.
When even hiding every group cannot protect a table of a handful of victims, the table
is not shown.</li>
<li><strong>No victim details in the download.</strong> The "Download rows" file leaves
out the victim's age, gender, race and ethnicity: row by row they would tell what the
hidden groups hide. The Baltimore Police Department publishes the full rows on Open
Baltimore; analysts with this package read them with <code>bmoredash.load_incidents</code>.
</li>
<li><strong>What this does not stop.</strong> Two views that differ by a few days or one
neighborhood can still be compared; the protection is for each table as shown.</li>
</ul>
<h3>Known breaks in the series</h3>
<ul>
<li><strong>2021: new records system.</strong> BPD changed its records management system
in 2021. Offense descriptions and some fields (inside/outside, weapon) were recorded
differently from then on; this dashboard maps both to the same categories, but small
shifts around 2021 may come from recording rather than from crime.</li>
<li><strong>July 2023: new district lines.</strong> The nine police districts were redrawn
in July 2023. Rows are shown in the district the source gives (the 2023 district when it
gives both; the old one is kept as <code>old_district</code>). Before and after that date a
district covers partly different streets, so compare a district across 2023 with care.</li>
<li><strong>2025: NIBRS.</strong> BPD reports under the FBI's National Incident-Based
Reporting System (NIBRS) from 2025, with different offense codes. They are mapped to the
same categories, but NIBRS records every offense in an incident, which can move totals.</li>
<li><strong>Clocks.</strong> Each published layout keeps time its own way: the legacy
Socrata files and the 2021-2022 Part1_Crime exports give Baltimore wall-clock time (the
exports label it "+00", wrongly), while the ArcGIS layers and the Baltimore Sun's
extracts give UTC. Every time is read by its layout's rule and shown in Baltimore time,
so an event just before midnight falls on the right Baltimore day.</li>
<li><strong>No data is not zero.</strong> The dashboard knows which dates each source
covers. Days outside them, and gap days the source lacks (a day with fewer than a third
of the usual rows for its weekday), are shown as no data, never as zero crime, and no
comparison is made with a period that is not covered.</li>
<li><strong>Snapshots.</strong> Each download is a snapshot of one dataset; for every
date the newest snapshot of that dataset is shown, so BPD's revisions and deletions flow
through and nothing is counted twice. Two datasets covering the same dates are never
added together.</li>
<li><strong>Preliminary weeks.</strong> {html.escape(PRELIMINARY_MEANING)} The Trends page
draws them dashed with hollow points and never marks them lower (late reports only raise
their counts; a higher one can still be marked), the Overview says so when
a period ends in them, and the weekly report calls its week preliminary. Measured on 17
successive weekly downloads of BPD's Part 1 export kept by the Baltimore Sun (January to
June 2026), a week's Part 1 count rose by 1.8% from one download to the next while it was
the latest whole week, by 0.1% a week later (rapes: 6.7%, then none); the Sun's files end
a week or more before each download, so the first days after BPD publishes a week are not
in this figure (<code>bmoredash.revisions</code>).</li>
</ul>
"""

QUALITY_LABELS: dict[str, str] = {
    "rows_read": "Rows read from the source files",
    "rows_kept": "Rows kept",
    "rows_served": "Rows in the store (served by the newest snapshot of each date)",
    "rows_superseded": "Rows replaced by a newer snapshot of the same dates",
    "identical_rows_kept": "Rows identical to another, kept (several victims of one crime)",
    "outside_plausible_range": "Rows dated before their dataset starts (late reports)",
    "ungeocoded": "Rows without usable coordinates",
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
        return "<p>No quality report is available for this data.</p>"
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
    items = "".join(
        f"<li><strong>{html.escape(r.label)}.</strong> {html.escape(r.explanation)}"
        + (f' (<a href="{html.escape(r.source_url)}">source</a>)' if r.source_url else "")
        + "</li>"
        for r in reasons.itertuples()
    )
    sources = comparison.drop_duplicates("source_url")
    links = "".join(
        f'<li><a href="{html.escape(r.source_url)}">{html.escape(r.source)}</a></li>'
        for r in sources.itertuples()
        if r.source_url
    )
    parts.append(f"<p>Why counts differ:</p><ul>{items}</ul>")
    parts.append(f"<details><summary>Sources of the official figures</summary><ul>{links}</ul>")
    parts.append("</details>")
    return "".join(parts)


class MethodologyPage(BasePage):
    title = "Methodology"
    slug = "methodology"

    def build(self) -> widgets.Widget:
        quality = widgets.HTML(
            "<h3>Data quality of this store</h3>"
            + quality_html(self.context.quality or {}, self.context.manifest or {})
        )
        compared = widgets.HTML(
            "<h3>Our count next to the official one</h3>"
            + official_html(self.context.frame, self.context.coverage)
        )
        return widgets.VBox(
            [widgets.HTML(DEFINITIONS), compared, quality],
            layout=widgets.Layout(width="100%", min_width="0"),
        )

    def update(self, view: FilteredView) -> None:
        """Nothing here depends on the filters."""
        del view
