-- Which needs each search revision changed, so a kept ranking survives writes (issue 13, speed).
--
-- A need's sort key depends on the need's own row and the query alone (search_rank reads the
-- row's search vector; ts_rank takes no statistics of the corpus), and whether a search finds it
-- on its row and its community's district, town and kind. So a server holding a query's ranking
-- at revision R brings it to the revision now by ranking only the needs changed since R
-- (matchmaker/queries/ranked.py), rather than every need the query finds. This log says which.
--
-- Each statement writing needs moves search_revision (as migration 0026's trigger did, still one
-- column of library_revision's one row, locked after the rows, in the writer's transaction) and
-- files the ids it wrote under the new revision: a reader's one statement sees the revision and
-- exactly the changes up to it. A community's update files every need of it (its district, town
-- or kind may have changed). A statement writing more needs than a ranking is brought up over
-- (1,000), a TRUNCATE, or pruning, files nothing but moves search_changes_from: the log holds
-- every change after that revision, and a ranking older than it is ranked again whole.

ALTER TABLE library_revision ADD COLUMN search_changes_from bigint NOT NULL DEFAULT 0;
UPDATE library_revision SET search_changes_from = search_revision;

CREATE TABLE search_changes (
    revision  bigint NOT NULL,
    demand_id bigint NOT NULL
);
CREATE INDEX search_changes_revision_idx ON search_changes (revision);

DROP TRIGGER demands_search_changed ON demands;
DROP TRIGGER communities_search_changed ON communities;
DROP FUNCTION bump_search_revision();

-- The needs ``ids`` changed: a new revision, and the ids filed under it (none: nothing to move).
-- Every 256th revision drops what is more than 8,192 revisions old: a ranking that far behind
-- has seen more changes than are worth merging, and is ranked again.
CREATE FUNCTION file_search_changes(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r bigint;
BEGIN
    IF cardinality(ids) IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    UPDATE library_revision SET search_revision = search_revision + 1 WHERE id = 1
        RETURNING search_revision INTO r;
    IF cardinality(ids) > 1000 THEN
        UPDATE library_revision SET search_changes_from = r WHERE id = 1;
    ELSE
        INSERT INTO search_changes (revision, demand_id) SELECT r, unnest(ids);
    END IF;
    IF r % 256 = 0 THEN
        DELETE FROM search_changes WHERE revision <= r - 8192;
        UPDATE library_revision SET search_changes_from = greatest(search_changes_from, r - 8192)
            WHERE id = 1;
    END IF;
END
$$;

CREATE FUNCTION demands_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM file_search_changes(ARRAY(SELECT id FROM changed));
    RETURN NULL;
END
$$;

CREATE FUNCTION communities_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM file_search_changes(
        ARRAY(SELECT d.id FROM demands d WHERE d.community_id IN (SELECT id FROM changed)));
    RETURN NULL;
END
$$;

-- Everything before this revision is unknown: every kept ranking is ranked again.
CREATE FUNCTION search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE library_revision
    SET search_revision = search_revision + 1, search_changes_from = search_revision + 1
    WHERE id = 1;
    DELETE FROM search_changes;
    RETURN NULL;
END
$$;

-- (A trigger with transition tables takes one event, hence one trigger per event.)
CREATE TRIGGER demands_search_inserted AFTER INSERT ON demands REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION demands_search_changed();
CREATE TRIGGER demands_search_updated AFTER UPDATE ON demands REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION demands_search_changed();
CREATE TRIGGER demands_search_deleted AFTER DELETE ON demands REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION demands_search_changed();
CREATE TRIGGER demands_search_truncated AFTER TRUNCATE ON demands
    FOR EACH STATEMENT EXECUTE FUNCTION search_truncated();
-- A new community has no needs yet, and one with needs cannot be deleted (demands' foreign key).
CREATE TRIGGER communities_search_updated AFTER UPDATE ON communities
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION communities_search_changed();
CREATE TRIGGER communities_search_truncated AFTER TRUNCATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION search_truncated();
