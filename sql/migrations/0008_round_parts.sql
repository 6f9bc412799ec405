-- A round split by region (RoundRequest.split = 'district') runs as one job per part: each part is
-- owned by the worker holding it while its lease is fresh, as a whole round is. The part keeps
-- what it computed (proposal rows, frozen graph, reasons; msgpack, gzip) until the last part to
-- finish writes every part's proposals and one report for the round.

CREATE TABLE round_parts (
    round_id    bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    part        integer NOT NULL CHECK (part >= 0),
    districts   bigint[] NOT NULL,
    status      round_status_code NOT NULL DEFAULT 'queued',
    worker      uuid,
    lease_until timestamptz,
    stats       jsonb NOT NULL DEFAULT '{}',
    result_gz   bytea,
    error       text,
    started_at  timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (round_id, part)
);
CREATE INDEX round_parts_lease_idx ON round_parts (lease_until) WHERE status = 'running';
