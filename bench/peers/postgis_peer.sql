-- The zdz rules of issue 6 in PostGIS, as a GIS analyst would write them.
--   psql -At -v snap=1 -v match=20 -v coverage=100 -v plant=50 -v corridor=1000 -f postgis_peer.sql
-- The workspace's layers are tables (parks, clusters, enterprises, pipes, outfalls, plants,
-- rivers) in zdz's working CRS with GiST indexes. Prints one JSON object: the problems
-- OUTFALL_UNMATCHED, OUTFALL_SEWAGE_DIRECT, STORM_CROSS_CONNECTION, ENTERPRISE_UNCOVERED as
-- [code, feature_id] pairs, and each cluster's deadline.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE TEMP TABLE p AS
SELECT row_number() OVER (ORDER BY fid) AS i, pipe_id, geom,
       CASE lower(trim(kind)) WHEN 'sewage' THEN 'sewage' WHEN '污水' THEN 'sewage'
            WHEN 'storm' THEN 'storm' WHEN '雨水' THEN 'storm'
            WHEN 'combined' THEN 'combined' WHEN '合流' THEN 'combined' END AS kind
FROM pipes WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom);

-- Network nodes: pipe ends closer than snap_m are one node, transitively (DBSCAN with one
-- point per cluster is single linkage; eps just under snap_m keeps "closer than").
CREATE TEMP TABLE ends AS
SELECT i, 0 AS side, ST_StartPoint(geom) AS pt FROM p
UNION ALL SELECT i, 1, ST_EndPoint(geom) FROM p;
CREATE TEMP TABLE nodes AS
SELECT i, side, pt, ST_ClusterDBSCAN(pt, eps := :snap * 0.999999, minpoints := 1) OVER () AS node FROM ends;
CREATE TEMP TABLE pn AS
SELECT p.i, p.kind, a.node AS up, b.node AS down, b.pt AS down_pt
FROM p JOIN nodes a ON a.i = p.i AND a.side = 0 JOIN nodes b ON b.i = p.i AND b.side = 1;
CREATE INDEX ON pn USING gist (down_pt);
CREATE INDEX ON pn (down);
ANALYZE pn;

-- Outfalls: the nearest pipe downstream end within outfall_match_m.
CREATE TEMP TABLE m AS
SELECT o.outfall_id, o.geom,
       CASE lower(trim(o.kind)) WHEN 'storm' THEN 'storm' WHEN '雨水' THEN 'storm'
            WHEN 'sewage' THEN 'sewage' WHEN '污水' THEN 'sewage'
            WHEN 'combined' THEN 'combined' WHEN '合流' THEN 'combined'
            WHEN 'plant' THEN 'plant' WHEN '污水厂' THEN 'plant' END AS kind,
       nullif(trim(o.plant_id), '') AS plant_id,
       near.i AS pipe, near.down AS node
FROM outfalls o
LEFT JOIN LATERAL (
  SELECT pn.i, pn.down FROM pn
  WHERE ST_DWithin(pn.down_pt, o.geom, :match)
  ORDER BY pn.down_pt <-> o.geom, pn.i LIMIT 1
) near ON true;

-- Upstream traces: every node upstream of each matched outfall's node.
CREATE TEMP TABLE up AS
WITH RECURSIVE up(outfall_id, node) AS (
  SELECT outfall_id, node FROM m WHERE node IS NOT NULL
  UNION
  SELECT up.outfall_id, pn.up FROM up JOIN pn ON pn.down = up.node
)
SELECT * FROM up;
CREATE TEMP TABLE sewage_up AS
SELECT DISTINCT up.outfall_id FROM up JOIN pn ON pn.down = up.node WHERE pn.kind IN ('sewage', 'combined');

CREATE TEMP TABLE problems (code text, fid text);
INSERT INTO problems
SELECT 'OUTFALL_UNMATCHED', m.outfall_id FROM m
WHERE m.pipe IS NULL
  AND NOT (m.plant_id IS NOT NULL AND EXISTS (SELECT 1 FROM plants pl WHERE pl.plant_id = m.plant_id))
  AND NOT (m.kind = 'plant' AND EXISTS (SELECT 1 FROM plants pl WHERE ST_DWithin(pl.geom, m.geom, :plant)));
INSERT INTO problems
SELECT 'STORM_CROSS_CONNECTION', m.outfall_id FROM m JOIN sewage_up s USING (outfall_id) WHERE m.kind = 'storm';
INSERT INTO problems
SELECT 'OUTFALL_SEWAGE_DIRECT', m.outfall_id FROM m
WHERE NOT (m.kind IS NOT DISTINCT FROM 'plant' OR m.plant_id IS NOT NULL)
  AND m.kind IS DISTINCT FROM 'storm'
  AND (m.kind IN ('sewage', 'combined') OR m.outfall_id IN (SELECT outfall_id FROM sewage_up));

-- Enterprises: inside a cluster (a point on the enterprise), no sewer within coverage_m.
CREATE TEMP TABLE sewers AS SELECT geom FROM p WHERE kind IN ('sewage', 'combined');
CREATE INDEX ON sewers USING gist (geom);
CREATE TEMP TABLE ec AS
SELECT e.enterprise_id, g.geom,
       (SELECT c.cluster_id FROM clusters c WHERE ST_Contains(c.geom, ST_PointOnSurface(g.geom))
        ORDER BY c.cluster_id LIMIT 1) AS cluster_id
FROM enterprises e CROSS JOIN LATERAL (SELECT ST_MakeValid(e.geom) AS geom) g
WHERE e.geom IS NOT NULL;
INSERT INTO problems
SELECT 'ENTERPRISE_UNCOVERED', ec.enterprise_id FROM ec
WHERE ec.cluster_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM sewers s WHERE ST_DWithin(s.geom, ec.geom, :coverage));

-- Corridor and deadlines.
CREATE TEMP TABLE main_stem AS
SELECT ST_Union(geom) AS geom FROM rivers
WHERE lower(trim(name)) IN ('长江', 'yangtze', 'chang jiang', 'yangtze river', '长江干流')
   OR lower(trim(name_zh)) IN ('长江', 'yangtze', 'chang jiang', 'yangtze river', '长江干流');
CREATE TEMP TABLE deadlines AS
SELECT c.cluster_id,
       CASE WHEN NOT EXISTS (SELECT 1 FROM ec WHERE ec.cluster_id = c.cluster_id) THEN 'out_of_scope'
            WHEN lower(trim(c.demo)) IN ('true', '1', '是', 'y', 'yes') THEN '2024-12-31'
            WHEN ST_DWithin(c.geom, ms.geom, :corridor) OR pk.level IN ('national', '国家级') THEN '2025-12-31'
            ELSE '2027-12-31' END AS deadline
FROM clusters c CROSS JOIN main_stem ms LEFT JOIN parks pk ON pk.park_id = c.park_id;

SELECT json_build_object(
  'problems', (SELECT coalesce(json_agg(json_build_array(code, fid)), '[]') FROM problems),
  'deadlines', (SELECT json_object_agg(cluster_id, deadline) FROM deadlines)
);
