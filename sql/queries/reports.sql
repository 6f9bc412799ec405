-- Reports for 社治委: what an area's communities did in a period, one row per community, rolled up
-- by the service (community → 街道 town → 区县 district → city). Every figure a community row
-- carries is a count or a sum, so a town's is the sum of its communities' and so on upwards.
--
-- The area is $1 districts (NULL: every district), $2 a town (NULL: any), $3 a community (NULL:
-- any); the period is [$4, $5) as timestamps (the service turns Sichuan dates into them).
-- Archived communities and needs never count; drafts are not "posted".

-- name: community
SELECT c.id, c.name, c.district_id FROM communities c WHERE c.id = $1 AND c.archived_at IS NULL;

-- name: town
SELECT t.id, t.name, t.district_id FROM towns t WHERE t.id = $1;

-- name: district
SELECT d.id, d.name, d.city FROM districts d WHERE d.id = $1;

-- name: city
-- The districts of a city, by id (none: no such city).
SELECT ARRAY(SELECT d.id FROM districts d WHERE d.city = $1 ORDER BY d.id) AS districts;

-- name: choices
-- Every place of the districts $1 (NULL: all) a report may be asked for, coarsest first: cities,
-- districts, towns, then communities by name (at most 500 of them).
-- A city is offered only when every one of its districts is among $1.
(SELECT 1 AS depth, 'city:' || d.city AS key, d.city AS name, min(d.id) AS sort_id
 FROM districts d
 GROUP BY d.city
 HAVING $1::bigint[] IS NULL OR bool_and(d.id = ANY ($1)))
UNION ALL
(SELECT 2, 'district:' || d.id, d.name, d.id
 FROM districts d WHERE $1::bigint[] IS NULL OR d.id = ANY ($1))
UNION ALL
(SELECT 3, 'town:' || t.id, di.name || ' · ' || t.name, t.id
 FROM towns t JOIN districts di ON di.id = t.district_id
 WHERE $1::bigint[] IS NULL OR t.district_id = ANY ($1))
UNION ALL
(SELECT 4, 'community:' || c.id, c.name, c.id
 FROM communities c
 WHERE c.archived_at IS NULL AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
 ORDER BY c.name, c.id LIMIT 500)
ORDER BY depth, sort_id;

-- name: communities
-- One row per community of the area: where it lies, its "1257N" indicators and what it did in
-- the period. Needs: those posted in the period (created then, not a draft now), by where each
-- stands now. Partnerships: those started in the period, by status now, with what the completed
-- ones served, the community side's ratings (sum and how many, for a weighted average) and the
-- completed ones' days from start to end. Proposals: those of real (not dry-run) rounds started
-- in the period. The 五社 activity counts partnerships started in the period with organisations
-- of each kind (see the README's Reports section).
WITH here AS (
    SELECT c.id, c.name, c.town_id, t.name AS town_name, c.district_id, di.name AS district_name,
           di.city, c.social_work_rooms, c.social_workers, c.community_orgs, c.volunteer_teams,
           c.charity_resources
    FROM communities c
    JOIN towns t ON t.id = c.town_id
    JOIN districts di ON di.id = c.district_id
    WHERE c.archived_at IS NULL
      AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
      AND ($2::bigint IS NULL OR c.town_id = $2)
      AND ($3::bigint IS NULL OR c.id = $3)
), needs AS (
    SELECT d.community_id,
           count(*) AS posted,
           count(*) FILTER (WHERE d.status = 'open') AS open,
           count(*) FILTER (WHERE d.status IN ('matched', 'in_progress')) AS matched,
           count(*) FILTER (WHERE d.status = 'fulfilled') AS fulfilled,
           count(*) FILTER (WHERE d.status = 'cancelled') AS cancelled
    FROM demands d
    WHERE d.community_id IN (SELECT id FROM here) AND d.archived_at IS NULL
      AND d.status <> 'draft' AND d.created_at >= $4 AND d.created_at < $5
    GROUP BY d.community_id
), ships AS (
    SELECT d.community_id,
           count(*) AS started,
           count(*) FILTER (WHERE s.status = 'active') AS active,
           count(*) FILTER (WHERE s.status = 'completed') AS completed,
           count(*) FILTER (WHERE s.status = 'cancelled') AS cancelled,
           coalesce(sum(s.beneficiaries_served) FILTER (WHERE s.status = 'completed'), 0)
               AS served,
           coalesce(sum(s.rating), 0) AS rating_sum,
           count(s.rating) AS rated,
           coalesce(sum(s.ended_at::date - s.started_at::date)
                        FILTER (WHERE s.status = 'completed'), 0) AS days_sum,
           count(*) FILTER (WHERE a.kind IN ('social_org', 'association', 'social_enterprise',
                                             'think_tank')) AS with_social_orgs,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM talent p
               WHERE p.actor_id = s.actor_id AND p.archived_at IS NULL
                 AND 'social_worker' = ANY (p.roles))) AS with_social_workers,
           count(*) FILTER (WHERE a.kind = 'volunteer_team') AS with_volunteers,
           count(*) FILTER (WHERE a.kind IN ('foundation', 'enterprise')) AS with_charity
    FROM partnerships s
    JOIN demands d ON d.id = s.demand_id
    JOIN actors a ON a.id = s.actor_id
    WHERE d.community_id IN (SELECT id FROM here) AND d.archived_at IS NULL
      AND s.started_at >= $4 AND s.started_at < $5
    GROUP BY d.community_id
), offers AS (
    SELECT d.community_id,
           count(*) AS proposals,
           count(*) FILTER (WHERE p.status = 'confirmed') AS confirmed
    FROM proposals p
    JOIN rounds r ON r.id = p.round_id
    JOIN demands d ON d.id = p.demand_id
    WHERE d.community_id IN (SELECT id FROM here) AND NOT r.dry_run AND r.status = 'succeeded'
      AND r.created_at >= $4 AND r.created_at < $5
    GROUP BY d.community_id
)
SELECT h.id, h.name, h.town_id, h.town_name, h.district_id, h.district_name, h.city,
       h.social_work_rooms, h.social_workers, h.community_orgs, h.volunteer_teams,
       h.charity_resources,
       coalesce(n.posted, 0)::int AS needs_posted,
       coalesce(n.open, 0)::int AS needs_open,
       coalesce(n.matched, 0)::int AS needs_matched,
       coalesce(n.fulfilled, 0)::int AS needs_fulfilled,
       coalesce(n.cancelled, 0)::int AS needs_cancelled,
       coalesce(s.started, 0)::int AS partnerships,
       coalesce(s.active, 0)::int AS partnerships_active,
       coalesce(s.completed, 0)::int AS partnerships_completed,
       coalesce(s.cancelled, 0)::int AS partnerships_cancelled,
       coalesce(s.served, 0)::int AS beneficiaries_served,
       coalesce(s.rating_sum, 0)::int AS rating_sum,
       coalesce(s.rated, 0)::int AS rated,
       coalesce(s.days_sum, 0)::int AS days_sum,
       coalesce(s.with_social_orgs, 0)::int AS with_social_orgs,
       coalesce(s.with_social_workers, 0)::int AS with_social_workers,
       coalesce(s.with_volunteers, 0)::int AS with_volunteers,
       coalesce(s.with_charity, 0)::int AS with_charity,
       coalesce(o.proposals, 0)::int AS proposals,
       coalesce(o.confirmed, 0)::int AS proposals_confirmed
FROM here h
LEFT JOIN needs n ON n.community_id = h.id
LEFT JOIN ships s ON s.community_id = h.id
LEFT JOIN offers o ON o.community_id = h.id
ORDER BY h.city, h.district_id, h.town_id, h.id;

-- name: needs_by_category
-- The area's needs posted in the period, by category and where each stands now.
SELECT d.category,
       count(*)::int AS posted,
       count(*) FILTER (WHERE d.status = 'open')::int AS open,
       count(*) FILTER (WHERE d.status IN ('matched', 'in_progress'))::int AS matched,
       count(*) FILTER (WHERE d.status = 'fulfilled')::int AS fulfilled,
       count(*) FILTER (WHERE d.status = 'cancelled')::int AS cancelled
FROM demands d
JOIN communities c ON c.id = d.community_id
WHERE c.archived_at IS NULL AND d.archived_at IS NULL AND d.status <> 'draft'
  AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR c.id = $3)
  AND d.created_at >= $4 AND d.created_at < $5
GROUP BY d.category
ORDER BY posted DESC, d.category;

-- name: rounds
-- Real rounds started in the period that finished, oldest first, with their stored reasons for
-- the needs they left open (gzip JSON; NULL when the round wrote no report).
SELECT r.id, r.algorithm, r.created_at, rr.unmatched_gz
FROM rounds r
LEFT JOIN round_reports rr ON rr.round_id = r.id
WHERE NOT r.dry_run AND r.status = 'succeeded' AND r.created_at >= $1 AND r.created_at < $2
ORDER BY r.id;

-- name: proposals
-- The proposals rounds $4 made to the area's needs, best first within each round, at most $5.
-- `in_round`: how many the round made to the area's needs in all (counted before the cap).
SELECT p.round_id, p.id, d.id AS demand_id, d.title, c.name AS community, a.name AS partner,
       p.score, p.components, p.status,
       (count(*) OVER (PARTITION BY p.round_id))::int AS in_round
FROM proposals p
JOIN demands d ON d.id = p.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = p.actor_id
WHERE p.round_id = ANY ($4::bigint[]) AND c.archived_at IS NULL AND d.archived_at IS NULL
  AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR c.id = $3)
ORDER BY p.round_id, p.score DESC, p.id
LIMIT $5;

-- name: area_needs
-- Which of the needs $4 lie in the area: their title and community (to name a round's open ones).
SELECT d.id, d.title, c.id AS community_id, c.name AS community
FROM demands d
JOIN communities c ON c.id = d.community_id
WHERE d.id = ANY ($4::bigint[]) AND c.archived_at IS NULL AND d.archived_at IS NULL
  AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR c.id = $3);
