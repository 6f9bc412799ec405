-- Talent (人才库): people, their affiliation (an actor) and the districts they serve.

-- name: list
-- Filters are optional (NULL = any). Archived people never appear.
SELECT t.id, t.display_name, t.roles, t.skills, t.certificates, t.actor_id,
       a.name AS actor_name,
       COALESCE((SELECT json_agg(json_build_object('id', di.id, 'name', di.name) ORDER BY di.id)
                 FROM talent_districts td JOIN districts di ON di.id = td.district_id
                 WHERE td.talent_id = t.id), '[]'::json) AS districts,
       t.hours_per_month, t.bio, t.created_at, t.updated_at, {sort_key} AS sort_key
FROM talent t
LEFT JOIN actors a ON a.id = t.actor_id
WHERE t.archived_at IS NULL
  AND ($1::text IS NULL OR $1 = ANY (t.roles::text[]))
  AND ($2::text IS NULL OR $2 = ANY (t.skills))
  AND ($3::bigint IS NULL
       OR EXISTS (SELECT 1 FROM talent_districts td WHERE td.talent_id = t.id AND td.district_id = $3))
  AND ($4::bigint IS NULL OR t.actor_id = $4)
  AND ($5::text IS NULL OR t.search @@ (SELECT search_match($5::text)))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: get
-- plan: once
SELECT t.id, t.display_name, t.roles, t.skills, t.certificates, t.actor_id,
       a.name AS actor_name,
       COALESCE((SELECT json_agg(json_build_object('id', di.id, 'name', di.name) ORDER BY di.id)
                 FROM talent_districts td JOIN districts di ON di.id = td.district_id
                 WHERE td.talent_id = t.id), '[]'::json) AS districts,
       t.hours_per_month, t.bio, t.created_at, t.updated_at
FROM talent t
LEFT JOIN actors a ON a.id = t.actor_id
WHERE t.id = $1 AND t.archived_at IS NULL;

-- name: row_for_update
-- The stored row with its districts, locked, for a change in the caller's transaction.
SELECT t.id, t.display_name, t.roles, t.skills, t.certificates, t.actor_id,
       ARRAY(SELECT td.district_id FROM talent_districts td WHERE td.talent_id = t.id
             ORDER BY td.district_id) AS district_ids,
       t.hours_per_month, t.bio
FROM talent t WHERE t.id = $1 AND t.archived_at IS NULL
FOR UPDATE;

-- name: insert
INSERT INTO talent (display_name, roles, skills, certificates, actor_id, hours_per_month, bio,
                    search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: update
UPDATE talent
SET display_name = $2, roles = $3, skills = $4, certificates = $5, actor_id = $6,
    hours_per_month = $7, bio = $8, search_text = $9
WHERE id = $1;

-- name: drop_districts
-- Forget the districts of person $1 that are not in $2.
DELETE FROM talent_districts WHERE talent_id = $1 AND district_id <> ALL ($2::bigint[]);

-- name: add_districts
INSERT INTO talent_districts (talent_id, district_id)
SELECT $1, x.id FROM unnest($2::bigint[]) AS x(id)
ON CONFLICT DO NOTHING;

-- name: archive
UPDATE talent SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;
