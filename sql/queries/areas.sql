-- Areas: where a record lies, for a coordinator's jurisdiction (services.access), and the areas
-- admins give coordinators.

-- name: community_district
-- The district of a live community (no row: no such community).
SELECT district_id FROM communities WHERE id = $1 AND archived_at IS NULL;

-- name: actor_districts
-- The districts a live organisation serves (its service districts, actor_districts).
SELECT a.id, ARRAY(SELECT ad.district_id FROM actor_districts ad
                   WHERE ad.actor_id = a.id ORDER BY ad.district_id) AS districts
FROM actors a WHERE a.id = $1 AND a.archived_at IS NULL;

-- name: talent_districts
-- The districts a person serves, and their organisation's when they belong to one.
SELECT ARRAY(SELECT td.district_id FROM talent_districts td WHERE td.talent_id = t.id
             UNION
             SELECT ad.district_id FROM actor_districts ad WHERE ad.actor_id = t.actor_id)
       AS districts
FROM talent t WHERE t.id = $1;

-- name: town_districts
-- The districts the towns $1 lie in.
SELECT ARRAY(SELECT DISTINCT district_id FROM towns WHERE id = ANY ($1::bigint[]));

-- name: user_districts
-- The districts a user governs (their cities' resolved now), for the accounts they may manage.
SELECT ARRAY(SELECT DISTINCT d.id
             FROM coordinator_areas a
             JOIN districts d ON d.id = a.district_id OR d.city = a.city
             WHERE a.user_id = $1
             ORDER BY d.id);

-- name: areas_of
-- Each listed user's area as given: district names and city names, districts first.
SELECT a.user_id, coalesce(d.name, a.city) AS name
FROM coordinator_areas a
LEFT JOIN districts d ON d.id = a.district_id
WHERE a.user_id = ANY ($1::bigint[])
ORDER BY a.user_id, a.city IS NOT NULL, d.id, a.city;

-- name: districts
SELECT id, name, city FROM districts ORDER BY id;

-- name: clear_areas
DELETE FROM coordinator_areas WHERE user_id = $1;

-- name: add_area
INSERT INTO coordinator_areas (user_id, district_id, city) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING;

-- name: communities_in
-- Live communities of the districts $1 (NULL: all), by name: the accounts page's choices.
SELECT id, name FROM communities
WHERE archived_at IS NULL AND ($1::bigint[] IS NULL OR district_id = ANY ($1))
ORDER BY name, id
LIMIT 500;

-- name: actors_in
-- Live organisations serving a district of $1 (NULL: all), by name: the accounts page's choices.
SELECT a.id, a.name FROM actors a
WHERE a.archived_at IS NULL
  AND ($1::bigint[] IS NULL OR EXISTS (SELECT 1 FROM actor_districts ad
                                       WHERE ad.actor_id = a.id AND ad.district_id = ANY ($1)))
ORDER BY a.name, a.id
LIMIT 500;
