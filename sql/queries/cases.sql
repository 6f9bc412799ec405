-- Cases (案例库) and the partners that took part in them (case_actors).

-- name: list
-- Filters are optional (NULL = any). Archived cases never appear.
SELECT c.id, c.community_id, co.name AS community_name, co.district_id, di.name AS district_name,
       c.title, c.summary, c.category, c.model_tags,
       COALESCE((SELECT json_agg(json_build_object('id', a.id, 'name', a.name) ORDER BY a.id)
                 FROM case_actors ca JOIN actors a ON a.id = ca.actor_id
                 WHERE ca.case_id = c.id), '[]'::json) AS actors,
       c.beneficiaries, c.duration_months, c.rating, c.year, c.partnership_id,
       c.created_at, c.updated_at, {sort_key} AS sort_key
FROM cases c
JOIN communities co ON co.id = c.community_id
JOIN districts di ON di.id = co.district_id
WHERE c.archived_at IS NULL
  AND ($1::bigint IS NULL OR co.district_id = $1)
  AND ($2::bigint IS NULL OR c.community_id = $2)
  AND ($3::text IS NULL OR c.category = $3)
  AND ($4::text IS NULL OR $4 = ANY (c.model_tags))
  AND ($5::bigint IS NULL
       OR EXISTS (SELECT 1 FROM case_actors ca WHERE ca.case_id = c.id AND ca.actor_id = $5))
  AND ($6::text IS NULL OR c.search @@ (SELECT search_match($6::text)))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: get
-- plan: once
SELECT c.id, c.community_id, co.name AS community_name, co.district_id, di.name AS district_name,
       c.title, c.summary, c.category, c.model_tags,
       COALESCE((SELECT json_agg(json_build_object('id', a.id, 'name', a.name) ORDER BY a.id)
                 FROM case_actors ca JOIN actors a ON a.id = ca.actor_id
                 WHERE ca.case_id = c.id), '[]'::json) AS actors,
       c.beneficiaries, c.duration_months, c.rating, c.year, c.partnership_id,
       c.created_at, c.updated_at
FROM cases c
JOIN communities co ON co.id = c.community_id
JOIN districts di ON di.id = co.district_id
WHERE c.id = $1 AND c.archived_at IS NULL;

-- name: row_for_update
-- The stored row with its partners' ids, locked, for a change in the caller's transaction.
SELECT c.id, c.community_id, c.title, c.summary, c.category, c.model_tags,
       ARRAY(SELECT ca.actor_id FROM case_actors ca WHERE ca.case_id = c.id ORDER BY ca.actor_id)
           AS actor_ids,
       c.beneficiaries, c.duration_months, c.rating, c.year, c.partnership_id
FROM cases c WHERE c.id = $1 AND c.archived_at IS NULL
FOR UPDATE;

-- name: community_exists
SELECT EXISTS (SELECT 1 FROM communities WHERE id = $1 AND archived_at IS NULL);

-- name: missing_actors
-- The ids among $1 that name no live actor.
SELECT ARRAY(
    SELECT wanted FROM unnest($1::bigint[]) AS wanted
    WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = wanted AND a.archived_at IS NULL)
    ORDER BY wanted);

-- name: partnership
-- What a case needs to know of the partnership it records.
SELECT p.id, p.status, d.community_id
FROM partnerships p JOIN demands d ON d.id = p.demand_id
WHERE p.id = $1;

-- name: insert
INSERT INTO cases (community_id, title, summary, category, model_tags, beneficiaries,
                   duration_months, rating, year, partnership_id, search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id;

-- name: update
UPDATE cases
SET community_id = $2, title = $3, summary = $4, category = $5, model_tags = $6,
    beneficiaries = $7, duration_months = $8, rating = $9, year = $10, partnership_id = $11,
    search_text = $12
WHERE id = $1;

-- name: clear_actors
DELETE FROM case_actors WHERE case_id = $1;

-- name: add_actors
INSERT INTO case_actors (case_id, actor_id)
SELECT $1, actor_id FROM unnest($2::bigint[]) AS actor_id
ON CONFLICT DO NOTHING;

-- name: archive
UPDATE cases SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;

-- name: similar
-- plan: once
-- Cases like a need, for its page: the same category ($1) counts 3, each of the need's words ($2)
-- the case holds counts 1; a case sharing neither is left out. Best first, then best rated.
SELECT c.id, c.community_id, co.name AS community_name, co.district_id, di.name AS district_name,
       c.title, c.summary, c.category, c.model_tags,
       COALESCE((SELECT json_agg(json_build_object('id', a.id, 'name', a.name) ORDER BY a.id)
                 FROM case_actors ca JOIN actors a ON a.id = ca.actor_id
                 WHERE ca.case_id = c.id), '[]'::json) AS actors,
       c.beneficiaries, c.duration_months, c.rating, c.year, c.partnership_id,
       c.created_at, c.updated_at
FROM cases c
JOIN communities co ON co.id = c.community_id
JOIN districts di ON di.id = co.district_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.category = $1 THEN 3 ELSE 0 END
           + (SELECT count(*) FROM unnest($2::text[]) AS w (word)
              WHERE c.search @@ plainto_tsquery('simple', w.word))::int AS score
) s
WHERE c.archived_at IS NULL AND s.score > 0
ORDER BY s.score DESC, c.rating DESC NULLS LAST, c.id DESC
LIMIT $3;
