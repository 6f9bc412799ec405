-- Products (产品库): service products an actor offers. Price 0 means 公益 (free).

-- name: list
-- Filters are optional (NULL = any). Archived products never appear.
SELECT p.id, p.actor_id, a.name AS actor_name, p.name, p.category, p.description,
       p.target_groups, p.delivery_mode, p.price::float8 AS price, (p.price = 0) AS free,
       p.capacity_per_month, p.created_at, p.updated_at, {sort_key} AS sort_key
FROM products p
JOIN actors a ON a.id = p.actor_id
WHERE p.archived_at IS NULL
  AND ($1::bigint IS NULL OR p.actor_id = $1)
  AND ($2::text IS NULL OR p.category = $2)
  AND ($3::text IS NULL OR $3 = ANY (p.target_groups::text[]))
  AND ($4::text IS NULL OR p.delivery_mode = $4)
  AND ($5::boolean IS NULL OR $5 = (p.price = 0))
  AND ($6::text IS NULL OR p.search @@ (SELECT search_match($6::text)))
  AND {keyset}
ORDER BY {order}
LIMIT {limit};

-- name: get
-- plan: once
SELECT p.id, p.actor_id, a.name AS actor_name, p.name, p.category, p.description,
       p.target_groups, p.delivery_mode, p.price::float8 AS price, (p.price = 0) AS free,
       p.capacity_per_month, p.created_at, p.updated_at
FROM products p
JOIN actors a ON a.id = p.actor_id
WHERE p.id = $1 AND p.archived_at IS NULL;

-- name: row_for_update
-- The stored row, locked, for a change in the caller's transaction.
SELECT id, actor_id, name, category, description, target_groups, delivery_mode,
       price::float8 AS price, capacity_per_month
FROM products WHERE id = $1 AND archived_at IS NULL
FOR UPDATE;

-- name: actor_exists
SELECT EXISTS (SELECT 1 FROM actors WHERE id = $1 AND archived_at IS NULL);

-- name: insert
INSERT INTO products (actor_id, name, category, description, target_groups, delivery_mode, price,
                      capacity_per_month, search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: update
UPDATE products
SET name = $2, category = $3, description = $4, target_groups = $5, delivery_mode = $6,
    price = $7, capacity_per_month = $8, search_text = $9
WHERE id = $1;

-- name: archive
UPDATE products SET archived_at = now() WHERE id = $1 AND archived_at IS NULL;
