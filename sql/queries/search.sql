-- Search: synonym groups, and the fields each library's rows are indexed from (the re-index).
-- Every *_docs block takes $1 = ids to re-index, or NULL for every row (archived ones too).

-- name: synonym_groups
SELECT id, words, note, created_at FROM search_synonyms ORDER BY id;

-- name: groups_with
-- plan: once
-- The groups holding any of the words $1 (a query's terms and the words inside them).
SELECT words FROM search_synonyms WHERE words && $1::text[];

-- name: insert_group
INSERT INTO search_synonyms (words, note, created_by) VALUES ($1, $2, $3)
RETURNING id, words, note, created_at;

-- name: delete_group
DELETE FROM search_synonyms WHERE id = $1 RETURNING id;

-- name: demand_docs
SELECT d.id, d.title, d.description, d.skills, d.category::text AS category,
       d.resource_types::text[] AS resource_types, d.target_groups::text[] AS target_groups,
       c.name AS community, c.kind::text AS community_kind, t.name AS town, di.name AS district,
       di.city
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN towns t ON t.id = c.town_id
JOIN districts di ON di.id = c.district_id
WHERE $1::bigint[] IS NULL OR d.id = ANY ($1);

-- name: demands_of_community
SELECT coalesce(array_agg(id), '{}') FROM demands WHERE community_id = $1;

-- name: actor_docs
SELECT a.id, a.name, a.description, a.kind::text AS kind, a.categories::text[] AS categories,
       a.resource_types::text[] AS resource_types,
       ARRAY(SELECT di.name FROM actor_districts ad JOIN districts di ON di.id = ad.district_id
             WHERE ad.actor_id = a.id ORDER BY di.name) AS districts,
       ARRAY(SELECT DISTINCT di.city FROM actor_districts ad
             JOIN districts di ON di.id = ad.district_id WHERE ad.actor_id = a.id) AS cities
FROM actors a
WHERE $1::bigint[] IS NULL OR a.id = ANY ($1);

-- name: community_docs
SELECT c.id, c.name, c.theme, c.description, c.kind::text AS kind, t.name AS town,
       di.name AS district, di.city
FROM communities c
JOIN towns t ON t.id = c.town_id
JOIN districts di ON di.id = c.district_id
WHERE $1::bigint[] IS NULL OR c.id = ANY ($1);

-- name: talent_docs
SELECT id, display_name, skills, bio FROM talent WHERE $1::bigint[] IS NULL OR id = ANY ($1);

-- name: policy_docs
SELECT id, title, issuer, summary FROM policies WHERE $1::bigint[] IS NULL OR id = ANY ($1);

-- name: case_docs
SELECT id, title, summary, model_tags, category::text AS category
FROM cases WHERE $1::bigint[] IS NULL OR id = ANY ($1);

-- name: product_docs
SELECT id, name, description, category::text AS category,
       target_groups::text[] AS target_groups
FROM products WHERE $1::bigint[] IS NULL OR id = ANY ($1);

-- name: set_demands
UPDATE demands x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: set_actors
UPDATE actors x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: set_communities
UPDATE communities x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: set_talent
UPDATE talent x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: set_policies
UPDATE policies x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: set_cases
UPDATE cases x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: set_products
UPDATE products x SET search_text = v.text
FROM unnest($1::bigint[], $2::text[]) AS v(id, text) WHERE x.id = v.id;

-- name: categories_matching
-- Open needs per category that match the tsquery $1 (the no-match offer: a looser query's categories).
SELECT d.category::text AS category, count(*)::int AS n
FROM demands d
WHERE d.archived_at IS NULL AND d.status = 'open' AND d.search @@ (SELECT to_tsquery('simple', $1::text))
GROUP BY d.category ORDER BY n DESC, category;

-- name: categories_open
SELECT d.category::text AS category, count(*)::int AS n
FROM demands d WHERE d.archived_at IS NULL AND d.status = 'open'
GROUP BY d.category ORDER BY n DESC, category;
