-- Rounds run as jobs on a queue in this database (PgQueuer's tables are installed beside these by
-- the migration runner). A running round belongs to the worker holding it while its lease is fresh:
-- the worker renews `lease_until` as it works, every status move is guarded by status and worker,
-- and a round whose lease lapsed is failed by whoever notices, never by another process's start-up.

ALTER TABLE rounds
    ADD COLUMN worker      uuid,
    ADD COLUMN lease_until timestamptz;

-- the housekeeping sweep looks for running rounds whose lease lapsed
CREATE INDEX rounds_lease_idx ON rounds (lease_until) WHERE status = 'running';

-- One row per run of the periodic housekeeping (expiring proposals, failing abandoned rounds):
-- when it ran, which worker ran it, what it changed. Operators read when it last ran; the tests
-- count that it ran once per interval across all instances.
CREATE TABLE housekeeping_runs (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ran_at    timestamptz NOT NULL DEFAULT now(),
    worker    uuid NOT NULL,
    expired   integer NOT NULL DEFAULT 0 CHECK (expired >= 0),
    abandoned integer NOT NULL DEFAULT 0 CHECK (abandoned >= 0)
);
CREATE INDEX housekeeping_runs_ran_at_idx ON housekeeping_runs (ran_at);
