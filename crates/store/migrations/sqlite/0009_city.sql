-- Issue 11: the city this installation serves (set up by `mujun init` or the first-run page),
-- as key/value settings: city_code, city_name, province_name, agency.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The registry's history of each enterprise (renames, moves between counties and clusters,
-- industry, status and closures), written by registry imports with the file they came from.
CREATE TABLE enterprise_changes (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    at BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    source TEXT NOT NULL,
    file_hash TEXT NOT NULL DEFAULT '',
    user_id BIGINT
);
CREATE INDEX enterprise_changes_enterprise ON enterprise_changes (enterprise_id, id);

-- Replacing an enterprise's name windows deletes them by enterprise: without this index each
-- rename scanned every window of every enterprise (a registry re-import renames thousands).
CREATE INDEX enterprise_name_grams_enterprise ON enterprise_name_grams (enterprise_id);
