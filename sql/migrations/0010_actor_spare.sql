-- How much more each partner can take: its capacity less the proposals holding it and its active
-- partnerships. One definition for the queries that read every partner's (the candidates' list of
-- partners a round may still propose, and the partners a round scores).
CREATE VIEW actor_spare AS
WITH held AS (
    SELECT actor_id, count(*) AS n FROM proposals
    WHERE status IN ('pending', 'community_accepted', 'partner_accepted') AND expires_at > now()
    GROUP BY actor_id
), busy AS (
    SELECT actor_id, count(*) AS n FROM partnerships WHERE status = 'active' GROUP BY actor_id
)
SELECT a.id AS actor_id, a.capacity - coalesce(h.n, 0) - coalesce(b.n, 0) AS spare
FROM actors a
LEFT JOIN held h ON h.actor_id = a.id
LEFT JOIN busy b ON b.actor_id = a.id
WHERE a.archived_at IS NULL;
