-- Statistics for the dashboard (GET /stats). Archived rows never count. Every query takes the
-- districts to count ($1, NULL = all; a coordinator's area): a community, need, case or
-- partnership counts in its community's district, an organisation (and its products) and a person
-- in each district they serve; policies lie in no district and always count. The dashboard's
-- queries also take a town and a community (NULL: any) and a period [since, until) (NULL: all
-- time): a need counts when it was created in it, a partnership when it started in it.

-- name: library_counts
SELECT (SELECT count(*) FROM communities
        WHERE archived_at IS NULL AND ($1::bigint[] IS NULL OR district_id = ANY ($1)))::int
           AS communities,
       (SELECT count(*) FROM actors a WHERE a.archived_at IS NULL
          AND ($1::bigint[] IS NULL OR EXISTS (SELECT 1 FROM actor_districts ad
                                               WHERE ad.actor_id = a.id
                                                 AND ad.district_id = ANY ($1))))::int AS actors,
       (SELECT count(*) FROM talent t WHERE t.archived_at IS NULL
          AND ($1::bigint[] IS NULL OR EXISTS (SELECT 1 FROM talent_districts td
                                               WHERE td.talent_id = t.id
                                                 AND td.district_id = ANY ($1))))::int AS talent,
       (SELECT count(*) FROM policies WHERE archived_at IS NULL)::int AS policies,
       (SELECT count(*) FROM demands d JOIN communities c ON c.id = d.community_id
        WHERE d.archived_at IS NULL AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1)))::int
           AS demands,
       (SELECT count(*) FROM cases k JOIN communities c ON c.id = k.community_id
        WHERE k.archived_at IS NULL AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1)))::int
           AS cases,
       (SELECT count(*) FROM products p WHERE p.archived_at IS NULL
          AND ($1::bigint[] IS NULL OR EXISTS (SELECT 1 FROM actor_districts ad
                                               WHERE ad.actor_id = p.actor_id
                                                 AND ad.district_id = ANY ($1))))::int
           AS products;

-- name: demands_by_status
SELECT d.status, count(*)::int AS count
FROM demands d JOIN communities c ON c.id = d.community_id
WHERE d.archived_at IS NULL AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($2::bigint IS NULL OR c.town_id = $2) AND ($3::bigint IS NULL OR c.id = $3)
  AND ($4::timestamptz IS NULL OR d.created_at >= $4)
  AND ($5::timestamptz IS NULL OR d.created_at < $5)
GROUP BY d.status;

-- name: needs_by_district
-- Every district, with zeros where it has no open or fulfilled need.
SELECT di.id AS district_id, di.name AS district_name,
       count(d.id) FILTER (WHERE d.status = 'open')::int AS open,
       count(d.id) FILTER (WHERE d.status = 'fulfilled')::int AS fulfilled
FROM districts di
LEFT JOIN communities c ON c.district_id = di.id
    AND ($2::bigint IS NULL OR c.town_id = $2) AND ($3::bigint IS NULL OR c.id = $3)
LEFT JOIN demands d ON d.community_id = c.id AND d.archived_at IS NULL
    AND ($4::timestamptz IS NULL OR d.created_at >= $4)
    AND ($5::timestamptz IS NULL OR d.created_at < $5)
WHERE $1::bigint[] IS NULL OR di.id = ANY ($1)
GROUP BY di.id, di.name
ORDER BY di.id;

-- name: needs_by_category
-- Only categories with at least one open or fulfilled need; most open first.
SELECT d.category,
       count(*) FILTER (WHERE d.status = 'open')::int AS open,
       count(*) FILTER (WHERE d.status = 'fulfilled')::int AS fulfilled
FROM demands d JOIN communities c ON c.id = d.community_id
WHERE d.archived_at IS NULL AND d.status IN ('open', 'fulfilled')
  AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($2::bigint IS NULL OR c.town_id = $2) AND ($3::bigint IS NULL OR c.id = $3)
  AND ($4::timestamptz IS NULL OR d.created_at >= $4)
  AND ($5::timestamptz IS NULL OR d.created_at < $5)
GROUP BY d.category
ORDER BY open DESC, fulfilled DESC, category;

-- name: partnerships_by_status
SELECT s.status, count(*)::int AS count
FROM partnerships s
JOIN demands d ON d.id = s.demand_id
JOIN communities c ON c.id = d.community_id
WHERE ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($2::bigint IS NULL OR c.town_id = $2) AND ($3::bigint IS NULL OR c.id = $3)
  AND ($4::timestamptz IS NULL OR s.started_at >= $4)
  AND ($5::timestamptz IS NULL OR s.started_at < $5)
GROUP BY s.status;

-- name: standard_1257n
-- Each community against the "1257N" standard; $2..$6 are the least each indicator needs, in the
-- order social_work_rooms, social_workers, community_orgs, volunteer_teams, charity_resources.
-- `shortfalls` lists the indicators below the standard, in that order ([] when it meets it).
-- $7 a town, $8 a community (NULL: any).
SELECT c.id AS community_id, c.name AS community_name, c.district_id, di.name AS district_name,
       c.social_work_rooms, c.social_workers, c.community_orgs, c.volunteer_teams,
       c.charity_resources, s.shortfalls IS NULL AS meets,
       COALESCE(s.shortfalls, '[]'::jsonb) AS shortfalls
FROM communities c
JOIN districts di ON di.id = c.district_id
CROSS JOIN LATERAL (
    SELECT jsonb_agg(
               jsonb_build_object('indicator', v.indicator, 'has', v.has, 'needs', v.needs)
               ORDER BY v.position
           ) AS shortfalls
    FROM (VALUES (1, 'social_work_rooms', c.social_work_rooms, $2::int),
                 (2, 'social_workers', c.social_workers, $3::int),
                 (3, 'community_orgs', c.community_orgs, $4::int),
                 (4, 'volunteer_teams', c.volunteer_teams, $5::int),
                 (5, 'charity_resources', c.charity_resources, $6::int))
         AS v (position, indicator, has, needs)
    WHERE v.has < v.needs
) s
WHERE c.archived_at IS NULL AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
  AND ($7::bigint IS NULL OR c.town_id = $7) AND ($8::bigint IS NULL OR c.id = $8)
ORDER BY c.id;

-- name: needs_by_month
-- The months from $2's to $3's, both included, with zeros: needs opened in each (created and
-- not a draft now) and needs fulfilled in each (when their last partnership completed, else when
-- the need was last updated); $4 a town, $5 a community (NULL: any).
WITH months AS (
    SELECT generate_series(date_trunc('month', $2::timestamptz), date_trunc('month', $3::timestamptz),
                           interval '1 month') AS month
), opened AS (
    SELECT date_trunc('month', d.created_at) AS month, count(*) AS n
    FROM demands d JOIN communities c ON c.id = d.community_id
    WHERE d.archived_at IS NULL AND d.status <> 'draft'
      AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
      AND ($4::bigint IS NULL OR c.town_id = $4) AND ($5::bigint IS NULL OR c.id = $5)
    GROUP BY 1
), fulfilled AS (
    SELECT date_trunc('month', coalesce(
               (SELECT max(s.ended_at) FROM partnerships s
                WHERE s.demand_id = d.id AND s.status = 'completed'),
               d.updated_at)) AS month,
           count(*) AS n
    FROM demands d JOIN communities c ON c.id = d.community_id
    WHERE d.archived_at IS NULL AND d.status = 'fulfilled'
      AND ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
      AND ($4::bigint IS NULL OR c.town_id = $4) AND ($5::bigint IS NULL OR c.id = $5)
    GROUP BY 1
)
SELECT to_char(m.month, 'YYYY-MM') AS month,
       coalesce(o.n, 0)::int AS opened,
       coalesce(f.n, 0)::int AS fulfilled
FROM months m
LEFT JOIN opened o ON o.month = m.month
LEFT JOIN fulfilled f ON f.month = m.month
ORDER BY m.month;

-- name: partner_activity
-- The $2 most active partners: interests expressed, proposals received, proposals the partner
-- accepted, partnerships completed — in needs of the districts $1 ($3 a town, $4 a community:
-- NULL, any), made (or started) in [$5, $6) (NULL: all time). Partners with none are left out.
WITH here AS (
    SELECT d.id FROM demands d JOIN communities c ON c.id = d.community_id
    WHERE ($1::bigint[] IS NULL OR c.district_id = ANY ($1))
      AND ($3::bigint IS NULL OR c.town_id = $3) AND ($4::bigint IS NULL OR c.id = $4)
), i AS (
    SELECT actor_id, count(*) AS n FROM interests
    WHERE demand_id IN (SELECT id FROM here)
      AND ($5::timestamptz IS NULL OR created_at >= $5)
      AND ($6::timestamptz IS NULL OR created_at < $6)
    GROUP BY actor_id
), p AS (
    SELECT actor_id, count(*) AS n,
           count(*) FILTER (WHERE partner_accepted_at IS NOT NULL) AS accepted
    FROM proposals WHERE demand_id IN (SELECT id FROM here)
      AND ($5::timestamptz IS NULL OR created_at >= $5)
      AND ($6::timestamptz IS NULL OR created_at < $6)
    GROUP BY actor_id
), s AS (
    SELECT actor_id, count(*) FILTER (WHERE status = 'completed') AS completed
    FROM partnerships WHERE demand_id IN (SELECT id FROM here)
      AND ($5::timestamptz IS NULL OR started_at >= $5)
      AND ($6::timestamptz IS NULL OR started_at < $6)
    GROUP BY actor_id
)
SELECT a.id AS actor_id, a.name AS actor_name,
       coalesce(i.n, 0)::int AS interests,
       coalesce(p.n, 0)::int AS proposals,
       coalesce(p.accepted, 0)::int AS accepted,
       coalesce(s.completed, 0)::int AS completed
FROM actors a
LEFT JOIN i ON i.actor_id = a.id
LEFT JOIN p ON p.actor_id = a.id
LEFT JOIN s ON s.actor_id = a.id
WHERE a.archived_at IS NULL
  AND coalesce(i.n, 0) + coalesce(p.n, 0) + coalesce(s.completed, 0) > 0
ORDER BY coalesce(s.completed, 0) DESC, coalesce(p.accepted, 0) DESC, coalesce(i.n, 0) DESC,
         coalesce(p.n, 0) DESC, a.id
LIMIT $2;
