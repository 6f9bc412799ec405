-- A round's COPY of its proposals fills every index on proposals; proposals_live_idx repeated
-- proposals_pair_idx's columns (demand_id, actor_id) for the live statuses only. The lookups of
-- live proposals by need, or by need and partner, read proposals_pair_idx and filter by status (a
-- pair has a handful of proposals over all rounds). Writing a round of 36,126 proposals: about
-- 0.25 s less.
DROP INDEX IF EXISTS proposals_live_idx;
