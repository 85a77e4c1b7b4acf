"""The zdz rules of issue 6 in GeoPandas/Shapely, as a GIS analyst would write them.

    geopandas_peer.py WORKSPACE.gpkg EPSG [snap_m outfall_match_m coverage_m plant_match_m corridor_m]

Reads the canonical workspace GeoPackage (layers parks, clusters, enterprises, pipes,
outfalls, plants, rivers), works in EPSG (zdz's working CRS, so distances agree) and
prints one JSON object: the problems OUTFALL_UNMATCHED, OUTFALL_SEWAGE_DIRECT,
STORM_CROSS_CONNECTION and ENTERPRISE_UNCOVERED as [code, feature_id] pairs, each
cluster's deadline, and the load and analysis times in seconds.
"""

import json
import sys
import time
from collections import defaultdict

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

path, epsg = sys.argv[1], int(sys.argv[2])
snap_m, match_m, coverage_m, plant_m, corridor_m = (
    [float(v) for v in sys.argv[3:8]] if len(sys.argv) >= 8 else [1.0, 20.0, 100.0, 50.0, 1000.0]
)
SEWAGE = {"sewage", "污水", "combined", "合流"}
KIND = {"sewage": "sewage", "污水": "sewage", "storm": "storm", "雨水": "storm",
        "combined": "combined", "合流": "combined", "plant": "plant", "污水厂": "plant"}
TRUE = {"true", "1", "是", "y", "yes"}
MAIN_STEM = {"长江", "yangtze", "chang jiang", "yangtze river", "长江干流"}

t0 = time.perf_counter()
layer = lambda name: gpd.read_file(path, layer=name, engine="pyogrio").to_crs(epsg)
parks, clusters, enterprises = layer("parks"), layer("clusters"), layer("enterprises")
pipes, outfalls, plants, rivers = layer("pipes"), layer("outfalls"), layer("plants"), layer("rivers")
t1 = time.perf_counter()

# Pipes: drop what has no usable line; ends are the first and last vertices.
pipes = pipes[pipes.geometry.notna() & ~pipes.geometry.is_empty].reset_index(drop=True)
pipes["kind"] = pipes["kind"].map(KIND)
coords = [np.asarray(g.coords) for g in pipes.geometry]
starts = np.array([c[0, :2] for c in coords])
ends = np.array([c[-1, :2] for c in coords])
n = len(pipes)

# Network nodes: ends closer than snap_m are one node (transitively): union-find through
# connected components of the "within snap_m" graph.
all_ends = np.vstack([starts, ends])
points = shapely.points(all_ends)
tree = shapely.STRtree(points)
left, right = tree.query(points, predicate="dwithin", distance=snap_m)
keep = shapely.distance(points[left], points[right]) < snap_m
graph = coo_matrix((np.ones(keep.sum()), (left[keep], right[keep])), shape=(2 * n, 2 * n))
_, node = connected_components(graph, directed=False)
up_node, down_node = node[:n], node[n:]

incoming = defaultdict(list)
for p in range(n):
    incoming[down_node[p]].append(p)

def trace(start):
    """Every pipe upstream of a node."""
    seen, stack, found = {start}, [start], []
    while stack:
        for p in incoming[stack.pop()]:
            found.append(p)
            if up_node[p] not in seen:
                seen.add(up_node[p])
                stack.append(up_node[p])
    return found

problems = []

# Outfalls: the nearest pipe downstream end within outfall_match_m.
end_points = shapely.points(ends)
end_tree = shapely.STRtree(end_points)
outfalls = outfalls[outfalls.geometry.notna()].reset_index(drop=True)
(out_idx, pipe_idx), dist = end_tree.query_nearest(
    outfalls.geometry.values, max_distance=match_m, return_distance=True
)
matched = {}
for o, p, d in sorted(zip(out_idx, pipe_idx, dist), key=lambda t: (t[0], t[2], t[1])):
    matched.setdefault(o, p)
plant_ids = set(plants["plant_id"].astype(str))
plant_tree = shapely.STRtree(plants.geometry.values)
for o, row in outfalls.iterrows():
    kind = KIND.get(str(row["kind"]).strip().lower())
    plant_id = row.get("plant_id")
    has_plant_id = isinstance(plant_id, str) and plant_id.strip() != ""
    tied = (has_plant_id and plant_id in plant_ids) or (
        kind == "plant"
        and len(plant_tree.query(row.geometry, predicate="dwithin", distance=plant_m)) > 0
    )
    upstream = trace(down_node[matched[o]]) if o in matched else []
    sewage_up = any(pipes.at[p, "kind"] in ("sewage", "combined") for p in upstream)
    oid = str(row["outfall_id"])
    if o not in matched and not tied:
        problems.append(["OUTFALL_UNMATCHED", oid])
    if kind == "storm" and sewage_up:
        problems.append(["STORM_CROSS_CONNECTION", oid])
    elif not (kind == "plant" or has_plant_id) and kind != "storm":
        if kind in ("sewage", "combined") or sewage_up:
            problems.append(["OUTFALL_SEWAGE_DIRECT", oid])

# Enterprises: inside a cluster (a point on the enterprise), no sewer within coverage_m.
enterprises = enterprises[enterprises.geometry.notna()].reset_index(drop=True)
enterprises["geometry"] = shapely.make_valid(enterprises.geometry.values)
rep = gpd.GeoDataFrame(enterprises[["enterprise_id"]], geometry=enterprises.representative_point(), crs=epsg)
clusters["geometry"] = shapely.make_valid(clusters.geometry.values)
inside = gpd.sjoin(rep, clusters[["cluster_id", "geometry"]], predicate="within", how="left")
inside = inside.sort_values("cluster_id").groupby(level=0).first()
sewers = pipes[pipes["kind"].isin(["sewage", "combined"])]
sewer_tree = shapely.STRtree(sewers.geometry.values)
covered_idx, _ = sewer_tree.query(enterprises.geometry.values, predicate="dwithin", distance=coverage_m)
covered = set(covered_idx)
for e, row in enterprises.iterrows():
    if isinstance(inside.at[e, "cluster_id"], str) and e not in covered:
        problems.append(["ENTERPRISE_UNCOVERED", str(row["enterprise_id"])])

# Corridor and deadlines.
name_cols = [c for c in rivers.columns if "name" in c.lower() or "名" in c]
is_main = rivers[name_cols].astype(str).apply(lambda col: col.str.strip().str.lower().isin(MAIN_STEM)).any(axis=1)
main_stem = rivers[is_main].geometry.union_all()
enterprise_count = inside["cluster_id"].value_counts()
park_level = dict(zip(parks["park_id"].astype(str), parks["level"].astype(str)))
deadlines = {}
for _, c in clusters.iterrows():
    cid = str(c["cluster_id"])
    in_corridor = main_stem is not None and c.geometry.distance(main_stem) <= corridor_m
    national = park_level.get(str(c.get("park_id"))) in ("national", "国家级")
    demo = str(c.get("demo")).strip().lower() in TRUE
    if enterprise_count.get(cid, 0) == 0:
        deadlines[cid] = "out_of_scope"
    elif demo:
        deadlines[cid] = "2024-12-31"
    elif in_corridor or national:
        deadlines[cid] = "2025-12-31"
    else:
        deadlines[cid] = "2027-12-31"
t2 = time.perf_counter()

print(json.dumps({"problems": sorted(problems), "deadlines": deadlines,
                  "load_s": t1 - t0, "analysis_s": t2 - t1}, ensure_ascii=False))
