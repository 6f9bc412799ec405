-- Sessions: who a token signs in, and the tokens that no longer do (see services/sessions.py).

-- name: signed_in
-- The active user a token names, if its version is still theirs and it was not signed out.
SELECT id, username, display_name, role, community_id, actor_id
FROM users
WHERE id = $1 AND active AND token_version = $2
  AND NOT EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $3);

-- name: token_version
SELECT token_version FROM users WHERE id = $1;

-- name: revoke_all
-- Every token of the user stops (a password change, a deactivation).
UPDATE users SET token_version = token_version + 1 WHERE id = $1;

-- name: revoke_one
INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (jti) DO NOTHING;

-- name: forget_expired
-- A revoked token past its expiry is refused by its signature's date anyway.
DELETE FROM revoked_tokens WHERE expires_at < now();
