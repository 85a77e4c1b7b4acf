"""The zdz rules of issue 6 in DuckDB spatial, as a GIS analyst would write them.

    duckdb_peer.py WORKSPACE.gpkg EPSG [snap_m outfall_match_m coverage_m plant_match_m corridor_m]

Reads the canonical workspace GeoPackage with ST_Read into DuckDB tables in EPSG (zdz's
working CRS, so distances agree), computes the rules in SQL and prints one JSON object
like the other peers: the problems OUTFALL_UNMATCHED, OUTFALL_SEWAGE_DIRECT,
STORM_CROSS_CONNECTION and ENTERPRISE_UNCOVERED as [code, feature_id] pairs, each
cluster's deadline, the load and analysis times in seconds.

The spatial extension is PyPI's duckdb-extension-spatial, loaded from its file (no
download). DuckDB has no ST_ClusterDBSCAN, so network nodes are the connected components
of the "pipe ends closer than snap_m" pairs, which DuckDB's spatial join finds; the
components themselves are computed with scipy, as in the GeoPandas peer. Upstream traces
are a recursive CTE.
"""

import json
import sys
import time
from pathlib import Path

import duckdb
import duckdb_extension_spatial
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

path, epsg = sys.argv[1], int(sys.argv[2])
snap_m, match_m, coverage_m, plant_m, corridor_m = (
    [float(v) for v in sys.argv[3:8]] if len(sys.argv) >= 8 else [1.0, 20.0, 100.0, 50.0, 1000.0]
)
KIND = """CASE lower(trim({0}))
    WHEN 'sewage' THEN 'sewage' WHEN '污水' THEN 'sewage'
    WHEN 'storm' THEN 'storm' WHEN '雨水' THEN 'storm'
    WHEN 'combined' THEN 'combined' WHEN '合流' THEN 'combined'
    WHEN 'plant' THEN 'plant' WHEN '污水厂' THEN 'plant' END"""
MAIN_STEM = "('长江', 'yangtze', 'chang jiang', 'yangtze river', '长江干流')"

def step(label, started=[time.perf_counter()]):
    """Each step's seconds on stderr: where the time goes."""
    now = time.perf_counter()
    print(f"duckdb: {label} {now - started[0]:.2f} s", file=sys.stderr, flush=True)
    started[0] = now


extension = next(Path(duckdb_extension_spatial.__file__).parent.glob("extensions/*/spatial.duckdb_extension"))
db = duckdb.connect()
db.execute(f"LOAD '{extension}'")

t0 = time.perf_counter()
# Each layer into the working CRS; the GeoPackage stores lon/lat (EPSG:4326).
for name in ["parks", "clusters", "enterprises", "pipes", "outfalls", "plants", "rivers"]:
    db.execute(
        f"""CREATE TABLE {name} AS
            SELECT * EXCLUDE (geom),
                   ST_Transform(geom, 'EPSG:4326', 'EPSG:{epsg}', always_xy := true) AS geom
            FROM ST_Read('{path}', layer := '{name}')"""
    )
t1 = time.perf_counter()

step("load")
# Pipes with a usable line, numbered in file order; ends are the first and last vertices.
db.execute(f"""CREATE TABLE p AS
    SELECT row_number() OVER (ORDER BY rowid) - 1 AS i, pipe_id, {KIND.format('kind')} AS kind, geom,
           ST_StartPoint(geom) AS up_pt, ST_EndPoint(geom) AS down_pt
    FROM pipes WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)""")
n = db.execute("SELECT count(*) FROM p").fetchone()[0]

step("pipes")
# Network nodes: ends closer than snap_m are one node, transitively.
db.execute("""CREATE TABLE ends AS
    SELECT i AS e, up_pt AS pt FROM p UNION ALL SELECT i + (SELECT count(*) FROM p), down_pt FROM p""")
# The spatial join alone (an extra `a.e < b.e` in the ON clause makes DuckDB plan an
# inequality join and test every pair), filtered afterwards.
db.execute(f"""CREATE TABLE near AS
    SELECT a.e AS a, b.e AS b, ST_Distance(a.pt, b.pt) AS d
    FROM ends a JOIN ends b ON ST_DWithin(a.pt, b.pt, {snap_m})""")
pairs = db.execute(f"SELECT a, b FROM near WHERE a < b AND (d < {snap_m} OR d = 0)").fetchnumpy()
left, right = pairs["a"], pairs["b"]
graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(2 * n, 2 * n))
_, node = connected_components(graph, directed=False)
db.register("node_of", {"i": np.arange(n), "up": node[:n], "down": node[n:]})
db.execute("CREATE TABLE pn AS SELECT p.i, p.kind, p.down_pt, node_of.up, node_of.down FROM p JOIN node_of USING (i)")

step("network nodes")
# Outfalls: the nearest pipe downstream end within outfall_match_m (ties to the first pipe).
db.execute(f"""CREATE TABLE m AS
    SELECT o.outfall_id, o.geom, {KIND.format('o.kind')} AS kind,
           nullif(trim(o.plant_id), '') AS plant_id, near.i AS pipe, near.down AS node
    FROM outfalls o LEFT JOIN (
        SELECT outfall_id, i, down FROM (
            SELECT o.outfall_id, pn.i, pn.down,
                   row_number() OVER (PARTITION BY o.outfall_id
                                      ORDER BY ST_Distance(pn.down_pt, o.geom), pn.i) AS rank
            FROM outfalls o JOIN pn ON ST_DWithin(pn.down_pt, o.geom, {match_m}))
        WHERE rank = 1) near USING (outfall_id)
    WHERE o.geom IS NOT NULL""")

step("outfall matching")
# Upstream traces: every node upstream of each matched outfall's node.
db.execute("""CREATE TABLE sewage_up AS
    WITH RECURSIVE up(outfall_id, node) AS (
        SELECT outfall_id, node FROM m WHERE node IS NOT NULL
        UNION
        SELECT up.outfall_id, pn.up FROM up JOIN pn ON pn.down = up.node)
    SELECT DISTINCT up.outfall_id FROM up JOIN pn ON pn.down = up.node
    WHERE pn.kind IN ('sewage', 'combined')""")

step("upstream traces")
problems = db.execute(f"""
    SELECT 'OUTFALL_UNMATCHED', m.outfall_id FROM m
    WHERE m.pipe IS NULL
      AND NOT (m.plant_id IS NOT NULL AND EXISTS (SELECT 1 FROM plants pl WHERE pl.plant_id = m.plant_id))
      AND NOT (m.kind = 'plant' AND EXISTS (SELECT 1 FROM plants pl WHERE ST_DWithin(pl.geom, m.geom, {plant_m})))
    UNION ALL
    SELECT 'STORM_CROSS_CONNECTION', m.outfall_id FROM m JOIN sewage_up USING (outfall_id) WHERE m.kind = 'storm'
    UNION ALL
    SELECT 'OUTFALL_SEWAGE_DIRECT', m.outfall_id FROM m
    WHERE NOT (m.kind IS NOT DISTINCT FROM 'plant' OR m.plant_id IS NOT NULL)
      AND m.kind IS DISTINCT FROM 'storm'
      AND (m.kind IN ('sewage', 'combined') OR m.outfall_id IN (SELECT outfall_id FROM sewage_up))
""").fetchall()

step("outfall problems")
# Enterprises: inside a cluster (a point on the enterprise), no sewer within coverage_m.
db.execute("""CREATE TABLE ev AS
    SELECT enterprise_id, ST_MakeValid(geom) AS geom FROM enterprises WHERE geom IS NOT NULL""")
db.execute("""CREATE TABLE ec AS
    SELECT ev.enterprise_id, ev.geom, min(c.cluster_id) AS cluster_id
    FROM ev LEFT JOIN clusters c ON ST_Contains(c.geom, ST_PointOnSurface(ev.geom))
    GROUP BY ev.enterprise_id, ev.geom""")
problems += db.execute(f"""
    SELECT 'ENTERPRISE_UNCOVERED', ec.enterprise_id FROM ec
    WHERE ec.cluster_id IS NOT NULL AND ec.enterprise_id NOT IN (
        SELECT DISTINCT ec.enterprise_id FROM ec JOIN p ON ST_DWithin(p.geom, ec.geom, {coverage_m})
        WHERE p.kind IN ('sewage', 'combined'))
""").fetchall()

step("enterprises")
# Corridor and deadlines.
deadlines = dict(db.execute(f"""
    WITH main_stem AS (
        SELECT ST_Union_Agg(geom) AS geom FROM rivers
        WHERE lower(trim(name)) IN {MAIN_STEM} OR lower(trim(name_zh)) IN {MAIN_STEM}),
    counts AS (SELECT cluster_id, count(*) AS n FROM ec WHERE cluster_id IS NOT NULL GROUP BY cluster_id)
    SELECT c.cluster_id,
           CASE WHEN coalesce(counts.n, 0) = 0 THEN 'out_of_scope'
                WHEN lower(trim(c.demo)) IN ('true', '1', '是', 'y', 'yes') THEN '2024-12-31'
                WHEN ST_DWithin(c.geom, ms.geom, {corridor_m}) OR pk.level IN ('national', '国家级')
                    THEN '2025-12-31'
                ELSE '2027-12-31' END
    FROM clusters c CROSS JOIN main_stem ms
    LEFT JOIN parks pk ON pk.park_id = c.park_id
    LEFT JOIN counts ON counts.cluster_id = c.cluster_id
""").fetchall())
step("deadlines")
t2 = time.perf_counter()

print(json.dumps({"problems": sorted([list(p) for p in problems]), "deadlines": deadlines,
                  "load_s": t1 - t0, "analysis_s": t2 - t1}, ensure_ascii=False))
