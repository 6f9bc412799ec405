-- A community answering a partner's interest: inviting it (a proposal held like a round's, the
-- community's side already accepted) or declining it with a reason. Holds: see rounds.sql.

-- name: interest_for_update
-- The interest of actor $2 in demand $1, locked until the answer commits (one answer wins).
SELECT i.demand_id, i.actor_id, a.name AS actor_name, a.verified, i.note, i.status, i.reason,
       i.answered_by, i.answered_at, i.proposal_id, i.created_at
FROM interests i JOIN actors a ON a.id = i.actor_id
WHERE i.demand_id = $1 AND i.actor_id = $2
FOR UPDATE OF i;

-- name: pair_taken
-- Under the holds lock: what already pairs demand $1 with actor $2 — a live proposal or a
-- partnership not cancelled — as (kind, id, status), or no row.
(SELECT 'proposal' AS kind, p.id, p.status::text AS status FROM proposals p
 WHERE p.demand_id = $1 AND p.actor_id = $2
   AND p.status IN ('pending', 'community_accepted', 'partner_accepted') AND p.expires_at > now()
 ORDER BY p.id DESC LIMIT 1)
UNION ALL
(SELECT 'partnership', s.id, s.status::text FROM partnerships s
 WHERE s.demand_id = $1 AND s.actor_id = $2 AND s.status <> 'cancelled'
 ORDER BY s.id DESC LIMIT 1)
LIMIT 1;

-- name: insert_invitation
-- An invitation's proposal: no round, the community's side accepted now, held until $6.
INSERT INTO proposals (round_id, origin, demand_id, actor_id, score, components, status,
                       unverified, community_accepted_at, expires_at)
VALUES (NULL, 'invitation', $1, $2, $3, $4, 'community_accepted', $5, now(), $6)
RETURNING id;

-- name: answer_interest
-- Record the community's one answer ($3 invited | declined) to the interest of $2 in $1.
UPDATE interests
SET status = $3, reason = $4, answered_by = $5, answered_at = now(), proposal_id = $6
WHERE demand_id = $1 AND actor_id = $2 AND status = 'open'
RETURNING demand_id, actor_id, status, reason, answered_by, answered_at, proposal_id;
