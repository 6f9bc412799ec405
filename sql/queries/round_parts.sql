-- The parts of a round split by region (see services/round_parts.py).

-- name: scope_districts
-- The districts that hold open demands in the round's scope: one part each.
SELECT DISTINCT c.district_id
FROM demands d JOIN communities c ON c.id = d.community_id
WHERE d.status = 'open' AND d.archived_at IS NULL
  AND (cardinality($1::bigint[]) = 0 OR c.district_id = ANY ($1))
  AND (cardinality($2::bigint[]) = 0 OR c.town_id = ANY ($2))
  AND (cardinality($3::text[]) = 0 OR d.category = ANY ($3))
ORDER BY 1;

-- name: release_round
-- The worker that split the round lets go of it: from now on its parts are owned, not the round.
UPDATE rounds SET worker = NULL, lease_until = NULL, progress = $3
WHERE id = $1 AND status = 'running' AND worker = $2
RETURNING id;

-- name: insert_parts
INSERT INTO round_parts (round_id, part, districts)
SELECT $1, n - 1, ARRAY[d]
FROM unnest($2::bigint[]) WITH ORDINALITY AS u (d, n);

-- name: insert_repair
-- The repair after the parts: the needs that lost a partner to another part, solved again against
-- what was left; recorded as one more part (no districts of its own) with its frozen graph.
INSERT INTO round_parts (round_id, part, districts, status, stats, graph_gz, started_at, finished_at)
VALUES ($1, $2, '{}', 'succeeded', $3, $4, now(), now());

-- name: claim_part
-- A worker takes a queued part of a round still running.
UPDATE round_parts p
SET status = 'running', started_at = now(), worker = $3,
    lease_until = now() + make_interval(secs => $4)
FROM rounds r
WHERE p.round_id = $1 AND p.part = $2 AND p.status = 'queued'
  AND r.id = p.round_id AND r.status = 'running'
RETURNING p.districts;

-- name: renew_part_lease
UPDATE round_parts SET lease_until = now() + make_interval(secs => $4)
WHERE round_id = $1 AND part = $2 AND status = 'running' AND worker = $3
RETURNING part;

-- name: finish_part
UPDATE round_parts
SET status = 'succeeded', finished_at = now(), lease_until = NULL, stats = $4, result_gz = $5,
    graph_gz = $6
WHERE round_id = $1 AND part = $2 AND status = 'running' AND worker = $3
RETURNING part;

-- name: fail_part
UPDATE round_parts
SET status = 'failed', finished_at = now(), lease_until = NULL, error = $4
WHERE round_id = $1 AND part = $2
  AND (status = 'queued' OR (status = 'running' AND worker IS NOT DISTINCT FROM $3))
RETURNING part;

-- name: lock_round
-- Taken by a part as it finishes, so exactly one part sees that all are done.
SELECT status FROM rounds WHERE id = $1 FOR UPDATE;

-- name: tally
SELECT count(*) FILTER (WHERE status = 'succeeded') AS done,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) AS total
FROM round_parts WHERE round_id = $1;

-- name: results
SELECT part, districts, stats, result_gz FROM round_parts WHERE round_id = $1 ORDER BY part;

-- name: part_graphs
-- The frozen graph of each part ($2: only that part; NULL: all), in part order.
SELECT part, graph_gz FROM round_parts
WHERE round_id = $1 AND ($2::int IS NULL OR part = $2) AND status = 'succeeded'
ORDER BY part;

-- name: parts_progress
UPDATE rounds SET progress = $2 WHERE id = $1 AND status = 'running' AND worker IS NULL;

-- name: fail_split_round
UPDATE rounds SET status = 'failed', finished_at = now(), error = $2
WHERE id = $1 AND status = 'running' AND worker IS NULL
RETURNING id;

-- name: fail_abandoned_parts
-- Parts whose worker stopped renewing its lease: failed, saying so (their round fails with them).
UPDATE round_parts
SET status = 'failed', finished_at = now(), lease_until = NULL,
    error = 'abandoned: the worker running it stopped answering'
WHERE status = 'running' AND lease_until < now()
RETURNING round_id, part;
