-- Sign-in attempts counted in the database, so the limit holds across every web process and
-- instance: per address (every attempt) and per account (wrong passwords), each in a fixed window.
-- Unlogged: a counter lost in a crash only forgives some guesses; it is not worth a WAL write.

CREATE UNLOGGED TABLE login_attempts (
    key          text PRIMARY KEY CHECK (key ~ '^(address|account):'),
    window_start timestamptz NOT NULL DEFAULT now(),
    attempts     integer NOT NULL DEFAULT 1 CHECK (attempts > 0)
);
