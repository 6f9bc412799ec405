-- Synthetic data for scale (matchmaker/synthetic/); the rows themselves arrive by COPY.

-- name: reserve_ids
-- n ids from a table's identity sequence, sorted, so rows can carry their foreign keys into COPY.
SELECT array_agg(id ORDER BY id)
FROM (SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)) AS ids;

-- name: seed_loaded
SELECT EXISTS (SELECT 1 FROM districts WHERE name = $1);

-- name: analyze_written
-- The written tables' statistics, at once: until autovacuum came by, the planner took a province's
-- 200,000 fresh needs for a few dozen and chose plans six times slower (a partner's board: 0.9 s
-- against 0.14).
ANALYZE districts, towns, communities, actors, actor_districts, demands;
