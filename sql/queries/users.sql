-- Users: sign-in and the current user.

-- name: current
-- The active user a token names, while the token's version ($2) is still theirs and its id ($3)
-- was not signed out (see services/sessions.py); for a coordinator, the ids of the districts they
-- govern (a city's, resolved now).
SELECT u.id, u.username, u.display_name, u.role, u.community_id, u.actor_id,
       ARRAY(SELECT DISTINCT d.id
             FROM coordinator_areas a
             JOIN districts d ON d.id = a.district_id OR d.city = a.city
             WHERE a.user_id = u.id
             ORDER BY d.id) AS districts
FROM users u WHERE u.id = $1 AND u.active
  AND u.token_version = $2 AND NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $3);

-- name: by_username
SELECT u.id, u.username, u.display_name, u.role, u.community_id, u.actor_id, u.password_hash,
       ARRAY(SELECT DISTINCT d.id
             FROM coordinator_areas a
             JOIN districts d ON d.id = a.district_id OR d.city = a.city
             WHERE a.user_id = u.id
             ORDER BY d.id) AS districts
FROM users u WHERE u.username = $1 AND u.active;

-- name: touch_login
UPDATE users SET last_login_at = now() WHERE id = $1;

-- name: insert
INSERT INTO users (username, display_name, role, community_id, actor_id, password_hash)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, username, display_name, role, community_id, actor_id;

-- name: list_accounts
-- Users for admins and coordinators, with their binding's name and a coordinator's area; filters
-- optional (NULL = any). Never the hash.
SELECT u.id, u.username, u.display_name, u.role, u.community_id, c.name AS community_name,
       u.actor_id, a.name AS actor_name, u.active, u.created_at, u.updated_at, u.last_login_at,
       ARRAY(SELECT coalesce(dd.name, ca.city) FROM coordinator_areas ca
             LEFT JOIN districts dd ON dd.id = ca.district_id
             WHERE ca.user_id = u.id ORDER BY ca.city IS NOT NULL, dd.id, ca.city) AS areas,
       {sort_key} AS sort_key
FROM users u
LEFT JOIN communities c ON c.id = u.community_id
LEFT JOIN actors a ON a.id = u.actor_id
WHERE ($1::text IS NULL OR u.role = $1)
  AND ($2::boolean IS NULL OR u.active = $2)
  -- $3: a coordinator's districts (NULL: every account, for admins) — only the staff of their
  -- area's communities and organisations; $4: part of the login or display name.
  AND ($3::bigint[] IS NULL
       OR c.district_id = ANY ($3)
       OR EXISTS (SELECT 1 FROM actor_districts ad
                  WHERE ad.actor_id = u.actor_id AND ad.district_id = ANY ($3)))
  AND ($4::text IS NULL OR strpos(lower(u.username), lower($4)) > 0
       OR strpos(lower(u.display_name), lower($4)) > 0)
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: account
SELECT u.id, u.username, u.display_name, u.role, u.community_id, c.name AS community_name,
       u.actor_id, a.name AS actor_name, u.active, u.created_at, u.updated_at, u.last_login_at,
       ARRAY(SELECT coalesce(dd.name, ca.city) FROM coordinator_areas ca
             LEFT JOIN districts dd ON dd.id = ca.district_id
             WHERE ca.user_id = u.id ORDER BY ca.city IS NOT NULL, dd.id, ca.city) AS areas
FROM users u
LEFT JOIN communities c ON c.id = u.community_id
LEFT JOIN actors a ON a.id = u.actor_id
WHERE u.id = $1;

-- name: lock_account
-- The account, its users row locked until the caller's transaction ends.
SELECT u.id, u.username, u.display_name, u.role, u.community_id, c.name AS community_name,
       u.actor_id, a.name AS actor_name, u.active, u.created_at, u.updated_at, u.last_login_at,
       ARRAY(SELECT coalesce(dd.name, ca.city) FROM coordinator_areas ca
             LEFT JOIN districts dd ON dd.id = ca.district_id
             WHERE ca.user_id = u.id ORDER BY ca.city IS NOT NULL, dd.id, ca.city) AS areas
FROM users u
LEFT JOIN communities c ON c.id = u.community_id
LEFT JOIN actors a ON a.id = u.actor_id
WHERE u.id = $1
FOR UPDATE OF u;

-- name: update_account
UPDATE users
SET display_name = $2, role = $3, community_id = $4, actor_id = $5, active = $6
WHERE id = $1;

-- name: set_password
UPDATE users SET password_hash = $2 WHERE id = $1;

-- name: find_community
-- Live communities whose id is $1 or whose name is $2 (either may be NULL).
SELECT id, name FROM communities
WHERE archived_at IS NULL AND (id = $1::bigint OR name = $2::text)
ORDER BY id;

-- name: find_actor
-- Live partner organisations whose id is $1 or whose name is $2 (either may be NULL).
SELECT id, name FROM actors
WHERE archived_at IS NULL AND (id = $1::bigint OR name = $2::text)
ORDER BY id;
