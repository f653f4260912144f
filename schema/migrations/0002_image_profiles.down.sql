-- Drops the table of 0002_image_profiles (all stored image profiles are lost).
DROP TABLE IF EXISTS image_profiles{on_cluster};
