-- Threads: the messages between a need's community and a partner, one thread per (need, partner)
-- pair that has a proposal or a partnership.

-- name: thread
-- The pair demand $1 × actor $2 with its latest proposal and partnership; no row when there is
-- no such demand or actor, nulls in both when the pair has neither (then there is no thread).
SELECT d.id AS demand_id, d.title AS demand_title, d.community_id, c.name AS community_name,
       c.district_id, a.id AS actor_id, a.name AS actor_name,
       p.id AS proposal_id, p.status AS proposal_status,
       s.id AS partnership_id, s.status AS partnership_status
FROM demands d
JOIN communities c ON c.id = d.community_id
CROSS JOIN actors a
LEFT JOIN LATERAL (
    SELECT id, status FROM proposals
    WHERE demand_id = d.id AND actor_id = a.id ORDER BY id DESC LIMIT 1) p ON true
LEFT JOIN LATERAL (
    SELECT id, status FROM partnerships
    WHERE demand_id = d.id AND actor_id = a.id ORDER BY id DESC LIMIT 1) s ON true
WHERE d.id = $1 AND a.id = $2;

-- name: messages
-- A page of the thread demand $1 × actor $2 (the caller reverses it to show newest last).
SELECT m.id, m.demand_id, m.actor_id, m.author_id, u.display_name AS author_name, m.side,
       m.body, m.created_at, {sort_key} AS sort_key
FROM messages m
JOIN users u ON u.id = m.author_id
WHERE m.demand_id = $1 AND m.actor_id = $2
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: insert_message
INSERT INTO messages (demand_id, actor_id, author_id, side, body)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: get_message
SELECT m.id, m.demand_id, m.actor_id, m.author_id, u.display_name AS author_name, m.side,
       m.body, m.created_at
FROM messages m JOIN users u ON u.id = m.author_id
WHERE m.id = $1;

-- name: curators_in_thread
-- The active coordinators and admins who wrote in the thread demand $1 × actor $2: they hear of
-- the replies too.
SELECT coalesce(array_agg(DISTINCT u.id), '{}')
FROM messages m JOIN users u ON u.id = m.author_id
WHERE m.demand_id = $1 AND m.actor_id = $2 AND m.side = 'coordinator'
  AND u.active AND u.role IN ('coordinator', 'admin');
