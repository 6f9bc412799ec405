-- Synthetic data for scale (matchmaker/synthetic.py); the rows themselves arrive by COPY.

-- name: reserve_ids
-- n ids from a table's identity sequence, sorted, so rows can carry their foreign keys into COPY.
SELECT array_agg(id ORDER BY id)
FROM (SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)) AS ids;

-- name: seed_loaded
SELECT EXISTS (SELECT 1 FROM districts WHERE name = $1);
