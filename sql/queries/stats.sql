-- Statistics for the dashboard (GET /stats). Archived rows never count.

-- name: library_counts
SELECT (SELECT count(*) FROM communities WHERE archived_at IS NULL)::int AS communities,
       (SELECT count(*) FROM actors WHERE archived_at IS NULL)::int AS actors,
       (SELECT count(*) FROM talent WHERE archived_at IS NULL)::int AS talent,
       (SELECT count(*) FROM policies WHERE archived_at IS NULL)::int AS policies,
       (SELECT count(*) FROM demands WHERE archived_at IS NULL)::int AS demands,
       (SELECT count(*) FROM cases WHERE archived_at IS NULL)::int AS cases,
       (SELECT count(*) FROM products WHERE archived_at IS NULL)::int AS products;

-- name: demands_by_status
SELECT status, count(*)::int AS count
FROM demands
WHERE archived_at IS NULL
GROUP BY status;

-- name: needs_by_district
-- Every district, with zeros where it has no open or fulfilled need.
SELECT di.id AS district_id, di.name AS district_name,
       count(d.id) FILTER (WHERE d.status = 'open')::int AS open,
       count(d.id) FILTER (WHERE d.status = 'fulfilled')::int AS fulfilled
FROM districts di
LEFT JOIN communities c ON c.district_id = di.id
LEFT JOIN demands d ON d.community_id = c.id AND d.archived_at IS NULL
GROUP BY di.id, di.name
ORDER BY di.id;

-- name: needs_by_category
-- Only categories with at least one open or fulfilled need; most open first.
SELECT category,
       count(*) FILTER (WHERE status = 'open')::int AS open,
       count(*) FILTER (WHERE status = 'fulfilled')::int AS fulfilled
FROM demands
WHERE archived_at IS NULL AND status IN ('open', 'fulfilled')
GROUP BY category
ORDER BY open DESC, fulfilled DESC, category;

-- name: partnerships_by_status
SELECT status, count(*)::int AS count
FROM partnerships
GROUP BY status;

-- name: standard_1257n
-- Each community against the "1257N" standard; $1..$5 are the least each indicator needs, in the
-- order social_work_rooms, social_workers, community_orgs, volunteer_teams, charity_resources.
-- `shortfalls` lists the indicators below the standard, in that order ([] when it meets it).
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
    FROM (VALUES (1, 'social_work_rooms', c.social_work_rooms, $1::int),
                 (2, 'social_workers', c.social_workers, $2::int),
                 (3, 'community_orgs', c.community_orgs, $3::int),
                 (4, 'volunteer_teams', c.volunteer_teams, $4::int),
                 (5, 'charity_resources', c.charity_resources, $5::int))
         AS v (position, indicator, has, needs)
    WHERE v.has < v.needs
) s
WHERE c.archived_at IS NULL
ORDER BY c.id;

-- name: needs_by_month
-- The last $1 months, this one included, with zeros: needs opened in each (created and not a
-- draft now) and needs fulfilled in each (when their last partnership completed, else when the
-- need was last updated).
WITH months AS (
    SELECT generate_series(date_trunc('month', now()) - make_interval(months => $1::int - 1),
                           date_trunc('month', now()), interval '1 month') AS month
), opened AS (
    SELECT date_trunc('month', created_at) AS month, count(*) AS n
    FROM demands
    WHERE archived_at IS NULL AND status <> 'draft'
    GROUP BY 1
), fulfilled AS (
    SELECT date_trunc('month', coalesce(
               (SELECT max(s.ended_at) FROM partnerships s
                WHERE s.demand_id = d.id AND s.status = 'completed'),
               d.updated_at)) AS month,
           count(*) AS n
    FROM demands d
    WHERE d.archived_at IS NULL AND d.status = 'fulfilled'
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
-- The $1 most active partners: interests expressed, proposals received, proposals the partner
-- accepted, partnerships completed. Partners with none of these are left out.
WITH i AS (
    SELECT actor_id, count(*) AS n FROM interests GROUP BY actor_id
), p AS (
    SELECT actor_id, count(*) AS n,
           count(*) FILTER (WHERE partner_accepted_at IS NOT NULL) AS accepted
    FROM proposals GROUP BY actor_id
), s AS (
    SELECT actor_id, count(*) FILTER (WHERE status = 'completed') AS completed
    FROM partnerships GROUP BY actor_id
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
LIMIT $1;
