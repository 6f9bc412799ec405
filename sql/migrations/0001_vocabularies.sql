-- The enumerated vocabularies, one domain each; matchmaker/vocab.py mirrors them (tests/test_schema.py).
-- A domain keeps every column and array element that uses it honest: an unknown code is refused by
-- PostgreSQL, whichever path wrote it.

CREATE DOMAIN community_kind_code AS text CHECK (VALUE IN (
    'urban', 'rural', 'industrial', 'resettlement', 'soe_residential', 'old_neighbourhood',
    'new_commercial'));

CREATE DOMAIN actor_kind_code AS text CHECK (VALUE IN (
    'enterprise', 'university', 'social_org', 'foundation', 'social_enterprise', 'volunteer_team',
    'think_tank', 'association', 'cooperative', 'government'));

CREATE DOMAIN grade_code AS text CHECK (VALUE IN ('5A', '4A', '3A'));

CREATE DOMAIN town_kind_code AS text CHECK (VALUE IN ('street', 'town', 'township'));

CREATE DOMAIN category_code AS text CHECK (VALUE IN (
    'elderly_care', 'child_care', 'youth_development', 'worker_services', 'new_employment',
    'disability_support', 'social_assistance', 'meal_service', 'education', 'health',
    'culture_tourism', 'heritage', 'arts_culture', 'environment', 'community_planning',
    'governance', 'legal_services', 'property_management', 'employment', 'charity',
    'volunteering', 'smart_community', 'rural_industry'));

CREATE DOMAIN resource_type_code AS text CHECK (VALUE IN (
    'funding', 'expertise', 'volunteers', 'venue', 'materials', 'products', 'training'));

CREATE DOMAIN target_group_code AS text CHECK (VALUE IN (
    'youth', 'elderly', 'children', 'workers', 'new_employment', 'disabled', 'hardship',
    'residents'));

CREATE DOMAIN urgency_code AS text CHECK (VALUE IN ('low', 'normal', 'high', 'urgent'));

CREATE DOMAIN intake_channel_code AS text CHECK (VALUE IN (
    'suggestion_point', 'council', 'grid_worker', 'hotline', 'online'));

CREATE DOMAIN demand_status_code AS text CHECK (VALUE IN (
    'draft', 'open', 'matched', 'in_progress', 'fulfilled', 'cancelled'));

CREATE DOMAIN talent_role_code AS text CHECK (VALUE IN (
    'social_worker', 'community_planner', 'expert', 'craftsman', 'lawyer', 'volunteer'));

CREATE DOMAIN policy_level_code AS text CHECK (VALUE IN ('national', 'province', 'city', 'county'));

CREATE DOMAIN delivery_mode_code AS text CHECK (VALUE IN ('onsite', 'online', 'hybrid'));

CREATE DOMAIN algorithm_code AS text CHECK (VALUE IN ('optimal', 'coverage', 'stable', 'greedy'));

CREATE DOMAIN round_status_code AS text CHECK (VALUE IN ('queued', 'running', 'succeeded', 'failed'));

CREATE DOMAIN proposal_status_code AS text CHECK (VALUE IN (
    'pending', 'community_accepted', 'partner_accepted', 'confirmed', 'declined', 'expired'));

CREATE DOMAIN partnership_origin_code AS text CHECK (VALUE IN ('proposal', 'direct'));

CREATE DOMAIN partnership_status_code AS text CHECK (VALUE IN ('active', 'completed', 'cancelled'));

CREATE DOMAIN role_code AS text CHECK (VALUE IN ('community_staff', 'partner', 'coordinator', 'admin'));

-- Shared shapes of values.
CREATE DOMAIN latitude AS double precision CHECK (VALUE BETWEEN -90 AND 90);
CREATE DOMAIN longitude AS double precision CHECK (VALUE BETWEEN -180 AND 180);
