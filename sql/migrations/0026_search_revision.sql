-- A counter of the changes that can move a search's results (issue 13, speed).
--
-- Ranking best-first must score every need a query finds (a common word finds 30% of them), so a
-- server keeps a query's ranked ids (matchmaker/queries/ranked.py) and reuses them while this
-- counter stands still. Every statement that writes needs or communities moves it, in the writer's
-- transaction: a ranking read under a revision holds the data of that revision or newer, and no
-- reader sees a new need, a status or a text change without the counter having moved with it.
--
-- It is a column of library_revision's one row, not a row of its own: a transaction writing an
-- organisation and then a need would otherwise lock the two rows in the opposite order to one
-- writing a need (whose statement moves both counters), and two such could deadlock.

ALTER TABLE library_revision ADD COLUMN search_revision bigint NOT NULL DEFAULT 0;

CREATE FUNCTION bump_search_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_revision SET search_revision = search_revision + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER demands_search_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON demands
    FOR EACH STATEMENT EXECUTE FUNCTION bump_search_revision();
CREATE TRIGGER communities_search_changed
    AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_search_revision();
