-- Loading the demo data in seeds/. Every insert skips rows already present (by natural key), so a
-- second load adds nothing.

-- name: database_is_empty
SELECT NOT EXISTS (SELECT 1 FROM communities) AND NOT EXISTS (SELECT 1 FROM users);

-- name: insert_district
INSERT INTO districts (name, city, lat, lon) VALUES ($1, $2, $3, $4)
ON CONFLICT (name) DO NOTHING;

-- name: district_ids
SELECT name, id FROM districts;

-- name: insert_town
INSERT INTO towns (district_id, name, kind) VALUES ($1, $2, $3)
ON CONFLICT (district_id, name) DO NOTHING;

-- name: town_ids
SELECT d.name AS district, t.name AS town, t.id FROM towns t JOIN districts d ON d.id = t.district_id;

-- name: insert_community
INSERT INTO communities (name, district_id, town_id, kind, theme, population, lat, lon,
                         social_work_rooms, social_workers, community_orgs, volunteer_teams,
                         charity_resources, description, search_text, contact_name,
                         contact_phone, contact_email)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
ON CONFLICT (town_id, name) DO NOTHING;

-- name: community_ids
SELECT name, id FROM communities WHERE archived_at IS NULL;

-- name: insert_actor
INSERT INTO actors (name, kind, grade, verified, categories, resource_types,
                    remote_resource_types, capacity, lat, lon, description, website, contact_name,
                    contact_phone, contact_email, search_text, service_radius_km)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT (name) DO NOTHING;

-- name: actor_ids
SELECT name, id FROM actors;

-- name: insert_actor_district
INSERT INTO actor_districts (actor_id, district_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: insert_talent
INSERT INTO talent (display_name, roles, skills, certificates, actor_id, hours_per_month, bio,
                    search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (display_name) DO NOTHING;

-- name: talent_ids
SELECT display_name AS name, id FROM talent;

-- name: insert_talent_district
INSERT INTO talent_districts (talent_id, district_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: insert_policy
INSERT INTO policies (title, issuer, level, doc_number, categories, eligible_community_kinds,
                      eligible_actor_kinds, subsidy_ceiling, valid_from, valid_to, summary,
                      search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (title) DO NOTHING;

-- name: insert_demand
-- Demands have no natural unique key (a community may post the same need twice); the demo load
-- skips a title its community already has.
INSERT INTO demands (community_id, title, description, category, resource_types, skills,
                     target_groups, beneficiaries, budget, slots, urgency, window_start,
                     window_end, intake_channel, status, search_text, delivery)
SELECT $1::bigint, $2::text, $3::text, $4::category_code, $5::resource_type_code[], $6::text[],
       $7::target_group_code[], $8::integer, $9::numeric, $10::integer, $11::urgency_code,
       $12::date, $13::date, $14::intake_channel_code, $15::demand_status_code, $16::text,
       $17::delivery_code
WHERE NOT EXISTS (SELECT 1 FROM demands WHERE community_id = $1 AND title = $2);

-- name: insert_demand_beneficiary
-- The demand is named by its community and title (the demo's natural key).
INSERT INTO demand_beneficiaries (demand_id, actor_id)
SELECT d.id, $3 FROM demands d WHERE d.community_id = $1 AND d.title = $2
ON CONFLICT DO NOTHING;

-- name: insert_case
INSERT INTO cases (community_id, title, summary, category, model_tags, beneficiaries,
                   duration_months, rating, year, search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (community_id, title) DO NOTHING;

-- name: case_ids
SELECT community_id, title, id FROM cases;

-- name: insert_case_actor
INSERT INTO case_actors (case_id, actor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: insert_product
INSERT INTO products (actor_id, name, category, description, target_groups, delivery_mode, price,
                      capacity_per_month, search_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (actor_id, name) DO NOTHING;

-- name: insert_user
INSERT INTO users (username, display_name, role, community_id, actor_id, password_hash)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (username) DO NOTHING;

-- name: cities
SELECT DISTINCT city FROM districts;

-- name: insert_area
INSERT INTO coordinator_areas (user_id, district_id, city)
SELECT id, $2, $3 FROM users WHERE username = $1
ON CONFLICT DO NOTHING;

-- name: table_counts
SELECT (SELECT count(*) FROM districts)    AS districts,
       (SELECT count(*) FROM towns)        AS towns,
       (SELECT count(*) FROM communities)  AS communities,
       (SELECT count(*) FROM actors)       AS actors,
       (SELECT count(*) FROM talent)       AS talent,
       (SELECT count(*) FROM policies)     AS policies,
       (SELECT count(*) FROM demands)      AS demands,
       (SELECT count(*) FROM cases)        AS cases,
       (SELECT count(*) FROM products)     AS products,
       (SELECT count(*) FROM users)        AS users;

-- name: audit_seed
INSERT INTO audit_log (entity, action, after) VALUES ('seed', $1, $2);
