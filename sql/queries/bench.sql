-- Benchmarks: they only ever touch the <database>_bench database.

-- name: open_count
SELECT count(*) FROM demands WHERE status = 'open';

-- name: empty_all
-- Before loading a size's synthetic data: nothing of an earlier size may remain.
TRUNCATE audit_log, round_reports, partnerships, proposals, rounds, interests, users, products,
         case_actors, cases, demands, policies, talent_districts, talent, actor_districts,
         actors, communities, towns, districts RESTART IDENTITY CASCADE;

-- name: empty_rounds
-- Between timed rounds: the next one starts with every slot and unit of capacity free again.
TRUNCATE round_reports, proposals, rounds CASCADE;

-- name: sample_open_ids
SELECT id FROM demands WHERE status = 'open' ORDER BY random() LIMIT 20000;

-- name: district_ids
SELECT id FROM districts ORDER BY id;

-- name: categories_in_use
SELECT DISTINCT category FROM demands ORDER BY category;

-- name: analyze
ANALYZE;
