-- The matching fair (社社对接会): what its printed needs handbook lists.

-- name: fair_needs
-- The open needs of one district still running on the fair's date (no end, or ending that day
-- or later), by category, then community, then newest first. $3 bounds a handbook's length.
SELECT d.id, d.title, d.description, d.category, d.resource_types, d.window_start,
       d.window_end, d.slots, d.beneficiaries, c.name AS community_name, t.name AS town_name
FROM demands d
JOIN communities c ON c.id = d.community_id
JOIN towns t ON t.id = c.town_id
WHERE c.district_id = $1
  AND d.status = 'open'
  AND (d.window_end IS NULL OR d.window_end >= $2)
ORDER BY d.category, c.name, d.id DESC
LIMIT $3;
