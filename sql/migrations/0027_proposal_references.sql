-- A proposal's need and partner are checked once per statement, not once per row (issue 10, item 8).
--
-- As foreign keys, every one of a round's ~36,000 proposals locked its need and its partner
-- FOR KEY SHARE: a row lock written into each need's and partner's tuple, so the COPY dirtied
-- their pages and, after a checkpoint, wrote ~100 MB of full-page images to the WAL. Measured in
-- rolled-back transactions on the 50,000 × 10,000 bench: COPY 3.1 s and 148 MB of WAL with the two
-- keys, 1.4 s and 40 MB without them.
--
-- The same guarantee, kept by two triggers that serialise on the holds lock (advisory lock 7311,
-- which every writer of proposals already takes before it writes):
--   * after a statement inserts proposals, one anti-join of its new rows refuses any that names a
--     need or partner that does not exist (a row re-pointed by an update is checked alone);
--   * before a need or partner is deleted, or has its id changed, a proposal naming it refuses it.
-- Whichever of an insert and a delete takes the lock first, the other sees it committed: a delete
-- that came first makes the insert's check fail; an insert that came first makes the delete's.
-- The refusals are raised as foreign_key_violation with the old constraints' names and details,
-- so they answer as before (errors.from_postgres). The key to rounds stays: it is one row.

ALTER TABLE proposals DROP CONSTRAINT proposals_demand_id_fkey;
ALTER TABLE proposals DROP CONSTRAINT proposals_actor_id_fkey;

-- A proposal naming a need (demand_id) or partner (actor_id) that does not exist, refused as the
-- foreign key refused it.
CREATE FUNCTION refuse_missing_referent(column_name text, missing bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    referenced text := CASE column_name WHEN 'demand_id' THEN 'demands' ELSE 'actors' END;
BEGIN
    RAISE EXCEPTION 'insert or update on table "proposals" violates foreign key constraint "proposals_%_fkey"',
            column_name
        USING ERRCODE = 'foreign_key_violation', TABLE = 'proposals',
              CONSTRAINT = format('proposals_%s_fkey', column_name),
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".', column_name, missing,
                              referenced);
END
$$;

CREATE FUNCTION proposals_refer_to_existing() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7311);
    SELECT n.demand_id INTO missing FROM new_proposals n
    WHERE NOT EXISTS (SELECT 1 FROM demands d WHERE d.id = n.demand_id) LIMIT 1;
    IF FOUND THEN
        PERFORM refuse_missing_referent('demand_id', missing);
    END IF;
    SELECT n.actor_id INTO missing FROM new_proposals n
    WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = n.actor_id) LIMIT 1;
    IF FOUND THEN
        PERFORM refuse_missing_referent('actor_id', missing);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER proposals_inserted_refer AFTER INSERT ON proposals
    REFERENCING NEW TABLE AS new_proposals
    FOR EACH STATEMENT EXECUTE FUNCTION proposals_refer_to_existing();

-- Nothing re-points a proposal, but should anything: each such row is checked alone (a trigger
-- with a column list can't have a transition table; a status change doesn't fire this one).
CREATE FUNCTION proposal_repointed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7311);
    IF NOT EXISTS (SELECT 1 FROM demands d WHERE d.id = NEW.demand_id) THEN
        PERFORM refuse_missing_referent('demand_id', NEW.demand_id);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = NEW.actor_id) THEN
        PERFORM refuse_missing_referent('actor_id', NEW.actor_id);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER proposals_repointed BEFORE UPDATE OF demand_id, actor_id ON proposals
    FOR EACH ROW EXECUTE FUNCTION proposal_repointed();

CREATE FUNCTION refused_while_proposed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    column_name text := CASE TG_TABLE_NAME WHEN 'demands' THEN 'demand_id' ELSE 'actor_id' END;
    referenced boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(7311);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM proposals WHERE %I = $1)', column_name)
        INTO referenced USING OLD.id;
    IF referenced THEN
        RAISE EXCEPTION 'update or delete on table "%" violates foreign key constraint "proposals_%_fkey" on table "proposals"',
                TG_TABLE_NAME, column_name
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  CONSTRAINT = format('proposals_%s_fkey', column_name),
                  DETAIL = format('Key (id)=(%s) is still referenced from table "proposals".', OLD.id);
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER demands_proposed BEFORE DELETE OR UPDATE OF id ON demands
    FOR EACH ROW EXECUTE FUNCTION refused_while_proposed();
CREATE TRIGGER actors_proposed BEFORE DELETE OR UPDATE OF id ON actors
    FOR EACH ROW EXECUTE FUNCTION refused_while_proposed();
