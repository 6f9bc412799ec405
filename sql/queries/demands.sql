-- Demands (需求库) and interests in them.

-- name: list
-- Filters are optional (NULL = any). Visibility: $11 true sees drafts of every community of the
-- districts $13 (NULL: of every district), else only drafts of community $12 (the caller's own).
-- Archived demands never appear.
SELECT d.id, d.community_id, c.name AS community_name, c.kind AS community_kind,
       c.theme AS community_theme, c.district_id, di.name AS district_name, c.town_id,
       t.name AS town_name, d.title, d.description, d.category, d.resource_types, d.skills,
       d.target_groups, d.beneficiaries, d.budget::float8 AS budget, d.slots, d.urgency,
       d.window_start, d.window_end, d.intake_channel, d.status,
       d.reach AS delivery, d.delivery IS NULL AS delivery_by_default,
       ARRAY(SELECT b.actor_id FROM demand_beneficiaries b WHERE b.demand_id = d.id
             ORDER BY b.actor_id) AS beneficiary_actor_ids,
       (SELECT count(*) FROM interests i WHERE i.demand_id = d.id)::int AS interest_count,
       d.created_at, d.updated_at, {sort_key} AS sort_key
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN districts di ON di.id = c.district_id
JOIN towns t ON t.id = c.town_id
WHERE d.archived_at IS NULL
  AND ($1::bigint IS NULL OR c.district_id = $1)
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR d.community_id = $3)
  AND ($4::text IS NULL OR d.category = $4)
  AND ($5::text IS NULL OR d.status = $5)
  AND ($6::text IS NULL OR $6 = ANY (d.resource_types::text[]))
  AND ($7::text IS NULL OR $7 = ANY (d.target_groups::text[]))
  AND ($8::text IS NULL OR d.urgency = $8)
  AND ($9::text IS NULL OR c.kind = $9)
  AND ($10::text IS NULL OR d.search @@ (SELECT search_match($10::text)))
  AND (d.status <> 'draft' OR d.community_id = $12::bigint
       OR ($11::boolean AND ($13::bigint[] IS NULL OR c.district_id = ANY ($13))))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: get
-- plan: once
SELECT d.id, d.community_id, c.name AS community_name, c.kind AS community_kind,
       c.theme AS community_theme, c.district_id, di.name AS district_name, c.town_id,
       t.name AS town_name, d.title, d.description, d.category, d.resource_types, d.skills,
       d.target_groups, d.beneficiaries, d.budget::float8 AS budget, d.slots, d.urgency,
       d.window_start, d.window_end, d.intake_channel, d.status,
       d.reach AS delivery, d.delivery IS NULL AS delivery_by_default,
       ARRAY(SELECT b.actor_id FROM demand_beneficiaries b WHERE b.demand_id = d.id
             ORDER BY b.actor_id) AS beneficiary_actor_ids,
       (SELECT count(*) FROM interests i WHERE i.demand_id = d.id)::int AS interest_count,
       d.created_at, d.updated_at
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN districts di ON di.id = c.district_id
JOIN towns t ON t.id = c.town_id
WHERE d.id = $1 AND d.archived_at IS NULL;

-- name: row_for_update
-- The stored row, locked, for a change in the caller's transaction.
SELECT id, community_id, title, description, category, resource_types, skills, target_groups,
       beneficiaries, budget::float8 AS budget, slots, urgency, window_start, window_end,
       intake_channel, status, delivery,
       ARRAY(SELECT b.actor_id FROM demand_beneficiaries b WHERE b.demand_id = demands.id
             ORDER BY b.actor_id) AS beneficiary_actor_ids
FROM demands WHERE id = $1 AND archived_at IS NULL
FOR UPDATE;

-- name: insert
INSERT INTO demands (community_id, title, description, category, resource_types, skills,
                     target_groups, beneficiaries, budget, slots, urgency, window_start,
                     window_end, intake_channel, status, created_by, search_text, delivery)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
RETURNING id;

-- name: update
UPDATE demands
SET title = $2, description = $3, category = $4, resource_types = $5, skills = $6,
    target_groups = $7, beneficiaries = $8, budget = $9, slots = $10, urgency = $11,
    window_start = $12, window_end = $13, intake_channel = $14, search_text = $15, delivery = $16
WHERE id = $1;

-- name: drop_beneficiaries
-- Forget the beneficiaries of demand $1 that are not in $2.
DELETE FROM demand_beneficiaries WHERE demand_id = $1 AND actor_id <> ALL ($2::bigint[]);

-- name: add_beneficiaries
INSERT INTO demand_beneficiaries (demand_id, actor_id)
SELECT $1, x.id FROM unnest($2::bigint[]) AS x(id)
ON CONFLICT DO NOTHING;

-- name: set_status
UPDATE demands SET status = $2 WHERE id = $1;

-- name: archive
UPDATE demands SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;

-- name: upsert_interest
-- Idempotent: expressing interest again keeps one row and updates its note.
INSERT INTO interests (demand_id, actor_id, note, created_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (demand_id, actor_id) DO UPDATE SET note = EXCLUDED.note
RETURNING (xmax = 0) AS created;

-- name: delete_interest
DELETE FROM interests WHERE demand_id = $1 AND actor_id = $2
RETURNING demand_id, actor_id, note;

-- name: interests_of_demand
SELECT i.demand_id, i.actor_id, a.name AS actor_name, i.note, i.created_at,
       i.status, i.reason, i.answered_at, i.proposal_id, p.status AS proposal_status
FROM interests i JOIN actors a ON a.id = i.actor_id
LEFT JOIN proposals p ON p.id = i.proposal_id
WHERE i.demand_id = $1
ORDER BY i.created_at, i.actor_id;

-- name: interests_of_actor
SELECT i.demand_id, i.actor_id, a.name AS actor_name, i.note, i.created_at,
       i.status, i.reason, i.answered_at, i.proposal_id, p.status AS proposal_status
FROM interests i JOIN actors a ON a.id = i.actor_id JOIN demands d ON d.id = i.demand_id
LEFT JOIN proposals p ON p.id = i.proposal_id
WHERE i.actor_id = $1 AND d.archived_at IS NULL
ORDER BY i.created_at DESC, i.demand_id;

-- name: open_ids
-- Ids of the open demands a list with these filters would show that partner $10 might be proposed
-- for: the needs its board ranks by fit. A superset of a round's candidates, which then decide
-- (services.fit): a category it can be proposed for (its own, its live products', and those
-- related: $11 → $12, as the candidates' definition) and a district it serves, the box its radius
-- reaches around its base (1° of latitude ≥ 110 km, of longitude ≥ 55 km below 60°), or a
-- resource it delivers from afar. At a province's 200,000 open needs, reading and testing every
-- open need's reach for one partner's board took 12 s.
WITH a AS MATERIALIZED (
  SELECT x.lat, x.lon, x.service_radius_km AS radius, x.remote_resource_types AS remote_types,
         ARRAY(SELECT ac.category FROM actor_categories ac WHERE ac.actor_id = x.id
               UNION
               SELECT r.to_category
               FROM actor_categories ac
               JOIN unnest($11::text[], $12::text[]) AS r (from_category, to_category)
                 ON r.from_category = ac.category
               WHERE ac.actor_id = x.id) AS can_do,
         ARRAY(SELECT ad.district_id FROM actor_districts ad WHERE ad.actor_id = x.id) AS districts
  FROM actors x
  WHERE x.id = $10
), near AS (
  -- its districts' communities and those in its radius's box (by communities_lat_idx)
  SELECT c.id
  FROM a, communities c
  WHERE c.archived_at IS NULL
    AND (c.district_id = ANY (a.districts)
         OR (a.radius > 0
             AND c.lat BETWEEN a.lat - a.radius / 110.0 AND a.lat + a.radius / 110.0
             AND c.lon BETWEEN a.lon - a.radius / 55.0 AND a.lon + a.radius / 55.0))
), reached AS (
  -- their open needs, and anywhere a need asking for what it delivers from afar (read only for a
  -- partner that does)
  SELECT d.id
  FROM near JOIN demands d ON d.community_id = near.id
  WHERE d.archived_at IS NULL AND d.status = 'open'
  UNION
  SELECT d.id
  FROM a, demands d
  WHERE cardinality(a.remote_types) > 0 AND d.archived_at IS NULL AND d.status = 'open'
    AND d.resource_types && a.remote_types
)
SELECT coalesce(array_agg(d.id ORDER BY d.id), '{}')
FROM a
CROSS JOIN reached
JOIN demands d ON d.id = reached.id
JOIN communities c ON c.id = d.community_id
WHERE ($1::bigint IS NULL OR c.district_id = $1)
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR d.community_id = $3)
  AND ($4::text IS NULL OR d.category = $4)
  AND ($5::text IS NULL OR $5 = ANY (d.resource_types::text[]))
  AND ($6::text IS NULL OR $6 = ANY (d.target_groups::text[]))
  AND ($7::text IS NULL OR d.urgency = $7)
  AND ($8::text IS NULL OR c.kind = $8)
  AND ($9::text IS NULL OR d.search @@ (SELECT search_match($9::text)))
  AND d.category::text = ANY (a.can_do);

-- name: search_revision
-- The counter every write of needs or communities moves (migrations 0026, 0028): a kept ranking
-- is good while it stands still, and brought up to it (ranked_changes) when it moved.
SELECT search_revision FROM library_revision WHERE id = 1;

-- name: ranked_changes
-- What a ranking kept at revision $10 needs to be brought to the revision now (migration 0028),
-- in one statement, so one snapshot: a head row (id NULL) with the revision now, whether the log
-- still holds every change after $10, and how many needs changed since (counting to $11 + 1);
-- then, when at most $11 did, each changed need with its sort key now, NULL when the search no
-- longer finds it (closed, edited out of the query or the filters). The filters of ranked.
WITH now AS (
  SELECT search_revision, search_changes_from FROM library_revision WHERE id = 1
), changed AS (
  SELECT DISTINCT s.demand_id AS id
  FROM search_changes s
  WHERE s.revision > $10 AND $10 >= (SELECT search_changes_from FROM now)
  LIMIT $11 + 1
), found AS (
  SELECT d.id, {sort_key} AS sort_key
  FROM demands d
  JOIN communities c ON c.id = d.community_id
  WHERE d.id IN (SELECT id FROM changed) AND (SELECT count(*) FROM changed) <= $11
    AND d.archived_at IS NULL AND d.status = 'open'
    AND ($1::bigint IS NULL OR c.district_id = $1)
    AND ($2::bigint IS NULL OR c.town_id = $2)
    AND ($3::bigint IS NULL OR d.community_id = $3)
    AND ($4::text IS NULL OR d.category = $4)
    AND ($5::text IS NULL OR $5 = ANY (d.resource_types::text[]))
    AND ($6::text IS NULL OR $6 = ANY (d.target_groups::text[]))
    AND ($7::text IS NULL OR d.urgency = $7)
    AND ($8::text IS NULL OR c.kind = $8)
    AND d.search @@ (SELECT search_match($9::text))
)
SELECT NULL::bigint AS id, NULL::float8 AS sort_key, now.search_revision AS revision,
       $10 >= now.search_changes_from AS logged, (SELECT count(*) FROM changed)::int AS changed
FROM now
UNION ALL
SELECT ch.id, f.sort_key, NULL, NULL, NULL
FROM changed ch LEFT JOIN found f ON f.id = ch.id
WHERE (SELECT count(*) FROM changed) <= $11;

-- name: ranked
-- The open demands a search finds, best first, as ids and sort keys only: the ranking a server
-- keeps (queries/ranked.py). The filters of open_ids; then the cursor's key and id, and the limit.
SELECT d.id, {sort_key} AS sort_key
FROM demands d
JOIN communities c ON c.id = d.community_id
WHERE d.archived_at IS NULL AND d.status = 'open'
  AND ($1::bigint IS NULL OR c.district_id = $1)
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR d.community_id = $3)
  AND ($4::text IS NULL OR d.category = $4)
  AND ($5::text IS NULL OR $5 = ANY (d.resource_types::text[]))
  AND ($6::text IS NULL OR $6 = ANY (d.target_groups::text[]))
  AND ($7::text IS NULL OR d.urgency = $7)
  AND ($8::text IS NULL OR c.kind = $8)
  AND d.search @@ (SELECT search_match($9::text))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: by_ids
-- plan: once
SELECT d.id, d.community_id, c.name AS community_name, c.kind AS community_kind,
       c.theme AS community_theme, c.district_id, di.name AS district_name, c.town_id,
       t.name AS town_name, d.title, d.description, d.category, d.resource_types, d.skills,
       d.target_groups, d.beneficiaries, d.budget::float8 AS budget, d.slots, d.urgency,
       d.window_start, d.window_end, d.intake_channel, d.status,
       d.reach AS delivery, d.delivery IS NULL AS delivery_by_default,
       ARRAY(SELECT b.actor_id FROM demand_beneficiaries b WHERE b.demand_id = d.id
             ORDER BY b.actor_id) AS beneficiary_actor_ids,
       (SELECT count(*) FROM interests i WHERE i.demand_id = d.id)::int AS interest_count,
       d.created_at, d.updated_at
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN districts di ON di.id = c.district_id
JOIN towns t ON t.id = c.town_id
WHERE d.id = ANY ($1::bigint[]);

-- name: interests_in_community
-- Interest partners expressed in the live needs of community $1 (the community inbox), newest first.
SELECT i.demand_id, d.title AS demand_title, d.status AS demand_status, i.actor_id,
       a.name AS actor_name, i.note, i.created_at,
       i.status, i.reason, i.answered_at, i.proposal_id, p.status AS proposal_status
FROM interests i
JOIN demands d ON d.id = i.demand_id
JOIN actors a ON a.id = i.actor_id
LEFT JOIN proposals p ON p.id = i.proposal_id
WHERE d.community_id = $1 AND d.archived_at IS NULL
ORDER BY i.created_at DESC, i.demand_id, i.actor_id
LIMIT $2;

-- name: count_open
-- How many open demands a list with these filters finds (the board's count), counting no further
-- than $10 rows: past that the reader learns only "more than", and the count costs what a page of
-- cards does instead of a scan of every open need. The filters of open_ids.
SELECT count(*)::int
FROM (
  SELECT 1
  FROM demands d
  JOIN communities c ON c.id = d.community_id
  WHERE d.archived_at IS NULL AND d.status = 'open'
    AND ($1::bigint IS NULL OR c.district_id = $1)
    AND ($2::bigint IS NULL OR c.town_id = $2)
    AND ($3::bigint IS NULL OR d.community_id = $3)
    AND ($4::text IS NULL OR d.category = $4)
    AND ($5::text IS NULL OR $5 = ANY (d.resource_types::text[]))
    AND ($6::text IS NULL OR $6 = ANY (d.target_groups::text[]))
    AND ($7::text IS NULL OR d.urgency = $7)
    AND ($8::text IS NULL OR c.kind = $8)
    AND ($9::text IS NULL OR d.search @@ (SELECT search_match($9::text)))
  LIMIT $10
) AS found;

-- name: count_open_anywhere
-- count_open when no filter is about the community (district, town, kind: $1, $2, $8 unused),
-- which then needs no join: looking up each counted need's community was two thirds of the
-- unfiltered board's count (1,001 index probes). With a community filter the join stays, as the
-- planner then starts from the district's communities. Same parameters as count_open.
SELECT count(*)::int
FROM (
  SELECT 1
  FROM demands d
  WHERE d.archived_at IS NULL AND d.status = 'open'
    AND ($3::bigint IS NULL OR d.community_id = $3)
    AND ($4::text IS NULL OR d.category = $4)
    AND ($5::text IS NULL OR $5 = ANY (d.resource_types::text[]))
    AND ($6::text IS NULL OR $6 = ANY (d.target_groups::text[]))
    AND ($7::text IS NULL OR d.urgency = $7)
    AND ($9::text IS NULL OR d.search @@ (SELECT search_match($9::text)))
    AND ($1::bigint, $2::bigint, $8::text) IS NULL
  LIMIT $10
) AS found;

-- name: of_community
-- The ids of every live demand of community $1 (its staff's "my needs"), drafts first and then
-- along the status machine; newest first within a status. (The demands themselves: by_ids.)
SELECT d.id
FROM demands d
WHERE d.community_id = $1 AND d.archived_at IS NULL
ORDER BY array_position(ARRAY['draft', 'open', 'matched', 'in_progress', 'fulfilled',
                              'cancelled']::text[], d.status::text), d.id DESC;
