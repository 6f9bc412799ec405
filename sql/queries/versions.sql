-- A library record's version (its updated_at), locked for a write in the caller's transaction:
-- the check of an If-Match and the write it guards see the same row. One block per library.

-- name: actors
SELECT updated_at FROM actors WHERE id = $1 AND archived_at IS NULL FOR UPDATE;

-- name: cases
SELECT updated_at FROM cases WHERE id = $1 AND archived_at IS NULL FOR UPDATE;

-- name: communities
SELECT updated_at FROM communities WHERE id = $1 AND archived_at IS NULL FOR UPDATE;

-- name: demands
SELECT updated_at FROM demands WHERE id = $1 AND archived_at IS NULL FOR UPDATE;

-- name: policies
SELECT updated_at FROM policies WHERE id = $1 AND archived_at IS NULL FOR UPDATE;

-- name: products
SELECT updated_at FROM products WHERE id = $1 AND archived_at IS NULL FOR UPDATE;

-- name: talent
SELECT updated_at FROM talent WHERE id = $1 AND archived_at IS NULL FOR UPDATE;
