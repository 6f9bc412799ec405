-- Names a library spreadsheet refers to (see matchmaker/sheets/libraries.py).

-- name: names
-- Every row a sheet's cell may name, by table: districts, towns (parent: their district),
-- organisations and communities (parent: their town) that are not archived.
SELECT 'districts' AS source, id, name, NULL::bigint AS parent, NULL::text AS qualifier
FROM districts
UNION ALL
SELECT 'towns', t.id, t.name, t.district_id, d.name FROM towns t JOIN districts d ON d.id = t.district_id
UNION ALL
SELECT 'actors', id, name, NULL, NULL FROM actors WHERE archived_at IS NULL
UNION ALL
SELECT 'communities', c.id, c.name, c.district_id, t.name
FROM communities c JOIN towns t ON t.id = c.town_id
WHERE c.archived_at IS NULL;
