-- mujun schema, SQLite flavour. The PostgreSQL folder holds the same tables and columns (the
-- parity test compares them). Times are BIGINT milliseconds since the Unix epoch (UTC), flags are
-- INTEGER 0/1, money is DOUBLE in 万元: the only kinds sqlx's Any driver carries on both.

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE industries (
    division INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_code TEXT,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER,
    UNIQUE (code, valid_from)
);

CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL,
    star_level INTEGER,
    leading_industries TEXT NOT NULL DEFAULT '',
    planned_area_mu REAL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged', 'demoted', 'closed')),
    merged_into INTEGER REFERENCES clusters (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE cluster_events (
    id INTEGER PRIMARY KEY,
    cluster_id INTEGER NOT NULL REFERENCES clusters (id),
    at INTEGER NOT NULL,
    user_id INTEGER,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cluster_events_cluster ON cluster_events (cluster_id, at);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    credit_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    cluster_id INTEGER REFERENCES clusters (id),
    industry_code TEXT NOT NULL,
    production_start TEXT,
    status TEXT NOT NULL DEFAULT 'operating' CHECK (status IN ('operating', 'stopped', 'closed')),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    checksum_override INTEGER NOT NULL DEFAULT 0 CHECK (checksum_override IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX enterprises_name ON enterprises (name, credit_code);
CREATE INDEX enterprises_cluster ON enterprises (cluster_id, credit_code);
CREATE INDEX enterprises_region ON enterprises (region_code, credit_code);
CREATE INDEX enterprises_industry ON enterprises (industry_code, credit_code);

CREATE TABLE enterprise_years (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    scale TEXT NOT NULL CHECK (scale IN ('above', 'below')),
    PRIMARY KEY (enterprise_id, year)
);
CREATE INDEX enterprise_years_year ON enterprise_years (year, scale);

-- No foreign keys on figures: values arrive in batches of hundreds of thousands, already checked
-- against the registry by the import use case, and per-row key checks would double the time.
CREATE TABLE figures (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    field TEXT NOT NULL,
    value REAL,
    department_id INTEGER,
    source TEXT NOT NULL,
    batch_id INTEGER,
    user_id INTEGER,
    recorded_at INTEGER NOT NULL,
    superseded_at INTEGER
);
-- One index for an enterprise's figures (current and history), one for a year's. Neither holds
-- superseded_at, so marking a value superseded touches no index (on PostgreSQL the update can
-- stay on its page: see the fill factor).
CREATE INDEX figures_key ON figures (enterprise_id, year, field);
-- The current values of a year in enterprise order, covering: a run's snapshot, the quality
-- report and the completeness board read a whole year from this index alone.
CREATE INDEX figures_current ON figures (year, enterprise_id, field, value) WHERE superseded_at IS NULL;

CREATE TABLE enterprise_items (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bonus', 'veto')),
    item TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, year, kind, item)
);

CREATE TABLE enterprise_classes (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    class TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);
CREATE INDEX enterprise_classes_year ON enterprise_classes (year, class);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('sys_admin', 'city_admin', 'department', 'county', 'cluster', 'enterprise', 'auditor')),
    department_id INTEGER REFERENCES departments (id),
    region_code TEXT,
    cluster_id INTEGER REFERENCES clusters (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER
);

-- The audit trail is append-only and hash-chained; audit_head serialises appends.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (username, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
