-- Communities by latitude: the band a partner's service radius reaches is found by range, beside
-- its districts by communities_district_idx. A partner's board, ranked by fit, starts from the
-- communities it can reach; in a province (50,000 communities) scanning them all for one partner
-- took some 30 ms of every view.
CREATE INDEX communities_lat_idx ON communities (lat) WHERE archived_at IS NULL;
