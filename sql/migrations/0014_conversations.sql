-- Conversations between a need's community and a partner: an interest is answered (the community
-- invites the partner — a proposal held exactly like a round's — or declines with a reason), and
-- each (need, partner) pair with a proposal or a partnership has a thread of messages.

CREATE DOMAIN proposal_origin_code AS text CHECK (VALUE IN ('round', 'invitation'));
CREATE DOMAIN interest_status_code AS text CHECK (VALUE IN ('open', 'invited', 'declined'));

-- A proposal comes from a match round or from the community inviting a partner that expressed
-- interest; only a round's has a round.
ALTER TABLE proposals ALTER COLUMN round_id DROP NOT NULL;
ALTER TABLE proposals ADD COLUMN origin proposal_origin_code NOT NULL DEFAULT 'round';
ALTER TABLE proposals ADD CONSTRAINT proposals_origin_round
    CHECK ((origin = 'round') = (round_id IS NOT NULL));

-- The community's answer to an interest: once, by whom, when; an invitation names its proposal,
-- a decline says why (the partner reads it).
ALTER TABLE interests
    ADD COLUMN status      interest_status_code NOT NULL DEFAULT 'open',
    ADD COLUMN reason      text CHECK (char_length(reason) BETWEEN 1 AND 1000),
    ADD COLUMN answered_by bigint REFERENCES users (id),
    ADD COLUMN answered_at timestamptz,
    ADD COLUMN proposal_id bigint REFERENCES proposals (id),
    ADD CONSTRAINT interests_answer_shape CHECK (
        (status = 'open') = (answered_at IS NULL)
        AND (status = 'invited') = (proposal_id IS NOT NULL)
        AND (status = 'declined') = (reason IS NOT NULL));

-- One thread per (need, partner) pair: plain text, newline allowed, no other control character.
-- ``side`` is what the author wrote as: the need's community, the partner, or a coordinator.
CREATE TABLE messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    demand_id  bigint NOT NULL REFERENCES demands (id),
    actor_id   bigint NOT NULL REFERENCES actors (id),
    author_id  bigint NOT NULL REFERENCES users (id),
    side       text NOT NULL CHECK (side IN ('community', 'partner', 'coordinator')),
    body       text NOT NULL CONSTRAINT messages_body_plain_text CHECK (
                   char_length(body) BETWEEN 1 AND 2000
                   AND body !~ '[\x01-\x09\x0b-\x1f\x7f-\x9f]'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_thread_idx ON messages (demand_id, actor_id, id);
