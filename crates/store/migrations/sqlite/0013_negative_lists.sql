-- Issue 13: each cluster's 产业准入负面清单, versioned (a change saves a new version, earlier ones
-- stay), with the cluster's 标准地 minimums of the version; and the admission reviews of proposed
-- projects against the version in force at the time.
CREATE TABLE negative_lists (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES clusters (id),
    version INTEGER NOT NULL,
    basis TEXT NOT NULL,
    example INTEGER NOT NULL DEFAULT 0,
    min_investment_per_mu REAL,
    min_tax_per_mu REAL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    UNIQUE (cluster_id, version)
);

CREATE TABLE negative_list_entries (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES negative_lists (id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    rule TEXT NOT NULL CHECK (rule IN ('banned', 'restricted')),
    min_investment_per_mu REAL,
    min_tax_per_mu REAL,
    max_energy_tce REAL,
    basis TEXT NOT NULL
);
CREATE INDEX negative_list_entries_list ON negative_list_entries (list_id, position);

CREATE TABLE admission_reviews (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES clusters (id),
    list_id INTEGER REFERENCES negative_lists (id),
    project_name TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    investment REAL NOT NULL,
    land_mu REAL NOT NULL,
    expected_tax REAL NOT NULL,
    energy_tce REAL NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'conditional', 'refused')),
    reasons TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX admission_reviews_cluster ON admission_reviews (cluster_id, created_at);
