-- Actors (主体库): partner organisations and the districts they serve (actor_districts).

-- name: list
-- Filters are optional (NULL = any). $5: serves that district, or works remotely.
-- Archived actors never appear.
SELECT a.id, a.name, a.kind, a.grade, a.verified, a.categories, a.resource_types,
       COALESCE((SELECT json_agg(json_build_object('id', di.id, 'name', di.name) ORDER BY di.id)
                 FROM actor_districts ad JOIN districts di ON di.id = ad.district_id
                 WHERE ad.actor_id = a.id), '[]'::json) AS districts,
       a.remote, a.remote_resource_types, a.service_radius_km, a.capacity, a.lat, a.lon,
       a.description, a.website, a.contact_name,
       a.contact_phone, a.contact_email, a.created_at, a.updated_at, {sort_key} AS sort_key
FROM actors a
WHERE a.archived_at IS NULL
  AND ($1::text IS NULL OR a.kind = $1)
  AND ($2::text IS NULL OR $2 = ANY (a.categories::text[]))
  AND ($3::text IS NULL OR $3 = ANY (a.resource_types::text[]))
  AND ($4::boolean IS NULL OR a.verified = $4)
  AND ($5::bigint IS NULL OR a.remote
       OR EXISTS (SELECT 1 FROM actor_districts ad WHERE ad.actor_id = a.id AND ad.district_id = $5))
  AND ($6::text IS NULL OR a.search @@ (SELECT search_match($6::text)))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: get
-- plan: once
SELECT a.id, a.name, a.kind, a.grade, a.verified, a.categories, a.resource_types,
       COALESCE((SELECT json_agg(json_build_object('id', di.id, 'name', di.name) ORDER BY di.id)
                 FROM actor_districts ad JOIN districts di ON di.id = ad.district_id
                 WHERE ad.actor_id = a.id), '[]'::json) AS districts,
       a.remote, a.remote_resource_types, a.service_radius_km, a.capacity, a.lat, a.lon,
       a.description, a.website, a.contact_name,
       a.contact_phone, a.contact_email, a.created_at, a.updated_at
FROM actors a
WHERE a.id = $1 AND a.archived_at IS NULL;

-- name: exists
-- True when $1 is an actor that is not archived.
SELECT EXISTS (SELECT 1 FROM actors WHERE id = $1 AND archived_at IS NULL);

-- name: row_for_update
-- The stored row with its districts, locked, for a change in the caller's transaction.
SELECT a.id, a.name, a.kind, a.grade, a.verified, a.categories, a.resource_types,
       ARRAY(SELECT ad.district_id FROM actor_districts ad WHERE ad.actor_id = a.id
             ORDER BY ad.district_id) AS district_ids,
       a.remote, a.remote_resource_types, a.service_radius_km, a.capacity, a.lat, a.lon,
       a.description, a.website, a.contact_name,
       a.contact_phone, a.contact_email
FROM actors a WHERE a.id = $1 AND a.archived_at IS NULL
FOR UPDATE;

-- name: insert
INSERT INTO actors (name, kind, grade, verified, categories, resource_types,
                    remote_resource_types, capacity, lat, lon, description, website, contact_name,
                    contact_phone, contact_email, search_text, service_radius_km)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
RETURNING id;

-- name: update
UPDATE actors
SET name = $2, kind = $3, grade = $4, verified = $5, categories = $6, resource_types = $7,
    remote_resource_types = $8, capacity = $9, lat = $10, lon = $11, description = $12,
    website = $13, contact_name = $14, contact_phone = $15, contact_email = $16, search_text = $17,
    service_radius_km = $18
WHERE id = $1;

-- name: drop_districts
-- Forget the districts of actor $1 that are not in $2.
DELETE FROM actor_districts WHERE actor_id = $1 AND district_id <> ALL ($2::bigint[]);

-- name: add_districts
INSERT INTO actor_districts (actor_id, district_id)
SELECT $1, x.id FROM unnest($2::bigint[]) AS x(id)
ON CONFLICT DO NOTHING;

-- name: archive
UPDATE actors SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;
