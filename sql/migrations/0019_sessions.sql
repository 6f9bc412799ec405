-- Sessions that end when they should: a token carries its user's token_version, and a password
-- change or deactivation bumps it (every token of that user stops at once); signing out records
-- that one token's id until it would have expired anyway.

ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;

CREATE TABLE revoked_tokens (
    jti        text PRIMARY KEY CHECK (char_length(jti) BETWEEN 16 AND 64),
    user_id    bigint NOT NULL REFERENCES users (id),
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);
