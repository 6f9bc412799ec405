-- What a match round leaves besides its proposals: the frozen, scored input graph (so anyone can
-- re-solve and audit the round), the reason each unmatched demand was left open, and for a dry
-- run the proposals it would have made. Each is gzip-compressed JSON: written once, read whole.

CREATE TABLE round_reports (
    round_id        bigint PRIMARY KEY REFERENCES rounds (id) ON DELETE CASCADE,
    fingerprint     text NOT NULL,
    graph_gz        bytea NOT NULL,
    unmatched_gz    bytea NOT NULL,
    dry_proposals_gz bytea,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- A pending proposal holds capacity until it expires: lists of holds filter on these.
CREATE INDEX proposals_live_idx ON proposals (demand_id, actor_id)
    WHERE status IN ('pending', 'community_accepted', 'partner_accepted');
CREATE INDEX proposals_round_idx ON proposals (round_id, id);
CREATE INDEX partnerships_demand_idx ON partnerships (demand_id, status);

-- Every proposal expires: its hold on capacity must end even if nobody answers.
UPDATE proposals SET expires_at = created_at + interval '7 days' WHERE expires_at IS NULL;
ALTER TABLE proposals ALTER COLUMN expires_at SET DEFAULT now() + interval '7 days';
ALTER TABLE proposals ALTER COLUMN expires_at SET NOT NULL;
