-- Issue 11: the city this installation serves (set up by `mujun init` or the first-run page),
-- as key/value settings: city_code, city_name, province_name, agency.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
