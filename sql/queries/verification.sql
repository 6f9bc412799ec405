-- Evidence and verification of organisations (see services/verification.py).

-- name: actor
-- The organisation with its standing verification and the districts of its area (those it serves).
SELECT a.id, a.name, a.kind, a.grade, a.verified, a.verified_at, a.verified_until,
       u.display_name AS verified_by_name,
       ARRAY(SELECT ad.district_id FROM actor_districts ad WHERE ad.actor_id = a.id
             ORDER BY ad.district_id) AS districts
FROM actors a LEFT JOIN users u ON u.id = a.verified_by
WHERE a.id = $1 AND a.archived_at IS NULL;

-- name: insert_request
INSERT INTO verification_requests (actor_id, registration_number, grade, file_name, file_type,
                                   file_bytes, submitted_by, submitted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: requests_of
-- An organisation's submissions, newest first (never the file's bytes).
SELECT v.id, v.actor_id, a.name AS actor_name, v.registration_number, v.grade, v.file_name,
       v.file_type, octet_length(v.file_bytes) AS file_size, v.status, v.submitted_at,
       s.display_name AS submitted_by_name, v.decided_at, d.display_name AS decided_by_name,
       v.note, v.verified_until
FROM verification_requests v
JOIN actors a ON a.id = v.actor_id
LEFT JOIN users s ON s.id = v.submitted_by
LEFT JOIN users d ON d.id = v.decided_by
WHERE v.actor_id = $1
ORDER BY v.id DESC
LIMIT 50;

-- name: pending
-- Submissions waiting for a decision, oldest first, of organisations serving a district in $1
-- (NULL: everywhere).
SELECT v.id, v.actor_id, a.name AS actor_name, a.kind AS actor_kind, v.registration_number,
       v.grade, v.file_name, v.file_type, octet_length(v.file_bytes) AS file_size, v.status,
       v.submitted_at, s.display_name AS submitted_by_name, v.decided_at,
       NULL::text AS decided_by_name, v.note, v.verified_until
FROM verification_requests v
JOIN actors a ON a.id = v.actor_id
LEFT JOIN users s ON s.id = v.submitted_by
WHERE v.status = 'pending'
  AND ($1::bigint[] IS NULL OR EXISTS (
        SELECT 1 FROM actor_districts ad WHERE ad.actor_id = v.actor_id AND ad.district_id = ANY ($1)))
ORDER BY v.submitted_at, v.id
LIMIT 200;

-- name: lock_request
SELECT id, actor_id, status, registration_number, grade FROM verification_requests
WHERE id = $1 FOR UPDATE;

-- name: file
SELECT id, actor_id, file_name, file_type, file_bytes FROM verification_requests WHERE id = $1;

-- name: decide
UPDATE verification_requests
SET status = $2, decided_by = $3, decided_at = $4, note = $5, verified_until = $6
WHERE id = $1;

-- name: verify_actor
-- The organisation is verified from $3 until $4 by $2; the grade its certificate shows, if any.
UPDATE actors
SET verified = true, verified_by = $2, verified_at = $3, verified_until = $4,
    grade = COALESCE($5, grade)
WHERE id = $1;

-- name: lapse
-- Verifications whose term ended by $1: no longer verified (what the engine reads).
UPDATE actors SET verified = false
WHERE verified AND verified_until IS NOT NULL AND verified_until <= $1
RETURNING id, name, verified_until;

-- name: badges
-- The standing verification of the organisations $1, for the badge on pages.
SELECT id, verified AND (verified_until IS NULL OR verified_until > now()) AS verified,
       verified_until
FROM actors WHERE id = ANY ($1::bigint[]);

-- name: partners_of
-- plan: once
-- The organisations in partnership (active or completed) with each need of $1, for its page and
-- card, with their verification.
SELECT p.demand_id, a.id, a.name,
       a.verified AND (a.verified_until IS NULL OR a.verified_until > now()) AS verified,
       a.verified_until
FROM partnerships p JOIN actors a ON a.id = p.actor_id
WHERE p.demand_id = ANY ($1::bigint[]) AND p.status IN ('active', 'completed')
ORDER BY p.demand_id, p.id;
