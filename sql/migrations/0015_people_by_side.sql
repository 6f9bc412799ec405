-- Finding the people on each side of an event: a community's staff, an organisation's staff.
-- Telling a round's proposals joins every proposal to both; without these every proposal scanned
-- every user.
CREATE INDEX users_community_idx ON users (community_id) WHERE community_id IS NOT NULL;
CREATE INDEX users_actor_idx ON users (actor_id) WHERE actor_id IS NOT NULL;
