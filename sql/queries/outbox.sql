-- The outbox: messages written in their event's transaction, sent afterwards by a worker.

-- name: put
-- Queue messages (one per element of the arrays); a message already queued under its key is
-- left as it is. Returns how many were new.
WITH put AS (
    INSERT INTO outbox (channel, dedupe_key, user_id, webhook_id, recipient, subject, body)
    SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],
                         $6::text[], $7::text[])
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id
)
SELECT count(*) FROM put;

-- name: claim
-- Up to $2 messages due at $1 (pending and due, or sending with a lapsed lease: its sender
-- died), each now this sender's for $3 seconds. Skips rows another sender holds.
UPDATE outbox o
SET status = 'sending', attempts = o.attempts + 1,
    lease_until = $1 + make_interval(secs => $3)
WHERE o.id IN (
    SELECT id FROM outbox
    WHERE (status = 'pending' AND next_attempt_at <= $1)
       OR (status = 'sending' AND lease_until <= $1)
    ORDER BY next_attempt_at, id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
RETURNING o.id, o.channel, o.dedupe_key, o.webhook_id, o.recipient, o.subject, o.body,
          o.attempts;

-- name: sent
-- A batch's messages that went, at $2.
UPDATE outbox SET status = 'sent', sent_at = $2, lease_until = NULL, last_error = NULL
WHERE id = ANY($1::bigint[]) AND status = 'sending';

-- name: retry
-- A batch's messages that failed: each tried again at its time, or given up ('failed') once $4
-- attempts were made, keeping the error.
UPDATE outbox o
SET status = CASE WHEN o.attempts >= $4 THEN 'failed' ELSE 'pending' END,
    next_attempt_at = r.at, lease_until = NULL, last_error = r.error
FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS r(id, at, error)
WHERE o.id = r.id AND o.status = 'sending';

-- name: give_up
-- Messages that cannot be sent at all (their channel is not configured): failed, with why.
UPDATE outbox o SET status = 'failed', lease_until = NULL, last_error = r.error
FROM unnest($1::bigint[], $2::text[]) AS r(id, error)
WHERE o.id = r.id AND o.status = 'sending';

-- name: due
-- Whether anything is due at $1 (for the housekeeping pass to wake a sender).
SELECT EXISTS (
    SELECT 1 FROM outbox
    WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
);

-- name: webhook
SELECT id, name, provider, url, secret, district_id, community_id, active
FROM group_webhooks WHERE id = $1;

-- name: webhooks_by_id
SELECT id, name, provider, url, secret, district_id, community_id, active
FROM group_webhooks WHERE id = ANY($1::bigint[]);

-- name: webhooks_of
-- The active robots of communities $1 or districts $2.
SELECT id, name, provider, url, secret, district_id, community_id, active
FROM group_webhooks
WHERE active AND (community_id = ANY($1::bigint[]) OR district_id = ANY($2::bigint[]))
ORDER BY id;

-- name: list_webhooks
SELECT w.id, w.name, w.provider, w.url, w.secret IS NOT NULL AS signed, w.district_id,
       dd.name AS district_name, w.community_id, c.name AS community_name, w.active,
       w.created_at, w.updated_at, coalesce(w.district_id, c.district_id) AS place_district_id
FROM group_webhooks w
LEFT JOIN districts dd ON dd.id = w.district_id
LEFT JOIN communities c ON c.id = w.community_id
ORDER BY w.id;

-- name: insert_webhook
INSERT INTO group_webhooks (name, provider, url, secret, district_id, community_id, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: update_webhook
UPDATE group_webhooks SET name = $2, provider = $3, url = $4, secret = $5, active = $6
WHERE id = $1
RETURNING id;

-- name: delivery_counts
-- How the outbox stands, for the operator.
SELECT channel, status, count(*) AS n FROM outbox GROUP BY channel, status ORDER BY channel, status;
