-- Benchmarks: they only ever touch the <database>_bench database.

-- name: open_count
SELECT count(*) FROM demands WHERE status = 'open';

-- name: empty_all
-- Before loading a size's synthetic data: nothing of an earlier size may remain.
TRUNCATE audit_log, round_reports, round_graphs, partnerships, proposals, rounds, interests, users, products,
         case_actors, cases, demands, policies, talent_districts, talent, actor_districts,
         actors, communities, towns, districts RESTART IDENTITY CASCADE;

-- name: empty_rounds
-- Between timed rounds: the next one starts with every slot and unit of capacity free again. Only
-- what rounds wrote goes: a TRUNCATE … CASCADE would reach cases (through partnerships) and move
-- the library's revision, so every round would refit the text model, as no real round does.
DELETE FROM round_reports;
DELETE FROM round_graphs;
DELETE FROM proposals;
DELETE FROM rounds;

-- name: vacuum_rounds
-- After emptying them: the next round writes into tables as tidy as autovacuum keeps them.
VACUUM round_reports, round_graphs, proposals, rounds;

-- name: sample_open_ids
SELECT id FROM demands WHERE status = 'open' ORDER BY random() LIMIT 20000;

-- name: district_ids
SELECT id FROM districts ORDER BY id;

-- name: categories_in_use
SELECT DISTINCT category FROM demands ORDER BY category;

-- name: analyze
ANALYZE;

-- name: people
-- Someone to tell on each side: one staff member per community and one per organisation, each
-- with an e-mail address and e-mail at once (the bench of notifications).
INSERT INTO users (username, display_name, role, community_id, password_hash, email)
SELECT 'staff' || id, left(name, 90) || ' 工作人员', 'community_staff', id, 'bench', 'staff' || id || '@bench.test'
FROM communities;
INSERT INTO users (username, display_name, role, actor_id, password_hash, email)
SELECT 'partner' || id, left(name, 90) || ' 联络人', 'partner', id, 'bench', 'partner' || id || '@bench.test'
FROM actors;

-- name: set_people_active
UPDATE users SET active = $1;

-- name: robot
INSERT INTO group_webhooks (name, provider, url, district_id)
VALUES ('bench', 'wecom', $1, (SELECT min(id) FROM districts))
RETURNING id;

-- name: robot_messages
-- $2 messages for robot $1, due now.
INSERT INTO outbox (channel, dedupe_key, webhook_id, recipient, subject, body)
SELECT 'webhook', 'bench:' || g, $1, 'bench', 'bench',
       '{"msgtype":"markdown","markdown":{"content":"bench ' || g || '"}}'
FROM generate_series(1, $2) g;

-- name: outbox_count
SELECT count(*) FROM outbox;

-- name: toggle_open
-- The writes of a busy board while bench api searches ("with writes"): need $1 closed (to draft)
-- if open, opened again if a write before closed it.
UPDATE demands SET status = CASE status WHEN 'open' THEN 'draft' ELSE 'open' END
WHERE id = $1 AND status IN ('open', 'draft');

-- name: touch_need
-- ... or an edit that changes nothing a search reads (a write all the same).
UPDATE demands SET updated_at = now() WHERE id = $1;

-- name: reopen
-- After the scenario: the needs it closed are open again, as the bench data was.
UPDATE demands SET status = 'open' WHERE id = ANY ($1::bigint[]) AND status = 'draft';
