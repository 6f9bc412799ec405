-- Need templates (需求模板), see sql/migrations/0025_need_templates.sql.

-- name: list
-- Every template in use, by category then name (the picker groups them so).
SELECT id, name, category, title, outline, resource_types, target_groups, skills, delivery,
       created_at, updated_at
FROM need_templates
WHERE archived_at IS NULL
ORDER BY category, name, id;

-- name: get
-- plan: once
SELECT id, name, category, title, outline, resource_types, target_groups, skills, delivery,
       created_at, updated_at
FROM need_templates
WHERE id = $1 AND archived_at IS NULL;

-- name: row_for_update
SELECT id, name, category, title, outline, resource_types, target_groups, skills, delivery
FROM need_templates
WHERE id = $1 AND archived_at IS NULL
FOR UPDATE;

-- name: insert
INSERT INTO need_templates (name, category, title, outline, resource_types, target_groups,
                            skills, delivery)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: update
UPDATE need_templates
SET name = $2, category = $3, title = $4, outline = $5, resource_types = $6, target_groups = $7,
    skills = $8, delivery = $9, updated_at = now()
WHERE id = $1;

-- name: archive
UPDATE need_templates SET archived_at = now(), updated_at = now()
WHERE id = $1 AND archived_at IS NULL;
