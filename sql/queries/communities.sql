-- Communities (社区/村) with their "1257N" indicators, and the districts and towns they lie in.

-- name: list
-- Filters are optional (NULL = any). Archived communities never appear. The contact columns are
-- for coordinators only: services.contacts strips them for everyone else.
SELECT c.id, c.name, c.district_id, di.name AS district_name, c.town_id, t.name AS town_name,
       c.kind, c.theme, c.population, c.lat, c.lon, c.social_work_rooms, c.social_workers,
       c.community_orgs, c.volunteer_teams, c.charity_resources, c.description, c.created_at,
       c.updated_at, c.contact_name, c.contact_phone, c.contact_email, {sort_key} AS sort_key
FROM communities c
JOIN districts di ON di.id = c.district_id
JOIN towns t ON t.id = c.town_id
WHERE c.archived_at IS NULL
  AND ($1::bigint IS NULL OR c.district_id = $1)
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::text IS NULL OR c.kind = $3)
  AND ($4::text IS NULL OR c.theme = $4)
  AND ($5::text IS NULL OR c.search @@ (SELECT search_match($5::text)))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: get
-- plan: once
SELECT c.id, c.name, c.district_id, di.name AS district_name, c.town_id, t.name AS town_name,
       c.kind, c.theme, c.population, c.lat, c.lon, c.social_work_rooms, c.social_workers,
       c.community_orgs, c.volunteer_teams, c.charity_resources, c.description, c.created_at,
       c.updated_at, c.contact_name, c.contact_phone, c.contact_email
FROM communities c
JOIN districts di ON di.id = c.district_id
JOIN towns t ON t.id = c.town_id
WHERE c.id = $1 AND c.archived_at IS NULL;

-- name: row_for_update
-- The stored row, locked, for a change in the caller's transaction.
SELECT id, name, district_id, town_id, kind, theme, population, lat, lon, social_work_rooms,
       social_workers, community_orgs, volunteer_teams, charity_resources, description,
       contact_name, contact_phone, contact_email
FROM communities WHERE id = $1 AND archived_at IS NULL
FOR UPDATE;

-- name: town_district
-- The district a town lies in (no row: no such town).
SELECT district_id FROM towns WHERE id = $1;

-- name: district_exists
SELECT EXISTS (SELECT 1 FROM districts WHERE id = $1);

-- name: insert
INSERT INTO communities (name, district_id, town_id, kind, theme, population, lat, lon,
                         social_work_rooms, social_workers, community_orgs, volunteer_teams,
                         charity_resources, description, search_text, contact_name,
                         contact_phone, contact_email)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
RETURNING id;

-- name: update
UPDATE communities
SET name = $2, district_id = $3, town_id = $4, kind = $5, theme = $6, population = $7, lat = $8,
    lon = $9, social_work_rooms = $10, social_workers = $11, community_orgs = $12,
    volunteer_teams = $13, charity_resources = $14, description = $15, search_text = $16,
    contact_name = $17, contact_phone = $18, contact_email = $19
WHERE id = $1;

-- name: archive
UPDATE communities SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;

-- name: districts
-- Every district with its towns, in the order they were added.
SELECT di.id, di.name, di.city, di.lat, di.lon,
       COALESCE((SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind)
                                 ORDER BY t.id)
                 FROM towns t WHERE t.district_id = di.id), '[]'::json) AS towns
FROM districts di
ORDER BY di.id;

-- name: missing_districts
-- The ids in $1 that name no district.
SELECT array_agg(x.id ORDER BY x.id)
FROM unnest($1::bigint[]) AS x(id)
WHERE NOT EXISTS (SELECT 1 FROM districts di WHERE di.id = x.id);

-- name: places
-- The places a partner may pick as its location instead of typing coordinates: each district's
-- centre, then the communities (with their town) of the districts $1 only — a province holds some
-- 50,000, megabytes of options no one could scroll — by district and name.
SELECT p.key, p.district, p.name, p.lat, p.lon
FROM (
    SELECT 'd' || di.id AS key, di.id AS district_id, di.name AS district, 0 AS rank,
           di.name AS name, di.lat::float8 AS lat, di.lon::float8 AS lon
    FROM districts di
    WHERE di.lat IS NOT NULL AND di.lon IS NOT NULL
    UNION ALL
    SELECT 'c' || c.id, c.district_id, di.name, 1,
           COALESCE(t.name || ' · ', '') || c.name, c.lat::float8, c.lon::float8
    FROM communities c
    JOIN districts di ON di.id = c.district_id
    LEFT JOIN towns t ON t.id = c.town_id
    WHERE c.archived_at IS NULL AND c.district_id = ANY ($1::bigint[])
) AS p
ORDER BY p.district_id, p.rank, p.name;

-- name: district_at
-- The district of a community lying at these coordinates (to five decimals, as the profile form
-- matches a place it lists), if one does: where a partner that picked a community is.
SELECT c.district_id
FROM communities c
WHERE c.archived_at IS NULL
  AND round(c.lat::numeric, 5) = round($1::numeric, 5)
  AND round(c.lon::numeric, 5) = round($2::numeric, 5)
LIMIT 1;

-- name: place
-- plan: once
-- One place by its key, wherever it lies: a district's centre ($1 = 'd') or a community ($1 = 'c'),
-- $2 its id. What a partner picked, looked up when the form is saved.
SELECT 'd' || di.id AS key, di.name AS district, di.name AS name, di.lat::float8 AS lat,
       di.lon::float8 AS lon
FROM districts di
WHERE $1::text = 'd' AND di.id = $2::bigint AND di.lat IS NOT NULL AND di.lon IS NOT NULL
UNION ALL
SELECT 'c' || c.id, di.name, COALESCE(t.name || ' · ', '') || c.name, c.lat::float8, c.lon::float8
FROM communities c
JOIN districts di ON di.id = c.district_id
LEFT JOIN towns t ON t.id = c.town_id
WHERE $1::text = 'c' AND c.id = $2::bigint AND c.archived_at IS NULL;
