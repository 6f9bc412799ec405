-- Match rounds: the scope's demands and partners, candidate pairs, proposals and reports.
--
-- Holds: a live proposal (pending or accepted by one side, not yet expired) holds one slot of its
-- demand and one unit of its partner's capacity; an active partnership holds both as well, and a
-- completed one keeps the demand's slot (the need was met) but frees the partner.

-- name: scope_demands
-- Open demands in scope (only ids $4 unless NULL) with at least one open slot, and what scoring
-- needs of them.
WITH held AS (
    SELECT demand_id, count(*) AS n FROM proposals
    WHERE status IN ('pending', 'community_accepted', 'partner_accepted') AND expires_at > now()
    GROUP BY demand_id
), taken AS (
    SELECT demand_id, count(*) AS n FROM partnerships
    WHERE status IN ('active', 'completed')
    GROUP BY demand_id
)
SELECT d.id, d.community_id, c.kind AS community_kind, c.district_id, c.lat, c.lon,
       d.category, d.resource_types::text[] AS resource_types, d.urgency, dt.text,
       d.reach::text AS reach,
       d.slots - coalesce(h.n, 0) - coalesce(t.n, 0) AS open_slots
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN demand_texts dt ON dt.demand_id = d.id
LEFT JOIN held h ON h.demand_id = d.id
LEFT JOIN taken t ON t.demand_id = d.id
WHERE d.status = 'open' AND d.archived_at IS NULL
  AND (cardinality($1::bigint[]) = 0 OR c.district_id = ANY ($1))
  AND (cardinality($2::bigint[]) = 0 OR c.town_id = ANY ($2))
  AND (cardinality($3::text[]) = 0 OR d.category = ANY ($3))
  AND ($4::bigint[] IS NULL OR d.id = ANY ($4))
  AND d.slots - coalesce(h.n, 0) - coalesce(t.n, 0) > 0
ORDER BY d.id;

-- name: partners_with_spare_capacity
-- The ids of the partners a round may still propose (spare capacity left), for the candidates.
SELECT coalesce(array_agg(actor_id ORDER BY actor_id), '{}') AS ids
FROM actor_spare WHERE spare > 0;

-- name: scope_partners
-- Partners with spare capacity ($1: only these ids; NULL: all), with their profile text (own,
-- products', past cases', people's), grade, verification and track record. Where each may work is
-- the candidates' business: a partner of a neighbouring district may reach into the scope.
WITH record AS (
    SELECT actor_id,
           coalesce(sum(rating), 0)::float8 AS rating_sum,
           count(rating)::float8 AS rated,
           count(*) FILTER (WHERE status = 'completed')::float8 AS completed,
           count(*) FILTER (WHERE status IN ('completed', 'cancelled'))::float8 AS ended
    FROM partnerships GROUP BY actor_id
)
SELECT a.id, a.kind, a.grade, a.verified, a.categories::text[] AS categories,
       a.resource_types::text[] AS resource_types,
       a.remote_resource_types::text[] AS remote_resource_types,
       ARRAY(SELECT DISTINCT p.category::text FROM products p
             WHERE p.actor_id = a.id AND p.archived_at IS NULL) AS product_categories,
       a.lat, a.lon,
       s.spare,
       at.text AS profile,
       coalesce(r.rating_sum, 0) AS rating_sum, coalesce(r.rated, 0) AS rated,
       coalesce(r.completed, 0) AS completed, coalesce(r.ended, 0) AS ended
FROM actors a
JOIN actor_spare s ON s.actor_id = a.id
JOIN actor_texts at ON at.actor_id = a.id
LEFT JOIN record r ON r.actor_id = a.id
WHERE ($1::bigint[] IS NULL OR a.id = ANY ($1))
  AND s.spare > 0
ORDER BY a.id;

-- name: demand_reach
-- Where each of demands $1 is and what it asks, for the candidates (``matching.candidates``):
-- parallel arrays (in one order, whichever: the caller sorts the pairs); the category as its
-- place in $2, resource types asked as bits of their places in $3.
SELECT coalesce(array_agg(d.id), '{}') AS ids,
       coalesce(array_agg(c.district_id), '{}') AS districts,
       coalesce(array_agg(c.lat), '{}') AS lats,
       coalesce(array_agg(c.lon), '{}') AS lons,
       coalesce(array_agg(array_position($2::text[], d.category::text) - 1), '{}')
       AS categories,
       coalesce(array_agg((SELECT coalesce(bit_or(1 << (array_position($3::text[], r) - 1)), 0)
                           FROM unnest(d.resource_types::text[]) AS r)), '{}')
       AS resources,
       coalesce(array_agg(d.reach::text = 'onsite'), '{}') AS onsite_only
FROM demands d JOIN communities c ON c.id = d.community_id
WHERE d.id = ANY ($1::bigint[]);

-- name: partner_reach
-- Where each of partners $1 (verified, or any when $2) may work, for the candidates: its base,
-- radius, resource types delivered remotely, the categories it does (its own and its products';
-- related ones are the caller's) and the districts it serves.
SELECT x.id, x.lat, x.lon, x.service_radius_km AS radius,
       x.remote_resource_types::text[] AS remote_types,
       ARRAY(SELECT ac.category FROM actor_categories ac WHERE ac.actor_id = x.id) AS categories,
       ARRAY(SELECT ad.district_id FROM actor_districts ad WHERE ad.actor_id = x.id
             ORDER BY ad.district_id) AS districts
FROM actors x
WHERE x.id = ANY ($1::bigint[]) AND (x.verified OR $2::boolean)
ORDER BY x.id;

-- name: candidates
-- The definition of a round's candidate pairs; a round computes the same pairs on arrays from
-- demand_reach and partner_reach (``matching.candidates``, held to this query pair for pair by
-- tests/test_round_fast_path.py), rather than join some three million rows here.
-- Pairs of demand $1 × partner $2 a round may propose, and how each would be served:
--   * capability — the partner serves the demand's category or offers a product of it, or of a
--     category related to it ($4 → $5, vocab.RELATED_CATEGORIES); a shared resource type alone is
--     not enough;
--   * reach — on site when it serves the demand's district or the demand lies within its radius
--     (service_radius_km from its base); from afar only when the need can be met from afar and the
--     partner delivers remotely one of the resource types asked;
--   * never an unverified partner unless $3; the pairs never proposed (declined before, pending,
--     partnered, the group the need is for) are taken out by the caller (excluded_pairs).
-- On-site pairs by district are the many: they are joined by district; the radius and remote
-- halves are few and leave out partners serving the district, so only those two are merged.
-- Three arrays, unordered: the caller sorts them.
WITH d AS MATERIALIZED (
    SELECT d.id, c.district_id, c.lat, c.lon, d.category::text AS category,
           d.resource_types::text[] AS resource_types, d.reach::text AS reach,
           floor(c.lat / 0.25)::int AS cell_y, floor(c.lon / 0.25)::int AS cell_x
    FROM demands d JOIN communities c ON c.id = d.community_id
    WHERE d.id = ANY ($1::bigint[])
), related AS (
    SELECT * FROM unnest($4::text[], $5::text[]) AS r (from_category, to_category)
), box AS (
    -- where the demands lie: a partner whose radius cannot reach this box is never near one
    SELECT min(lat) AS lat0, max(lat) AS lat1, min(lon) AS lon0, max(lon) AS lon1 FROM d
), a AS MATERIALIZED (
    -- each partner that could reach a demand in scope (it serves one of their districts, works
    -- from afar, or its radius reaches their box: 1° of latitude ≥ 110 km, of longitude ≥ 55 km
    -- below 60°), with every category it can be proposed for: its own, its products', related
    SELECT x.id, x.lat, x.lon, x.service_radius_km AS radius,
           x.remote_resource_types::text[] AS remote_types,
           ARRAY(SELECT ac.category FROM actor_categories ac WHERE ac.actor_id = x.id
                 UNION
                 SELECT r.to_category FROM actor_categories ac
                 JOIN related r ON r.from_category = ac.category WHERE ac.actor_id = x.id)
           AS can_do
    FROM actors x CROSS JOIN box
    WHERE x.id = ANY ($2::bigint[]) AND (x.verified OR $3::boolean)
      AND (cardinality(x.remote_resource_types) > 0
           OR EXISTS (SELECT 1 FROM actor_districts ad
                      WHERE ad.actor_id = x.id
                        AND ad.district_id IN (SELECT DISTINCT district_id FROM d))
           OR (x.service_radius_km > 0
               AND x.lat BETWEEN box.lat0 - x.service_radius_km / 110.0
                             AND box.lat1 + x.service_radius_km / 110.0
               AND x.lon BETWEEN box.lon0 - x.service_radius_km / 55.0
                             AND box.lon1 + x.service_radius_km / 55.0))
), served AS (
    SELECT d.id AS demand_id, ad.actor_id
    FROM d
    JOIN actor_districts ad ON ad.district_id = d.district_id
    JOIN a ON a.id = ad.actor_id
    WHERE d.category = ANY (a.can_do)
), cells AS MATERIALIZED (
    -- the grid cells each partner's radius touches, once per category it can be proposed for
    SELECT a.id AS actor_id, g.cell_y, g.cell_x, c.category
    FROM a
    CROSS JOIN LATERAL grid_cells(a.lat, a.lon, a.radius) AS g
    CROSS JOIN LATERAL unnest(a.can_do) AS c (category)
    WHERE a.radius > 0
), near AS (
    SELECT d.id AS demand_id, a.id AS actor_id, true AS onsite
    FROM cells
    JOIN d ON d.cell_y = cells.cell_y AND d.cell_x = cells.cell_x AND d.category = cells.category
    JOIN a ON a.id = cells.actor_id
    WHERE haversine_km(d.lat, d.lon, a.lat, a.lon) <= a.radius
), far AS (
    SELECT d.id AS demand_id, fa.id AS actor_id, false AS onsite
    FROM (SELECT * FROM a WHERE cardinality(a.remote_types) > 0) AS fa
    JOIN d ON d.category = ANY (fa.can_do) AND d.reach <> 'onsite'
    WHERE d.resource_types && fa.remote_types OR cardinality(d.resource_types) = 0
), extra AS (
    -- the radius and remote halves, less the pairs the district half already has
    SELECT x.demand_id, x.actor_id, bool_or(x.onsite) AS onsite
    FROM (SELECT * FROM near UNION ALL SELECT * FROM far) AS x
    JOIN d ON d.id = x.demand_id
    LEFT JOIN actor_districts ad ON ad.actor_id = x.actor_id AND ad.district_id = d.district_id
    WHERE ad.actor_id IS NULL
    GROUP BY x.demand_id, x.actor_id
), pairs AS (
    SELECT demand_id, actor_id, true AS onsite FROM served
    UNION ALL
    SELECT demand_id, actor_id, onsite FROM extra
)
SELECT coalesce(array_agg(p.demand_id), '{}') AS demand_ids,
       coalesce(array_agg(p.actor_id), '{}') AS actor_ids,
       coalesce(array_agg(p.onsite), '{}') AS onsite
FROM pairs p;

-- name: excluded_pairs
-- The pairs among demands $1 a round never proposes, whatever the candidates say: declined before,
-- already pending (live), already partnered (not cancelled), or the group the need is for. Few, so
-- read as three arrays and taken out of the candidates by the caller, not joined a million times.
WITH x AS (
    SELECT demand_id, actor_id FROM proposals
    WHERE demand_id = ANY ($1::bigint[])
      AND (status = 'declined'
           OR (status IN ('pending', 'community_accepted', 'partner_accepted') AND expires_at > now()))
    UNION
    SELECT demand_id, actor_id FROM partnerships
    WHERE demand_id = ANY ($1::bigint[]) AND status <> 'cancelled'
    UNION
    SELECT demand_id, actor_id FROM demand_beneficiaries WHERE demand_id = ANY ($1::bigint[])
)
SELECT coalesce(array_agg(demand_id), '{}') AS demand_ids,
       coalesce(array_agg(actor_id), '{}') AS actor_ids
FROM x;

-- name: nearest_capable
-- For demands $1 that have no candidate: the nearest organisation that does the work (its
-- category or a related one, $2 → $3, its own or a product's), verified or not, the group the need
-- is for only when nobody else does it — and what keeps it out, for "what it would take".
WITH can AS MATERIALIZED (
    SELECT actor_id, category FROM actor_categories
    UNION
    SELECT ac.actor_id, r.to_category
    FROM actor_categories ac JOIN unnest($2::text[], $3::text[]) AS r (from_category, to_category)
      ON r.from_category = ac.category
), dem AS MATERIALIZED (
    SELECT d.id, d.category::text AS category, c.lat, c.lon, c.district_id
    FROM demands d JOIN communities c ON c.id = d.community_id
    WHERE d.id = ANY ($1::bigint[])
), nearest AS (
    SELECT DISTINCT ON (dem.id)
           dem.id AS demand_id, dem.district_id, a.id AS actor_id, a.name,
           haversine_km(dem.lat, dem.lon, a.lat, a.lon) AS km, a.verified,
           a.service_radius_km AS radius, a.remote, b.actor_id IS NOT NULL AS beneficiary
    FROM dem
    JOIN can ON can.category = dem.category
    JOIN actors a ON a.id = can.actor_id AND a.archived_at IS NULL
    LEFT JOIN demand_beneficiaries b ON b.demand_id = dem.id AND b.actor_id = a.id
    ORDER BY dem.id, b.actor_id IS NOT NULL, haversine_km(dem.lat, dem.lon, a.lat, a.lon), a.id
)
SELECT n.demand_id, n.actor_id, n.name, n.km, n.verified, n.radius, n.remote, n.beneficiary,
       EXISTS (SELECT 1 FROM actor_districts ad
               WHERE ad.actor_id = n.actor_id AND ad.district_id = n.district_id) AS serves_district
FROM nearest n;

-- name: library_revision
-- Which library text this is: the database's token and its revision counter.
SELECT token::text || ':' || revision FROM library_revision WHERE id = 1;

-- name: text_corpus
-- Every text of the library the text signal is fitted on, under one revision: the needs and the
-- organisations' profiles (archived rows leave it).
SELECT (SELECT token::text || ':' || revision FROM library_revision WHERE id = 1) AS revision,
       coalesce((SELECT array_agg(dt.text ORDER BY dt.demand_id) FROM demand_texts dt
                 JOIN demands d ON d.id = dt.demand_id WHERE d.archived_at IS NULL), '{}')
       AS demand_texts,
       coalesce((SELECT array_agg(at.text ORDER BY at.actor_id) FROM actor_texts at
                 JOIN actors a ON a.id = at.actor_id WHERE a.archived_at IS NULL), '{}')
       AS actor_texts;

-- name: tune_for_candidates
-- One big analytical query per round: JIT compilation costs more than it saves here, the sort of
-- a million pairs should stay in memory, and its CTEs (which carry no statistics) are best joined
-- by hashing — a merge join would sort millions of rows first. All end with the transaction.
SET LOCAL jit = off;
SET LOCAL work_mem = '256MB';
SET LOCAL enable_mergejoin = off;

-- name: interests_in
SELECT demand_id, actor_id FROM interests WHERE demand_id = ANY ($1::bigint[]);

-- name: active_policies
SELECT categories::text[] AS categories,
       eligible_community_kinds::text[] AS community_kinds,
       eligible_actor_kinds::text[] AS actor_kinds
FROM policies
WHERE archived_at IS NULL AND valid_from <= current_date
  AND (valid_to IS NULL OR valid_to >= current_date);

-- name: district_ids_by_name
SELECT name, id FROM districts WHERE name = ANY ($1::text[]);

-- name: town_ids_by_name
SELECT name, id FROM towns WHERE name = ANY ($1::text[]);

-- name: insert_round
INSERT INTO rounds (scope, algorithm, params, dry_run, created_by, status)
VALUES ($1, $2, $3, $4, $5, 'queued')
RETURNING id;

-- name: claim_round
-- A worker takes a queued round: it is now running, owned by $2 until $3 seconds from now.
UPDATE rounds
SET status = 'running', started_at = now(), progress = $4, worker = $2,
    lease_until = now() + make_interval(secs => $3)
WHERE id = $1 AND status = 'queued'
RETURNING id;

-- name: renew_lease
-- The owner is still at work; no row means the round is no longer its own.
UPDATE rounds SET lease_until = now() + make_interval(secs => $3)
WHERE id = $1 AND status = 'running' AND worker = $2
RETURNING id;

-- name: progress
UPDATE rounds SET progress = $3 WHERE id = $1 AND status = 'running' AND worker = $2;

-- name: finish_round
-- Only the owner of a running round may finish it (a split round's owner is NULL: its parts are
-- owned instead): a late writer cannot flip a failed round.
UPDATE rounds
SET status = 'succeeded', finished_at = now(), stats = $3, input_fingerprint = $4,
    progress = '{"phase": "done", "percent": 100}', lease_until = NULL
WHERE id = $1 AND status = 'running' AND worker IS NOT DISTINCT FROM $2
RETURNING id;

-- name: fail_round
-- The owner fails its running round; a queued round may be failed by anyone (it was never taken).
-- A graph it stored ahead of its report goes with it.
WITH failed AS (
    UPDATE rounds SET status = 'failed', finished_at = now(), error = $3, lease_until = NULL
    WHERE id = $1
      AND ((status = 'running' AND worker IS NOT DISTINCT FROM $2) OR status = 'queued')
    RETURNING id
), graph AS (
    DELETE FROM round_graphs g USING failed f WHERE g.round_id = f.id
)
SELECT id FROM failed;

-- name: fail_abandoned
-- Rounds whose worker stopped renewing its lease (it died, or lost the database): failed, saying so.
-- $1 limits it to one round, or NULL for every such round.
-- A graph one stored ahead of its report goes with it.
WITH failed AS (
    UPDATE rounds
    SET status = 'failed', finished_at = now(), lease_until = NULL,
        error = 'abandoned: the worker running it stopped answering (its lease lapsed at '
                || to_char(lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC)'
    WHERE status = 'running' AND lease_until < now() AND ($1::bigint IS NULL OR id = $1)
    RETURNING id
), graph AS (
    DELETE FROM round_graphs g USING failed f WHERE g.round_id = f.id
)
SELECT id FROM failed;

-- name: record_housekeeping
INSERT INTO housekeeping_runs (worker, expired, abandoned) VALUES ($1, $2, $3);

-- name: forget_old_housekeeping
DELETE FROM housekeeping_runs WHERE ran_at < now() - interval '7 days';

-- name: get_round
SELECT id, scope, algorithm, params, dry_run, input_fingerprint, status, progress, stats, error,
       created_by, created_at, started_at, finished_at
FROM rounds WHERE id = $1;

-- name: store_graph
-- A round's frozen graph (gzip JSON): seen only once its report is written (insert_report).
INSERT INTO round_graphs (round_id, graph_gz) VALUES ($1, $2)
ON CONFLICT (round_id) DO UPDATE SET graph_gz = EXCLUDED.graph_gz, created_at = now();

-- name: insert_report
INSERT INTO round_reports (round_id, fingerprint, unmatched_gz, dry_proposals_gz)
VALUES ($1, $2, $3, $4);

-- name: explain_report
-- The reasons (and a dry run's proposals) of a report whose frozen graph was stored first, in the
-- same transaction: the graph's stored value is carried over to the new row version, not rewritten.
UPDATE round_reports SET unmatched_gz = $2, dry_proposals_gz = $3 WHERE round_id = $1;

-- name: report
SELECT rr.fingerprint, g.graph_gz, rr.unmatched_gz, rr.dry_proposals_gz
FROM round_reports rr JOIN round_graphs g ON g.round_id = rr.round_id
WHERE rr.round_id = $1;

-- name: lock_holds
-- Serialises every writer of holds (rounds writing proposals, accepts, direct partnerships).
SELECT pg_advisory_xact_lock(7311);

-- name: open_slots
-- Current open slots of demands $1 (status open, not archived), under the holds lock. The holds
-- are counted once, grouped, not by a subquery per demand (a round asks of some 30,000).
WITH held AS (
    SELECT demand_id, count(*) AS n FROM proposals
    WHERE demand_id = ANY ($1::bigint[])
      AND status IN ('pending', 'community_accepted', 'partner_accepted') AND expires_at > now()
    GROUP BY demand_id
), taken AS (
    SELECT demand_id, count(*) AS n FROM partnerships
    WHERE demand_id = ANY ($1::bigint[]) AND status IN ('active', 'completed')
    GROUP BY demand_id
)
SELECT d.id, d.slots - coalesce(h.n, 0) - coalesce(t.n, 0) AS open_slots
FROM demands d
LEFT JOIN held h ON h.demand_id = d.id
LEFT JOIN taken t ON t.demand_id = d.id
WHERE d.id = ANY ($1::bigint[]) AND d.status = 'open' AND d.archived_at IS NULL;

-- name: spare_capacity
-- Current spare capacity of partners $1 (not archived), under the holds lock; counted as
-- open_slots counts.
WITH held AS (
    SELECT actor_id, count(*) AS n FROM proposals
    WHERE actor_id = ANY ($1::bigint[])
      AND status IN ('pending', 'community_accepted', 'partner_accepted') AND expires_at > now()
    GROUP BY actor_id
), busy AS (
    SELECT actor_id, count(*) AS n FROM partnerships
    WHERE actor_id = ANY ($1::bigint[]) AND status = 'active'
    GROUP BY actor_id
)
SELECT a.id, a.capacity - coalesce(h.n, 0) - coalesce(b.n, 0) AS spare
FROM actors a
LEFT JOIN held h ON h.actor_id = a.id
LEFT JOIN busy b ON b.actor_id = a.id
WHERE a.id = ANY ($1::bigint[]) AND a.archived_at IS NULL;

-- name: list_proposals
SELECT p.id, p.round_id, p.origin, p.demand_id, d.title AS demand_title, d.community_id,
       c.name AS community_name, p.actor_id, a.name AS actor_name, p.score, p.components,
       p.status, p.unverified, p.community_accepted_at, p.partner_accepted_at, p.expires_at, p.created_at,
       {sort_key} AS sort_key
FROM proposals p
JOIN demands d ON d.id = p.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = p.actor_id
WHERE p.round_id = $1
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: pair_names
-- Titles and names for (demand, actor) pairs, to print a round's proposals for people.
SELECT x.demand_id, x.actor_id, d.title, c.name AS community, a.name AS actor
FROM unnest($1::bigint[], $2::bigint[]) AS x (demand_id, actor_id)
JOIN demands d ON d.id = x.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = x.actor_id;

-- name: demand_features
-- What scoring needs of demands $1 (any status), as scope_demands gives it.
SELECT d.id, d.community_id, c.kind AS community_kind, c.district_id, c.lat, c.lon,
       d.category, d.resource_types::text[] AS resource_types, d.urgency, dt.text,
       d.reach::text AS reach, d.slots AS open_slots
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN demand_texts dt ON dt.demand_id = d.id
WHERE d.id = ANY ($1::bigint[])
ORDER BY d.id;

-- name: partner_features
-- What scoring needs of one partner, as scope_partners gives it (spare capacity not required).
SELECT a.id, a.kind, a.grade, a.verified, a.categories::text[] AS categories,
       a.resource_types::text[] AS resource_types,
       a.remote_resource_types::text[] AS remote_resource_types,
       ARRAY(SELECT DISTINCT p.category::text FROM products p
             WHERE p.actor_id = a.id AND p.archived_at IS NULL) AS product_categories,
       a.lat, a.lon, a.capacity AS spare,
       at.text AS profile,
       coalesce((SELECT sum(rating) FROM partnerships s WHERE s.actor_id = a.id), 0)::float8 AS rating_sum,
       (SELECT count(rating) FROM partnerships s WHERE s.actor_id = a.id)::float8 AS rated,
       (SELECT count(*) FROM partnerships s WHERE s.actor_id = a.id AND s.status = 'completed')::float8 AS completed,
       (SELECT count(*) FROM partnerships s WHERE s.actor_id = a.id
          AND s.status IN ('completed', 'cancelled'))::float8 AS ended
FROM actors a
JOIN actor_texts at ON at.actor_id = a.id
WHERE a.id = $1;

-- name: recent_rounds
-- The latest $1 rounds for the coordinators' page, newest first, with who started each.
SELECT r.id, r.scope, r.algorithm, r.params, r.dry_run, r.status, r.stats, r.error,
       r.created_at, r.finished_at, u.display_name AS created_by_name
FROM rounds r
LEFT JOIN users u ON u.id = r.created_by
ORDER BY r.id DESC
LIMIT $1;

-- name: demand_labels
-- Title and community of demands $1, to name a round's unmatched needs for people.
SELECT d.id, d.title, c.name AS community
FROM demands d JOIN communities c ON c.id = d.community_id
WHERE d.id = ANY ($1::bigint[]);

-- name: actor_labels
-- plan: once
-- Names of actors $1.
SELECT id, name FROM actors WHERE id = ANY ($1::bigint[]);

-- name: proposal_flows
-- How many proposals a round made from each community to each partner (the round's picture).
SELECT c.name AS community, a.name AS actor, count(*)::int AS proposals
FROM proposals p
JOIN demands d ON d.id = p.demand_id
JOIN communities c ON c.id = d.community_id
JOIN actors a ON a.id = p.actor_id
WHERE p.round_id = $1
GROUP BY c.name, a.name
ORDER BY proposals DESC, c.name, a.name;
