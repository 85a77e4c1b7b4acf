-- After ogr2ogr has loaded the workspace as it is (lon/lat): move every layer into zdz's
-- working CRS (:epsg) and index it, as a PostGIS user preparing for metric queries would.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT format('ALTER TABLE %I ALTER COLUMN geom TYPE geometry(%s, %s) USING ST_Transform(geom, %s); CREATE INDEX ON %I USING gist (geom); ANALYZE %I;',
              f_table_name, type, :epsg, :epsg, f_table_name, f_table_name)
FROM geometry_columns WHERE f_table_schema = 'public' \gexec
