-- The append-only audit log: every state change, who made it, before -> after.

-- name: record
INSERT INTO audit_log (user_id, username, entity, entity_id, action, before, after)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: list
SELECT id, at, user_id, username, entity, entity_id, action, before, after
FROM audit_log
WHERE ($1::text IS NULL OR entity = $1)
  AND ($2::bigint IS NULL OR entity_id = $2)
  AND ($3::bigint IS NULL OR user_id = $3)
  AND ($4::text IS NULL OR action = $4)
  AND ($5::text IS NULL OR username = $5)
  AND ($6::timestamptz IS NULL OR at >= $6)
  AND ($7::timestamptz IS NULL OR at < $7)
  AND {keyset}
ORDER BY {order}
LIMIT {limit};
