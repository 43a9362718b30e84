"""Counting rules: every number the dashboard and the reports show comes from here.

Pure pandas on a frame of canonical rows (``store.load_incidents``): no I/O, no widgets.
Each public function is one named rule with a test in ``tests/test_aggregate.py``.
Re-exports only, so that ``bmoredash.aggregate.X`` works for every public X.

Conventions
- A row is a victim (BPD publishes victim-based data), so counts are victim counts;
  ``incident_rows`` turns the rows into one per incident where the data has an incident
  number, for counts of incidents (the dashboard's and the report's Count switch).
- Dates are Eastern calendar dates of ``occurred_at``; windows are inclusive on both ends.
- Weeks end on Saturday (BPD CompStat weeks run Sunday to Saturday).
- Part 1 totals never include COMMON ASSAULT (group ``other``).
- No data is not zero. Functions that take a ``coverage`` (``coverage.Coverage``) make no
  comparison over a window with an uncovered day (``Comparison.why_not`` says why) and give
  NaN, never 0, for a week, month or running total that holds one.

The modules, in reading order (each imports only those before it):

- ``units``: victims or incidents, what a count counts;
- ``counts``: rows of a window, counts per value, offense, week, month and day of the
  year, the small-numbers rule, and no data is not zero (coverage);
- ``chance``: what is notable, the statistics (notable weeks, changes beyond chance);
- ``comparisons``: a count now against a count before (``Comparison``);
- ``privacy``: small cells hidden in demographic tables;
- ``breakdowns``: by hour and weekday, shares, victims by group, neighborhoods;
- ``report_table``: the weekly report table and its gaps;
- ``rates``: counts per 1,000 residents (2020 Census, ``reference.population``);
- ``long_run``: yearly totals with partial years marked, rolling 12-month totals.
"""

from bmoredash.aggregate.breakdowns import (
    AGE_BINS,
    AGE_LABELS,
    WEEKDAYS,
    age_groups,
    hour_by_weekday,
    neighborhood_ranking,
    share_table,
    victim_breakdown,
)
from bmoredash.aggregate.chance import (
    CHANGE_MEANING,
    FLAG_HISTORY_WEEKS,
    FLAG_MEANING,
    MIN_BASELINE_WEEKS,
    NOTABLE_P,
    SEASON_HALF_WIDTH,
    SEASON_YEARS,
    WEEKS_PER_YEAR,
    change_beyond_chance,
    expected_weeks,
    flag_weeks,
    notable_change,
    overdispersed_cdf,
    paired_dispersion,
    poisson_cdf,
    t_critical,
    week_dispersion,
)
from bmoredash.aggregate.comparisons import (
    Comparison,
    chance_verdict,
    compare_counts,
    ytd_comparison,
)
from bmoredash.aggregate.counts import (
    HEADLINE_MEASURES,
    MIN_READABLE_COUNT,
    count_by_offense,
    covered_periods,
    cumulative_by_day_of_year,
    event_dates,
    headline_counts,
    in_window,
    monthly_counts,
    percent_change,
    percent_readable,
    readable_percent,
    value_counts,
    weekly_counts,
    why_not_compared,
)
from bmoredash.aggregate.long_run import rolling_totals, yearly_totals
from bmoredash.aggregate.privacy import MIN_CELL, hidden_cells, suppress_small_cells
from bmoredash.aggregate.rates import per_1000
from bmoredash.aggregate.report_table import (
    REPORT_ROWS,
    YTD_COLUMNS,
    report_gaps,
    report_windows,
    weekly_offense_table,
)
from bmoredash.aggregate.units import (
    INCIDENTS,
    OFFENSE_RANK,
    UNITS,
    VICTIMS,
    check_unit,
    counted_rows,
    incident_count,
    incident_rows,
    rows_without_incident,
    unit_note,
)

# Window, the week rule, year to date and same days last year live in
# ``bmoredash.periods`` (the one home of the period rule); they stay importable from here
# (``agg.Window``, ``agg.ytd_windows``...) for the many callers.
from bmoredash.periods import (
    Window,
    last_complete_week_end,
    same_day_last_year,
    week_ending,
    week_window,
    ytd_windows,
)
from bmoredash.schema import PART1_OFFENSES

__all__ = [
    "AGE_BINS",
    "AGE_LABELS",
    "CHANGE_MEANING",
    "Comparison",
    "FLAG_HISTORY_WEEKS",
    "FLAG_MEANING",
    "HEADLINE_MEASURES",
    "INCIDENTS",
    "MIN_BASELINE_WEEKS",
    "MIN_CELL",
    "MIN_READABLE_COUNT",
    "NOTABLE_P",
    "OFFENSE_RANK",
    "PART1_OFFENSES",
    "REPORT_ROWS",
    "SEASON_HALF_WIDTH",
    "SEASON_YEARS",
    "UNITS",
    "VICTIMS",
    "WEEKDAYS",
    "WEEKS_PER_YEAR",
    "Window",
    "YTD_COLUMNS",
    "age_groups",
    "chance_verdict",
    "change_beyond_chance",
    "check_unit",
    "compare_counts",
    "count_by_offense",
    "counted_rows",
    "covered_periods",
    "cumulative_by_day_of_year",
    "event_dates",
    "expected_weeks",
    "flag_weeks",
    "headline_counts",
    "hidden_cells",
    "hour_by_weekday",
    "in_window",
    "incident_count",
    "incident_rows",
    "last_complete_week_end",
    "monthly_counts",
    "neighborhood_ranking",
    "notable_change",
    "overdispersed_cdf",
    "paired_dispersion",
    "percent_change",
    "per_1000",
    "percent_readable",
    "poisson_cdf",
    "readable_percent",
    "report_gaps",
    "report_windows",
    "rolling_totals",
    "rows_without_incident",
    "same_day_last_year",
    "share_table",
    "suppress_small_cells",
    "t_critical",
    "unit_note",
    "value_counts",
    "victim_breakdown",
    "week_dispersion",
    "week_ending",
    "week_window",
    "weekly_counts",
    "weekly_offense_table",
    "yearly_totals",
    "why_not_compared",
    "ytd_comparison",
    "ytd_windows",
]
