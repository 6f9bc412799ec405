-- Proposals being answered and partnerships (合作关系) through to their outcome.

-- name: proposal_for_update
SELECT p.id, p.round_id, p.origin, p.demand_id, p.actor_id, p.score, p.status,
       p.community_accepted_at, p.partner_accepted_at, p.expires_at,
       p.expires_at <= now() AS expired, d.community_id
FROM proposals p JOIN demands d ON d.id = p.demand_id
WHERE p.id = $1
FOR UPDATE OF p;

-- name: accept_proposal
-- $2: 'community' or 'partner' — the side that accepts now.
UPDATE proposals
SET community_accepted_at = CASE WHEN $2 = 'community' THEN coalesce(community_accepted_at, now())
                                 ELSE community_accepted_at END,
    partner_accepted_at = CASE WHEN $2 = 'partner' THEN coalesce(partner_accepted_at, now())
                               ELSE partner_accepted_at END,
    status = $3
WHERE id = $1;

-- name: decline_proposal
UPDATE proposals SET status = 'declined', declined_by = $2, decline_reason = $3 WHERE id = $1;

-- name: expire_proposals
-- Live proposals past their time ($1: now, or the database's now when null) become expired;
-- returns what their two sides are told.
UPDATE proposals p SET status = 'expired'
FROM demands d, actors a
WHERE d.id = p.demand_id AND a.id = p.actor_id
  AND p.status IN ('pending', 'community_accepted', 'partner_accepted')
  AND p.expires_at <= COALESCE($1::timestamptz, now())
RETURNING p.id, d.community_id, p.actor_id, d.title AS demand, a.name AS actor;

-- name: get_proposal
SELECT p.id, p.round_id, p.origin, p.demand_id, d.title AS demand_title, d.community_id,
       c.name AS community_name, p.actor_id, a.name AS actor_name, p.score, p.components,
       p.status, p.unverified, p.community_accepted_at, p.partner_accepted_at, p.expires_at
FROM proposals p
JOIN demands d ON d.id = p.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = p.actor_id
WHERE p.id = $1;

-- name: load_counts
-- Under the holds lock: the partner's capacity and active partnerships, the demand's slots and
-- partnerships that took a slot (active or completed), the units live proposals hold of each
-- (pending or accepted by one side, not expired; but for proposal $3, the one being confirmed),
-- and the demand's status.
SELECT a.capacity,
       (SELECT count(*) FROM partnerships s WHERE s.actor_id = a.id AND s.status = 'active') AS active,
       (SELECT count(*) FROM proposals p WHERE p.actor_id = a.id AND p.id IS DISTINCT FROM $3::bigint
          AND p.status IN ('pending', 'community_accepted', 'partner_accepted')
          AND p.expires_at > now()) AS actor_held,
       d.slots,
       (SELECT count(*) FROM partnerships s WHERE s.demand_id = d.id
          AND s.status IN ('active', 'completed')) AS taken,
       (SELECT count(*) FROM proposals p WHERE p.demand_id = d.id AND p.id IS DISTINCT FROM $3::bigint
          AND p.status IN ('pending', 'community_accepted', 'partner_accepted')
          AND p.expires_at > now()) AS demand_held,
       d.status AS demand_status, d.community_id
FROM actors a, demands d
WHERE a.id = $1 AND d.id = $2;

-- name: insert_partnership
INSERT INTO partnerships (demand_id, actor_id, origin, proposal_id, created_by)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: get_partnership
SELECT s.id, s.demand_id, d.title AS demand_title, d.community_id, c.name AS community_name,
       s.actor_id, a.name AS actor_name, s.origin, s.proposal_id, s.status, s.started_at,
       s.ended_at, s.beneficiaries_served, s.rating, s.feedback, s.cancel_reason,
       s.review_rating, s.review_feedback, s.reviewed_at,
       (SELECT cs.id FROM cases cs WHERE cs.partnership_id = s.id) AS case_id
FROM partnerships s
JOIN demands d ON d.id = s.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = s.actor_id
WHERE s.id = $1;

-- name: partnership_for_update
SELECT s.id, s.demand_id, s.actor_id, s.status, s.reviewed_at, d.community_id, d.title,
       d.category, d.status AS demand_status,
       (SELECT c.district_id FROM communities c WHERE c.id = d.community_id) AS district_id
FROM partnerships s JOIN demands d ON d.id = s.demand_id
WHERE s.id = $1
FOR UPDATE OF s;

-- name: complete_partnership
-- The community side closes it: the outcome and its rating of the partner ($5: who).
UPDATE partnerships
SET status = 'completed', ended_at = now(), beneficiaries_served = $2, rating = $3, feedback = $4,
    completed_by = $5
WHERE id = $1;

-- name: review_partnership
-- The partner's rating of the community, once ($4: who).
UPDATE partnerships
SET review_rating = $2, review_feedback = $3, reviewed_by = $4, reviewed_at = now()
WHERE id = $1 AND reviewed_at IS NULL;

-- name: cancel_partnership
UPDATE partnerships SET status = 'cancelled', ended_at = now(), cancel_reason = $2 WHERE id = $1;

-- name: active_partnerships_of_demand
SELECT count(*) FROM partnerships WHERE demand_id = $1 AND status = 'active';

-- name: set_demand_status
UPDATE demands SET status = $2 WHERE id = $1;

-- name: has_interest
SELECT EXISTS (SELECT 1 FROM interests WHERE demand_id = $1 AND actor_id = $2);

-- name: publish_case
INSERT INTO cases (community_id, title, summary, category, model_tags, beneficiaries,
                   duration_months, rating, year, partnership_id, search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id;

-- name: case_actor
INSERT INTO case_actors (case_id, actor_id) VALUES ($1, $2);

-- name: list_partnerships
-- Scoped: $1 community (staff), $2 actor (partner), both NULL for curators; $5 the districts of
-- a coordinator's area (NULL: everywhere).
SELECT s.id, s.demand_id, d.title AS demand_title, d.community_id, c.name AS community_name,
       s.actor_id, a.name AS actor_name, s.origin, s.proposal_id, s.status, s.started_at,
       s.ended_at, s.beneficiaries_served, s.rating, s.feedback, s.cancel_reason,
       s.review_rating, s.review_feedback, s.reviewed_at,
       (SELECT cs.id FROM cases cs WHERE cs.partnership_id = s.id) AS case_id,
       {sort_key} AS sort_key
FROM partnerships s
JOIN demands d ON d.id = s.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = s.actor_id
WHERE ($1::bigint IS NULL OR d.community_id = $1)
  AND ($2::bigint IS NULL OR s.actor_id = $2)
  AND ($3::text IS NULL OR s.status = $3)
  AND ($4::bigint IS NULL OR s.demand_id = $4)
  AND ($5::bigint[] IS NULL OR c.district_id = ANY ($5))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: proposals_for
-- Proposals a user can answer: of community $1 or of actor $2, newest first — a round's and
-- a community's invitations alike; $4: the districts of a coordinator's area (NULL: everywhere).
SELECT p.id, p.round_id, p.origin, p.demand_id, d.title AS demand_title, d.community_id,
       c.name AS community_name, p.actor_id, a.name AS actor_name, p.score, p.components,
       p.status, p.unverified, p.community_accepted_at, p.partner_accepted_at, p.expires_at,
       {sort_key} AS sort_key
FROM proposals p
JOIN demands d ON d.id = p.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = p.actor_id
WHERE ($1::bigint IS NULL OR d.community_id = $1)
  AND ($2::bigint IS NULL OR p.actor_id = $2)
  AND ($3::text IS NULL OR p.status = $3)
  AND ($4::bigint[] IS NULL OR c.district_id = ANY ($4))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};
