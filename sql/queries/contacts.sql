-- Contact details (联系方式): whether two sides are partners, and the contacts a partnership shows.
-- Who may see which contact is decided in matchmaker/services/contacts.py, never here.

-- name: confirmed_pair
-- True when community $1 and organisation $2 have a partnership that is active or completed
-- (a cancelled one does not count).
SELECT EXISTS (
    SELECT 1 FROM partnerships s JOIN demands d ON d.id = s.demand_id
    WHERE d.community_id = $1 AND s.actor_id = $2 AND s.status IN ('active', 'completed'));

-- name: confirmed_partners
-- The organisations community $1 has a partnership with that is active or completed.
SELECT DISTINCT s.actor_id AS id
FROM partnerships s JOIN demands d ON d.id = s.demand_id
WHERE d.community_id = $1 AND s.status IN ('active', 'completed');

-- name: confirmed_communities
-- The communities organisation $1 has a partnership with that is active or completed.
SELECT DISTINCT d.community_id AS id
FROM partnerships s JOIN demands d ON d.id = s.demand_id
WHERE s.actor_id = $1 AND s.status IN ('active', 'completed');

-- name: actor_contacts
-- The contact person of each organisation in $1.
SELECT id, contact_name AS name, contact_phone AS phone, contact_email AS email
FROM actors WHERE id = ANY ($1::bigint[]);

-- name: community_contacts
-- The contact person of each community in $1.
SELECT id, contact_name AS name, contact_phone AS phone, contact_email AS email
FROM communities WHERE id = ANY ($1::bigint[]);
