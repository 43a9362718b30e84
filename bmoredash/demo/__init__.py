"""Deterministic demo data: Baltimore-shaped victim rows, 2012 to last Saturday.
Re-exports only, so that ``bmoredash.demo.X`` works for every public X. The modules:

- ``calibration``: the figures measured on the real samples (constants);
- ``generator``: ``generate_demo`` and the yearly targets drawn from them;
- ``arrests``: ``generate_arrests``, demo arrests in the legacy BPD_Arrests.csv layout;
- ``writer``: the CSV writer and ``write_demo``, which never writes over real data.
"""

from bmoredash.demo.arrests import ARREST_RAW_COLUMNS, generate_arrests, year_rows
from bmoredash.demo.calibration import (
    DIRTY_RATES,
    FAMILIES,
    GAP_DAYS,
    HOMICIDES,
    INTENDED_OFFENSE,
    SAME_VICTIM,
    SHOOTINGS,
    YEAR_TOTALS,
)
from bmoredash.demo.generator import (
    CODE_TABLE,
    DEFAULT_SEED,
    DEFAULT_START,
    RAW_COLUMNS,
    generate_demo,
    last_saturday,
    load_neighborhoods,
    multi_victim_share,
    year_targets,
)
from bmoredash.demo.writer import DEMO_ARRESTS_CSV, DEMO_CSV, write_csv, write_demo

__all__ = [
    "ARREST_RAW_COLUMNS",
    "DEFAULT_SEED",
    "DEFAULT_START",
    "DEMO_ARRESTS_CSV",
    "DEMO_CSV",
    "RAW_COLUMNS",
    "CODE_TABLE",
    "DIRTY_RATES",
    "FAMILIES",
    "GAP_DAYS",
    "HOMICIDES",
    "INTENDED_OFFENSE",
    "SAME_VICTIM",
    "SHOOTINGS",
    "YEAR_TOTALS",
    "generate_arrests",
    "generate_demo",
    "last_saturday",
    "load_neighborhoods",
    "multi_victim_share",
    "write_csv",
    "write_demo",
    "year_rows",
    "year_targets",
]
