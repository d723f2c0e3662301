-- Issue 14: the cluster assessment. Departments supply data per cluster (or the whole city, for
-- the price index) and year, history kept (the newest row is current); assessments are runs
-- with their method text and a result per cluster; plan targets per level, document, year and
-- indicator.
CREATE TABLE cluster_data (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER REFERENCES clusters (id),
    year INTEGER NOT NULL,
    item TEXT NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    current INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX cluster_data_key ON cluster_data (year, item, current);

CREATE TABLE cluster_assessments (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    method_name TEXT NOT NULL,
    method TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'approved', 'published', 'withdrawn')),
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    approved_by INTEGER REFERENCES users (id),
    approved_at INTEGER,
    published_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cluster_assessments_year ON cluster_assessments (year, state);

CREATE TABLE cluster_assessment_results (
    assessment_id INTEGER NOT NULL REFERENCES cluster_assessments (id),
    cluster_id INTEGER NOT NULL REFERENCES clusters (id),
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    total REAL NOT NULL,
    star INTEGER NOT NULL,
    star_name TEXT NOT NULL,
    movement TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (assessment_id, cluster_id)
);

CREATE TABLE plan_targets (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'cluster')),
    cluster_id INTEGER REFERENCES clusters (id),
    document TEXT NOT NULL,
    indicator TEXT NOT NULL,
    base_year INTEGER,
    target_year INTEGER NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
