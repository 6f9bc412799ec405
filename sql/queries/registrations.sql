-- Applications for an account (see services/registrations.py).

-- name: username_taken
-- True when a user has the name, or a pending application asks for it.
SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)
    OR EXISTS (SELECT 1 FROM registrations WHERE username = $1 AND status = 'pending');

-- name: org_name_taken
SELECT EXISTS (SELECT 1 FROM actors WHERE name = $1)
    OR EXISTS (SELECT 1 FROM registrations
               WHERE org_name = $1 AND status = 'pending' AND actor_id IS NULL);

-- name: insert
INSERT INTO registrations (kind, username, display_name, password_hash, phone, email, message,
                           community_id, actor_id, org_name, org_kind, district_id, token_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING id;

-- name: one
-- An application as its applicant and its coordinators read it, with the districts of its area:
-- a community's district; an organisation joined, the districts it serves; a new one, its base.
SELECT r.id, r.kind, r.status, r.username, r.display_name, r.phone, r.email, r.message,
       r.community_id, c.name AS community_name, r.actor_id,
       COALESCE(a.name, r.org_name) AS org_name, r.org_kind, r.district_id,
       COALESCE(cd.name, d.name) AS district_name, r.reason, r.decided_at, r.created_at,
       r.user_id,
       CASE WHEN r.kind = 'community_staff' THEN ARRAY[c.district_id]
            WHEN r.org_name IS NULL
                THEN ARRAY(SELECT ad.district_id FROM actor_districts ad
                           WHERE ad.actor_id = r.actor_id ORDER BY ad.district_id)
            ELSE ARRAY[r.district_id] END AS districts
FROM registrations r
LEFT JOIN communities c ON c.id = r.community_id
LEFT JOIN districts cd ON cd.id = c.district_id
LEFT JOIN actors a ON a.id = r.actor_id
LEFT JOIN districts d ON d.id = r.district_id
WHERE ($1::bigint IS NULL OR r.id = $1) AND ($2::text IS NULL OR r.token_hash = $2);

-- name: lock
SELECT id, status, password_hash FROM registrations WHERE id = $1 FOR UPDATE;

-- name: pending
-- Pending applications, oldest first, in the districts $1 (NULL: everywhere).
SELECT * FROM (
    SELECT r.id, r.kind, r.username, r.display_name, r.phone, r.email, r.message,
           c.name AS community_name, COALESCE(a.name, r.org_name) AS org_name, r.org_kind,
           r.actor_id, COALESCE(cd.name, d.name) AS district_name, r.created_at,
           CASE WHEN r.kind = 'community_staff' THEN ARRAY[c.district_id]
                WHEN r.org_name IS NULL
                    THEN ARRAY(SELECT ad.district_id FROM actor_districts ad
                               WHERE ad.actor_id = r.actor_id)
                ELSE ARRAY[r.district_id] END AS districts
    FROM registrations r
    LEFT JOIN communities c ON c.id = r.community_id
    LEFT JOIN districts cd ON cd.id = c.district_id
    LEFT JOIN actors a ON a.id = r.actor_id
    LEFT JOIN districts d ON d.id = r.district_id
    WHERE r.status = 'pending'
) p
WHERE $1::bigint[] IS NULL OR p.districts && $1
ORDER BY p.created_at, p.id
LIMIT 200;

-- name: decide
-- Record the decision; the password's hash is no longer needed (it moved to the user, or not).
UPDATE registrations
SET status = $2, reason = $3, decided_by = $4, decided_at = now(), user_id = $5,
    actor_id = COALESCE($6, actor_id), password_hash = NULL
WHERE id = $1;

-- name: district
SELECT id, name, lat, lon FROM districts WHERE id = $1;

-- name: actor_live
SELECT EXISTS (SELECT 1 FROM actors WHERE id = $1 AND archived_at IS NULL);

-- name: community_live
SELECT EXISTS (SELECT 1 FROM communities WHERE id = $1 AND archived_at IS NULL);

-- name: choices
-- What the application form offers: every district, and (as suggestions to type from) the first
-- 500 communities and organisations by name — a province has far too many to list them all.
(SELECT 'district' AS kind, d.id, d.name FROM districts d ORDER BY d.name)
UNION ALL
(SELECT 'community', min(c.id), c.name FROM communities c WHERE c.archived_at IS NULL
 GROUP BY c.name ORDER BY c.name LIMIT 500)
UNION ALL
(SELECT 'actor', a.id, a.name FROM actors a WHERE a.archived_at IS NULL ORDER BY a.name LIMIT 500);

-- name: actor_named
SELECT id FROM actors WHERE name = $1 AND archived_at IS NULL;

-- name: community_named
-- The community of this name in district $1 (names repeat across districts, not within one).
SELECT id FROM communities WHERE district_id = $1 AND name = $2 AND archived_at IS NULL
ORDER BY id LIMIT 1;

-- name: coordinators_of
-- The active coordinators whose area holds any of the districts $1 (to tell them what waits).
SELECT DISTINCT a.user_id
FROM coordinator_areas a
JOIN districts d ON d.id = a.district_id OR d.city = a.city
JOIN users u ON u.id = a.user_id AND u.active AND u.role = 'coordinator'
WHERE d.id = ANY ($1::bigint[]);
