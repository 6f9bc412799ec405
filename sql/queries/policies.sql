-- Policies (政策库). A policy is active from valid_from to valid_to inclusive (no valid_to: open-ended).

-- name: list
-- Filters are optional (NULL = any). Archived policies never appear.
SELECT p.id, p.title, p.issuer, p.level, p.doc_number, p.categories, p.eligible_community_kinds,
       p.eligible_actor_kinds, p.subsidy_ceiling::float8 AS subsidy_ceiling, p.valid_from,
       p.valid_to, p.summary,
       (p.valid_from <= CURRENT_DATE AND (p.valid_to IS NULL OR p.valid_to >= CURRENT_DATE)) AS active,
       p.created_at, p.updated_at, {sort_key} AS sort_key
FROM policies p
WHERE p.archived_at IS NULL
  AND ($1::text IS NULL OR p.level = $1)
  AND ($2::text IS NULL OR $2 = ANY (p.categories::text[]))
  AND ($3::text IS NULL OR $3 = ANY (p.eligible_community_kinds::text[]))
  AND ($4::text IS NULL OR $4 = ANY (p.eligible_actor_kinds::text[]))
  AND ($5::boolean IS NULL
       OR $5 = (p.valid_from <= CURRENT_DATE AND (p.valid_to IS NULL OR p.valid_to >= CURRENT_DATE)))
  AND ($6::text IS NULL OR p.search @@ (SELECT search_match($6::text)))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: eligible
-- plan: once
-- The policies in force for a need's page: of its category ($1) and its community's kind ($2),
-- soonest to lapse first as the list's "expiring" order, $3 at most. The list block would do, with
-- its optional filters planned for their values each call; this shape needs one plan.
SELECT p.id, p.title, p.issuer, p.level, p.doc_number, p.categories, p.eligible_community_kinds,
       p.eligible_actor_kinds, p.subsidy_ceiling::float8 AS subsidy_ceiling, p.valid_from,
       p.valid_to, p.summary, true AS active, p.created_at, p.updated_at
FROM policies p
WHERE p.archived_at IS NULL
  AND $1::text = ANY (p.categories::text[])
  AND $2::text = ANY (p.eligible_community_kinds::text[])
  AND p.valid_from <= CURRENT_DATE AND (p.valid_to IS NULL OR p.valid_to >= CURRENT_DATE)
ORDER BY COALESCE(p.valid_to, 'infinity'::date), p.id
LIMIT $3;

-- name: get
-- plan: once
SELECT p.id, p.title, p.issuer, p.level, p.doc_number, p.categories, p.eligible_community_kinds,
       p.eligible_actor_kinds, p.subsidy_ceiling::float8 AS subsidy_ceiling, p.valid_from,
       p.valid_to, p.summary,
       (p.valid_from <= CURRENT_DATE AND (p.valid_to IS NULL OR p.valid_to >= CURRENT_DATE)) AS active,
       p.created_at, p.updated_at
FROM policies p
WHERE p.id = $1 AND p.archived_at IS NULL;

-- name: row_for_update
-- The stored row, locked, for a change in the caller's transaction.
SELECT id, title, issuer, level, doc_number, categories, eligible_community_kinds,
       eligible_actor_kinds, subsidy_ceiling::float8 AS subsidy_ceiling, valid_from, valid_to,
       summary
FROM policies WHERE id = $1 AND archived_at IS NULL
FOR UPDATE;

-- name: insert
INSERT INTO policies (title, issuer, level, doc_number, categories, eligible_community_kinds,
                      eligible_actor_kinds, subsidy_ceiling, valid_from, valid_to, summary,
                      search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id;

-- name: update
UPDATE policies
SET title = $2, issuer = $3, level = $4, doc_number = $5, categories = $6,
    eligible_community_kinds = $7, eligible_actor_kinds = $8, subsidy_ceiling = $9,
    valid_from = $10, valid_to = $11, summary = $12, search_text = $13
WHERE id = $1;

-- name: archive
UPDATE policies SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;
