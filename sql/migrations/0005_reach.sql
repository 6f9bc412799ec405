-- How help is delivered, who a need is for, and a revision of the library's text.
--
-- A need says whether it needs someone on site, can be served from afar, or either. Staff may
-- say so (demands.delivery); when they do not, the default follows from its category and the
-- resources it asks (demand_delivery_default below), and demands.reach is what the engine uses.
-- A partner has a service area (the districts it serves plus a radius from its base) and the
-- resource types it can deliver remotely; `remote` now means "delivers something remotely".

CREATE DOMAIN delivery_code AS text CHECK (VALUE IN ('onsite', 'remote', 'either'));

-- The default way a need is met, when its staff did not say: money and goods travel; advice,
-- training, online services and sales channels can come from afar; care, meals, activities,
-- volunteers and a venue need someone there.
CREATE FUNCTION demand_delivery_default(category text, resource_types text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN cardinality(resource_types) > 0
             AND resource_types <@ ARRAY['funding', 'products', 'materials'] THEN 'either'
        WHEN resource_types && ARRAY['volunteers', 'venue'] THEN 'onsite'
        WHEN category IN ('charity', 'governance', 'legal_services', 'smart_community',
                          'rural_industry', 'employment', 'new_employment') THEN 'either'
        ELSE 'onsite'
    END
$$;

ALTER TABLE demands
    ADD COLUMN delivery delivery_code,
    ADD COLUMN reach delivery_code GENERATED ALWAYS AS (
        coalesce(delivery, demand_delivery_default(category, resource_types::text[]))) STORED;

-- 受益方: the local groups or organisations a need is for; never proposed as its partner.
CREATE TABLE demand_beneficiaries (
    demand_id bigint NOT NULL REFERENCES demands (id) ON DELETE CASCADE,
    actor_id  bigint NOT NULL REFERENCES actors (id),
    PRIMARY KEY (demand_id, actor_id)
);
CREATE INDEX demand_beneficiaries_actor_idx ON demand_beneficiaries (actor_id);

ALTER TABLE actors
    ADD COLUMN service_radius_km integer NOT NULL DEFAULT 0
        CONSTRAINT actors_service_radius_in_range CHECK (service_radius_km BETWEEN 0 AND 500),
    ADD COLUMN remote_resource_types resource_type_code[] NOT NULL DEFAULT '{}';

-- What a remote-capable partner could deliver from afar, by nature of the resource.
UPDATE actors
SET remote_resource_types = ARRAY(
        SELECT r FROM unnest(resource_types::text[]) AS r
        WHERE r IN ('funding', 'expertise', 'training', 'products', 'materials'))::resource_type_code[]
WHERE remote;

ALTER TABLE actors DROP COLUMN remote;
ALTER TABLE actors ADD COLUMN remote boolean
    GENERATED ALWAYS AS (cardinality(remote_resource_types) > 0) STORED;

-- A proposal to an organisation not yet verified is made only when a round asks, and says so.
ALTER TABLE proposals ADD COLUMN unverified boolean NOT NULL DEFAULT false;

-- The text-similarity model is built over the whole library; this counter tells every process
-- when the library's text changed, so each rebuilds its model once per change, not per request.
-- The token tells one database's counter from another's (a process may use several).
CREATE TABLE library_revision (
    id       integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    token    uuid NOT NULL DEFAULT gen_random_uuid(),
    revision bigint NOT NULL DEFAULT 0
);
INSERT INTO library_revision DEFAULT VALUES;

CREATE FUNCTION bump_library_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_revision SET revision = revision + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER demands_text_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF title, description, skills, archived_at ON demands
    FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision();
CREATE TRIGGER actors_text_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, description, archived_at ON actors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision();
CREATE TRIGGER products_text_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, description, actor_id, archived_at ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision();
CREATE TRIGGER cases_text_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF title, summary, archived_at ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision();
CREATE TRIGGER case_actors_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON case_actors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision();
CREATE TRIGGER talent_text_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF skills, bio, actor_id, archived_at ON talent
    FOR EACH STATEMENT EXECUTE FUNCTION bump_library_revision();

-- Great-circle distance in km (the engine's matching/score.haversine_km, for SQL's own filters).
CREATE FUNCTION haversine_km(lat1 float8, lon1 float8, lat2 float8, lon2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 2 * 6371.0088 * asin(least(1, sqrt(
        sin(radians(lat2 - lat1) / 2) ^ 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;

-- The ¼° grid cells a circle of radius_km around (lat, lon) touches: candidates join a partner's
-- cells to the needs' cells before measuring any distance. PL/pgSQL, so the planner is not shown
-- two generate_series of a thousand rows each, but ROWS: a few.
CREATE FUNCTION grid_cells(lat float8, lon float8, radius_km float8)
RETURNS TABLE (cell_y int, cell_x int) LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 9 AS $$
BEGIN
    RETURN QUERY
    SELECT gy, gx
    FROM generate_series(floor((lat - radius_km / 111.0) / 0.25)::int,
                         floor((lat + radius_km / 111.0) / 0.25)::int) AS gy,
         generate_series(floor((lon - radius_km / (111.0 * cos(radians(lat)))) / 0.25)::int,
                         floor((lon + radius_km / (111.0 * cos(radians(lat)))) / 0.25)::int) AS gx;
END
$$;

-- What the text signal reads of each side, described once for rounds, the board and the corpus:
-- a need's title, description and skills; an organisation's name and description, its products,
-- the cases it took part in and the skills and bios of the people attached to it.
CREATE VIEW demand_texts AS
SELECT d.id AS demand_id,
       concat_ws(' ', d.title, d.description, array_to_string(d.skills, ' ')) AS text
FROM demands d;

-- What each organisation does: its own categories and those of its live products.
CREATE VIEW actor_categories AS
SELECT a.id AS actor_id, c.category
FROM actors a, unnest(a.categories::text[]) AS c (category)
WHERE a.archived_at IS NULL
UNION
SELECT p.actor_id, p.category::text FROM products p WHERE p.archived_at IS NULL;

CREATE VIEW actor_texts AS
SELECT a.id AS actor_id,
       concat_ws(' ', a.name, a.description,
                 (SELECT string_agg(p.name || ' ' || p.description, ' ' ORDER BY p.id)
                  FROM products p WHERE p.actor_id = a.id AND p.archived_at IS NULL),
                 (SELECT string_agg(cs.title || ' ' || cs.summary, ' ' ORDER BY cs.id)
                  FROM case_actors ca JOIN cases cs ON cs.id = ca.case_id
                  WHERE ca.actor_id = a.id AND cs.archived_at IS NULL),
                 (SELECT string_agg(array_to_string(t.skills, ' ') || ' ' || t.bio, ' ' ORDER BY t.id)
                  FROM talent t WHERE t.actor_id = a.id AND t.archived_at IS NULL)) AS text
FROM actors a;
