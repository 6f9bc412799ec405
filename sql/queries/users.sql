-- Users: sign-in and the current user.

-- name: current
SELECT id, username, display_name, role, community_id, actor_id
FROM users WHERE id = $1 AND active;

-- name: by_username
SELECT id, username, display_name, role, community_id, actor_id, password_hash
FROM users WHERE username = $1 AND active;

-- name: touch_login
UPDATE users SET last_login_at = now() WHERE id = $1;

-- name: insert
INSERT INTO users (username, display_name, role, community_id, actor_id, password_hash)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, username, display_name, role, community_id, actor_id;
