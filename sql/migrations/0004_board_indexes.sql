-- The opportunity board lists open, unarchived needs newest first, often by category: partial
-- indexes over just those rows let it stop after a page instead of walking every need.
CREATE INDEX demands_open_idx ON demands (id) WHERE status = 'open' AND archived_at IS NULL;
CREATE INDEX demands_open_category_idx ON demands (category, id)
    WHERE status = 'open' AND archived_at IS NULL;
CREATE INDEX demands_open_community_idx ON demands (community_id, id)
    WHERE status = 'open' AND archived_at IS NULL;
