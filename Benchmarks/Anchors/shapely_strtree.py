"""Geofence's anchor: shapely 2 (GEOS) STRtree over the same polygons, asked which polygons
contain each of the same positions (one bulk `query(points, predicate="within")`, GEOS's fastest
path). Prints `ns=<median CPU time per position> hits=<point-in-polygon pairs>`.

    python shapely_strtree.py FENCES.f64 POSITIONS.f64

FENCES.f64: little-endian doubles, per fence its vertex count then lon/lat pairs.
POSITIONS.f64: lon/lat pairs.
"""
import statistics
import sys
import time

import numpy as np
import shapely

fences_raw = np.fromfile(sys.argv[1], dtype="<f8")
positions = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, 2)

polygons = []
k = 0
while k < len(fences_raw):
    n = int(fences_raw[k])
    polygons.append(shapely.Polygon(fences_raw[k + 1 : k + 1 + 2 * n].reshape(-1, 2)))
    k += 1 + 2 * n
tree = shapely.STRtree(polygons)
points = shapely.points(positions)


def round_ns():
    start = time.process_time_ns()
    pairs = tree.query(points, predicate="within")
    return (time.process_time_ns() - start) / len(points), pairs.shape[1]


hits = round_ns()[1]  # warm-up
print(f"ns={statistics.median(round_ns()[0] for _ in range(3)):.1f} hits={hits}")
