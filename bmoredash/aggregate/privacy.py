"""Small cells: which counts of a demographic table are hidden (``hidden_cells``,
``suppress_small_cells``) so that no victim group under ``MIN_CELL`` can be shown, nor
worked out by subtraction from the stated total.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

#: Cells with fewer victims than this are suppressed in demographic tables (privacy).
MIN_CELL = 3


def hidden_cells(counts: Iterable[int], min_cell: int = MIN_CELL) -> set[int] | None:
    """Positions to hide in a table of counts whose total is stated, or None when the table
    cannot be shown at all.

    Primary suppression hides every cell of 1 to ``min_cell - 1``. Complementary
    suppression then hides the smallest other non-zero cells, one at a time (on a tie, the
    first in order), until no hidden cell can be worked out from the total and the shown
    cells, even by a reader who knows this method (``_protected``). Zero cells stay shown
    as 0 (no one to protect), so a hidden cell is never 0. When every non-zero cell is
    hidden and one can still be worked out (a handful of victims), the whole table is
    withheld (None).
    """
    values = tuple(int(c) for c in counts)
    hidden = {i for i, c in enumerate(values) if 0 < c < min_cell}
    while hidden and not _protected(_masked(values, hidden), _sum(values, hidden), min_cell):
        others = [i for i, c in enumerate(values) if c > 0 and i not in hidden]
        if not others:
            return None
        hidden.add(min(others, key=lambda i: (values[i], i)))
    return hidden


def _masked(values: tuple[int, ...], hidden: Iterable[int]) -> tuple[int | None, ...]:
    chosen = set(hidden)
    return tuple(None if i in chosen else c for i, c in enumerate(values))


def _sum(values: tuple[int, ...], hidden: Iterable[int]) -> int:
    return sum(values[i] for i in hidden)


@lru_cache(maxsize=65536)
def _protected(shown: tuple[int | None, ...], rest: int, min_cell: int) -> bool:
    """True when each hidden (None) cell of ``shown`` keeps two or more possible values for
    a reader who knows the cells shown, ``rest`` (the total less the shown cells) and
    ``hidden_cells``: every filling of the hidden cells that adds up to ``rest`` and that
    ``hidden_cells`` would have hidden in just this way (``_hides_so``) is possible."""
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) < 2:
        return False
    positive = [(c, i) for i, c in enumerate(shown) if c]
    small = range(1, min(min_cell - 1, rest) + 1)

    def domain(j: int) -> list[int]:
        # A complement is at least min_cell and comes before every shown cell.
        top = min((c if j < i else c - 1 for c, i in positive), default=rest)
        return [*small, *range(min_cell, min(top, rest) + 1)]

    domains = [domain(j) for j in hidden]
    seen: list[set[int]] = [set() for _ in hidden]

    def fill(k: int, left: int, chosen: list[int]) -> bool:
        if k == len(hidden):
            if left == 0 and _hides_so(shown, dict(zip(hidden, chosen, strict=True)), min_cell):
                for found, v in zip(seen, chosen, strict=True):
                    found.add(v)
            return all(len(found) > 1 for found in seen)
        floor = len(hidden) - k - 1  # the cells after this one hold at least 1 each
        for v in domains[k]:
            if v > left - floor:
                break
            if fill(k + 1, left - v, [*chosen, v]):
                return True
        return False

    return fill(0, rest, [])


def _hides_so(shown: tuple[int | None, ...], filling: dict[int, int], min_cell: int) -> bool:
    """Whether ``hidden_cells`` hides exactly the cells ``filling`` fills when their values
    are ``filling``: the cells below ``min_cell`` first, then the others as complements,
    smallest first, each added only because the cells hidden before it were unprotected."""
    values = tuple(filling.get(i, c) for i, c in enumerate(shown))
    primary = {i for i, v in filling.items() if v < min_cell}
    if not primary:
        return False
    complements = sorted(set(filling) - primary, key=lambda i: (values[i], i))
    hidden = set(primary)
    for i in complements:
        if _protected(_masked(values, hidden), _sum(values, hidden), min_cell):
            return False  # the method would have stopped before hiding i
        hidden.add(i)
    return True


def suppress_small_cells(counts: pd.Series, min_cell: int = MIN_CELL) -> pd.Series:
    """Counts with the cells ``hidden_cells`` chooses replaced by NA, for privacy: cells of
    1 to ``min_cell - 1`` and, so that none of those can be worked out by subtraction from
    the total, the next smallest ones. A table that cannot be protected is all NA."""
    hidden = hidden_cells(counts.to_numpy(), min_cell)
    out = counts.astype("Int64")
    if hidden is None:
        return out.mask(np.ones(len(out), dtype=bool))
    mask = np.zeros(len(out), dtype=bool)
    mask[sorted(hidden)] = True
    return out.mask(mask)
