-- Drops the tables of 0001_init (all data in them is lost).
DROP TABLE IF EXISTS pod_events{on_cluster};
DROP TABLE IF EXISTS image_pulls{on_cluster};
DROP TABLE IF EXISTS pod_startups{on_cluster};
