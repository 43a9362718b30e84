"""How fast rows are placed in their areas: ``reference.areas.assign_areas`` (vectorised,
one prepared polygon at a time) beside the obvious reference, a shapely ``STRtree`` query
per point set, in the same run on the same random points inside the city's box.

Run: ``python benchmarks/bench_areas.py [--points 300000] [--runs 5]``; prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
import shapely

from bmoredash.reference import boundaries
from bmoredash.reference.areas import AREA_LAYERS, assign_areas


def strtree_assign(lats: np.ndarray, lons: np.ndarray) -> dict[str, np.ndarray]:
    """The reference: an STRtree of each layer's polygons, queried with every point."""
    points = shapely.points(lons, lats)
    out = {}
    for column, (key, names) in AREA_LAYERS.items():
        features = boundaries.load_shipped(key)["features"]
        shapes = {f["properties"]["name"]: shapely.geometry.shape(f["geometry"]) for f in features}
        polygons = [shapes[n] for n in names]
        tree = shapely.STRtree(polygons)
        hit_point, hit_polygon = tree.query(points, predicate="intersects")
        chosen = np.full(len(points), -1)
        # the first polygon in name order wins, as in assign_areas
        order = np.lexsort((hit_polygon, hit_point))
        first = np.r_[True, hit_point[order][1:] != hit_point[order][:-1]]
        chosen[hit_point[order][first]] = hit_polygon[order][first]
        out[column] = chosen
    return out


def median_seconds(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    lats = rng.uniform(39.20, 39.37, args.points)
    lons = rng.uniform(-76.71, -76.53, args.points)
    assign_areas(lats[:10], lons[:10])  # outlines read and prepared once, as in a kernel
    ours = median_seconds(lambda: assign_areas(pd.Series(lats), pd.Series(lons)), args.runs)
    reference = median_seconds(lambda: strtree_assign(lats, lons), args.runs)
    print(f"{args.points:,} points, median of {args.runs} runs")
    print(f"  assign_areas (vectorised, prepared polygons): {ours:6.2f} s")
    print(f"  reference (STRtree query per layer):          {reference:6.2f} s")
    print(f"  ratio reference / ours: {reference / ours:.1f}")


if __name__ == "__main__":
    main()
