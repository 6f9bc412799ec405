-- Notifications in the app: written beside the event they tell of, read by their user.

-- name: notify
-- One notification to every active user on the named sides — staff of community $1, staff of
-- organisation $2, the users $3 — except the user who acted ($4). Returns who got one and how
-- they want to hear beyond the app.
WITH recipients AS (
    SELECT id FROM users
    WHERE active
      AND id IS DISTINCT FROM $4::bigint
      AND ((role = 'community_staff' AND community_id = $1::bigint)
        OR (role = 'partner' AND actor_id = $2::bigint)
        OR id = ANY($3::bigint[]))
), made AS (
    INSERT INTO notifications (user_id, kind, entity, entity_id, link, params)
    SELECT id, $5, $6, $7, $8, $9::jsonb FROM recipients
    RETURNING id, user_id
)
SELECT made.id, made.user_id, u.email, u.language, u.email_mode
FROM made JOIN users u ON u.id = made.user_id;

-- name: display_names
SELECT id, display_name FROM users WHERE id = ANY($1::bigint[]);

-- name: notify_round
-- A round's proposals, told to both sides of each: one notification per proposal per user.
-- Returns, per user who got any, how many and the first few, for one summary e-mail.
-- (Two joins, one per side, so each uses its index rather than one OR over every user; each
-- notification's words are put together only once someone is to be told of it.)
WITH told AS (
    SELECT p.id, d.community_id, p.actor_id, d.title, a.name AS actor, c.name AS community,
           p.expires_at, p.round_id
    FROM proposals p
    JOIN demands d ON d.id = p.demand_id
    JOIN communities c ON c.id = d.community_id
    JOIN actors a ON a.id = p.actor_id
    WHERE p.round_id = $1 AND p.status = 'pending'
), recipients AS (
    SELECT t.*, u.id AS user_id
    FROM told t JOIN users u ON u.community_id = t.community_id
    WHERE u.active AND u.role = 'community_staff'
    UNION ALL
    SELECT t.*, u.id
    FROM told t JOIN users u ON u.actor_id = t.actor_id
    WHERE u.active AND u.role = 'partner'
), made AS (
    INSERT INTO notifications (user_id, kind, entity, entity_id, link, params)
    SELECT user_id, 'proposal_made', 'proposal', id, '/inbox#proposal-' || id,
           jsonb_build_object('demand', title, 'actor', actor, 'community', community,
                              'expires', expires_at, 'round', round_id)
    FROM recipients
    RETURNING id, user_id, params
)
SELECT made.user_id, u.email, u.language, u.email_mode, count(*) AS proposals,
       (array_agg(made.params ORDER BY made.id))[1:10] AS first
FROM made JOIN users u ON u.id = made.user_id
GROUP BY made.user_id, u.email, u.language, u.email_mode;

-- name: round_areas
-- Where a round's proposals are, for the group robots: per community, its district and the
-- proposals (best first, a few) that concern it. Only the communities an active robot hears (its
-- own or its district's): the others would be told nothing, and with no robot at all nothing is
-- read.
SELECT d.community_id, c.district_id, c.name AS community, count(*) AS proposals,
       (array_agg(jsonb_build_object('demand', d.title, 'actor', a.name)
                  ORDER BY p.score DESC, p.id))[1:10] AS first
FROM proposals p
JOIN demands d ON d.id = p.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = p.actor_id
WHERE p.round_id = $1 AND p.status = 'pending'
  AND EXISTS (SELECT 1 FROM group_webhooks WHERE active)
  AND (d.community_id IN (SELECT community_id FROM group_webhooks
                          WHERE active AND community_id IS NOT NULL)
       OR c.district_id IN (SELECT district_id FROM group_webhooks
                            WHERE active AND district_id IS NOT NULL))
GROUP BY d.community_id, c.district_id, c.name;

-- name: list
SELECT id, kind, entity, entity_id, link, params, created_at, read_at
FROM notifications
WHERE user_id = $1
  AND (NOT $2::boolean OR read_at IS NULL)
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: unread
SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL;

-- name: mark_read
-- The user's own notifications among $2 (all of them when $2 is null) become read.
UPDATE notifications SET read_at = now()
WHERE user_id = $1 AND read_at IS NULL AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]));

-- name: since
-- What a user was told in (from, to], oldest first, for a digest.
SELECT id, kind, entity, entity_id, link, params, created_at, read_at
FROM notifications
WHERE user_id = $1 AND created_at > $2 AND created_at <= $3
ORDER BY id
LIMIT 200;

-- name: digest_due
-- Users who take a daily digest by e-mail and have not had today's ($1: the start of today).
-- A digest tells of the day since the last one, never of more than the day before today.
SELECT id, email, language,
       GREATEST(COALESCE(digest_sent_at, created_at), $1::timestamptz - interval '1 day') AS since
FROM users
WHERE active AND email IS NOT NULL AND email_mode = 'digest'
  AND (digest_sent_at IS NULL OR digest_sent_at < $1::timestamptz);

-- name: digest_sent
UPDATE users SET digest_sent_at = $2 WHERE id = $1;

-- name: expiring_proposals
-- Live proposals within the reminder's lead time of expiring ($1 now, $2 lead), not yet reminded;
-- marked reminded in the same statement so a reminder is made once.
UPDATE proposals p SET reminded_at = $1
FROM demands d, communities c, actors a
WHERE d.id = p.demand_id AND c.id = d.community_id AND a.id = p.actor_id
  AND p.status IN ('pending', 'community_accepted', 'partner_accepted')
  AND p.reminded_at IS NULL
  AND p.expires_at > $1 AND p.expires_at <= $1 + $2::interval
RETURNING p.id, p.status, d.community_id, p.actor_id, d.title AS demand, a.name AS actor,
          c.name AS community, p.expires_at;

-- name: overdue_partnerships
-- Active partnerships whose need's window ended before today ($1), not yet told; marked told.
UPDATE partnerships ps SET overdue_notified_at = $2
FROM demands d, actors a
WHERE d.id = ps.demand_id AND a.id = ps.actor_id
  AND ps.status = 'active' AND ps.overdue_notified_at IS NULL
  AND d.window_end IS NOT NULL AND d.window_end < $1::date
RETURNING ps.id, d.community_id, ps.actor_id, d.title AS demand, a.name AS actor, d.window_end;

-- name: settings_of
SELECT email, language, email_mode FROM users WHERE id = $1;

-- name: set_settings
UPDATE users SET email = $2, language = $3, email_mode = $4 WHERE id = $1
RETURNING email, language, email_mode;

-- name: open_link
-- Opening one of the user's own notifications marks it read; the page it links to.
UPDATE notifications SET read_at = COALESCE(read_at, now())
WHERE user_id = $1 AND id = $2
RETURNING link;
