-- A coordinator (社治委) governs an area: districts named one by one, or every district of a city
-- (districts added to the city later included). They curate, run rounds, see dashboards and manage
-- users only there; admins govern everywhere and need no rows here.
CREATE TABLE coordinator_areas (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    district_id bigint REFERENCES districts (id),
    city        text CHECK (char_length(city) BETWEEN 1 AND 100),
    CONSTRAINT coordinator_areas_one_kind CHECK ((district_id IS NULL) <> (city IS NULL))
);
CREATE UNIQUE INDEX coordinator_areas_district_key ON coordinator_areas (user_id, district_id)
    WHERE district_id IS NOT NULL;
CREATE UNIQUE INDEX coordinator_areas_city_key ON coordinator_areas (user_id, city)
    WHERE city IS NOT NULL;

-- Coordinators who existed before areas keep the reach they had: every city there is.
INSERT INTO coordinator_areas (user_id, city)
SELECT u.id, d.city
FROM users u CROSS JOIN (SELECT DISTINCT city FROM districts) d
WHERE u.role = 'coordinator';
