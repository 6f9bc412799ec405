-- Demands to and from the spreadsheets staff keep (see matchmaker/sheets/needs.py).

-- name: export
-- Every non-archived demand matching the optional filters (NULL = any; the same as demands.list),
-- oldest first. The community is written as its name, or "镇街/名称" when another community
-- shares the name, so the file imports back to the same community.
SELECT d.id,
       CASE WHEN EXISTS (SELECT 1 FROM communities o
                         WHERE o.name = c.name AND o.id <> c.id AND o.archived_at IS NULL)
            THEN t.name || '/' || c.name ELSE c.name END AS community,
       d.title, d.description, d.category, d.resource_types::text[] AS resource_types, d.skills,
       d.target_groups::text[] AS target_groups, d.beneficiaries, d.budget::float8 AS budget,
       d.slots, d.urgency, d.window_start, d.window_end, d.intake_channel, d.status
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN towns t ON t.id = c.town_id
WHERE d.archived_at IS NULL
  AND ($1::bigint IS NULL OR c.district_id = $1)
  AND ($2::bigint IS NULL OR c.town_id = $2)
  AND ($3::bigint IS NULL OR d.community_id = $3)
  AND ($4::text IS NULL OR d.category = $4)
  AND ($5::text IS NULL OR d.status = $5)
  AND ($6::text IS NULL OR $6 = ANY (d.resource_types::text[]))
  AND ($7::text IS NULL OR $7 = ANY (d.target_groups::text[]))
  AND ($8::text IS NULL OR d.urgency = $8)
  AND ($9::text IS NULL OR c.kind = $9)
  AND ($10::text IS NULL OR d.search @@ (SELECT search_match($10::text)))
  AND ($11::bigint[] IS NULL OR c.district_id = ANY ($11))
ORDER BY d.id;

-- name: communities_named
-- Non-archived communities whose name is one of $1, with their town (to tell namesakes apart).
SELECT c.id, c.name, t.name AS town_name, c.district_id
FROM communities c JOIN towns t ON t.id = c.town_id
WHERE c.archived_at IS NULL AND c.name = ANY ($1::text[])
ORDER BY c.id;
