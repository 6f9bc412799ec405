-- A round's frozen graph in a table of its own, so a round can store it on a connection of its
-- own while its proposals are written (at 50,000 × 10,000: 26 MB, about half a second), instead
-- of after them in the round's one transaction. The graph is seen only through its report
-- (round_reports), which the round's transaction writes when it succeeds; a round that fails has
-- its graph deleted with the failure (fail_round, fail_abandoned), and any left behind by a race
-- with a failure is never shown and goes with its round.
CREATE TABLE round_graphs (
    round_id   bigint PRIMARY KEY REFERENCES rounds (id) ON DELETE CASCADE,
    graph_gz   bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- already gzip-compressed: stored out of line as it is, without a second try at compressing it
ALTER TABLE round_graphs ALTER COLUMN graph_gz SET STORAGE EXTERNAL;

INSERT INTO round_graphs (round_id, graph_gz, created_at)
SELECT round_id, graph_gz, created_at FROM round_reports;
ALTER TABLE round_reports DROP COLUMN graph_gz;
