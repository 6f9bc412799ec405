-- Sessions: the tokens that no longer sign anyone in (see services/sessions.py; the check itself
-- is in users.sql's current, the one query every signed-in request makes).

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
