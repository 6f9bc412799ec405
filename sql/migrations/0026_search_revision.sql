-- A counter of the changes that can move a search's results (issue 13, speed).
--
-- Ranking best-first must score every need a query finds (a common word finds 30% of them), so a
-- server keeps a query's ranked ids (matchmaker/queries/ranked.py) and reuses them while this
-- counter stands still. Every statement that writes needs or communities moves it, in the writer's
-- transaction: a ranking read under a revision holds the data of that revision or newer, and no
-- reader sees a new need, a status or a text change without the counter having moved with it.

CREATE TABLE search_revision (
    id       integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    revision bigint NOT NULL DEFAULT 0
);
INSERT INTO search_revision DEFAULT VALUES;

CREATE FUNCTION bump_search_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_revision SET revision = revision + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER demands_search_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON demands
    FOR EACH STATEMENT EXECUTE FUNCTION bump_search_revision();
CREATE TRIGGER communities_search_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_search_revision();
