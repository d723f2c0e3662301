-- Evaluation runs (issue 5): versioned method files, runs with their immutable input snapshot,
-- results and pools, manual adjustments, objections during the public notice, and the
-- differentiated policies as data.

CREATE TABLE method_files (
    id INTEGER PRIMARY KEY,
    method_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    hash TEXT NOT NULL,
    based_on TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    UNIQUE (method_id, version)
);

CREATE TABLE evaluation_runs (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    method_ref TEXT NOT NULL,
    method_id TEXT NOT NULL,
    method_hash TEXT NOT NULL,
    method_source TEXT NOT NULL,
    input_hash TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('running', 'failed', 'draft', 'notice', 'review', 'approved', 'published', 'superseded')),
    progress INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    previous_run_id INTEGER REFERENCES evaluation_runs (id),
    notice_start TEXT,
    notice_end TEXT,
    content_hash TEXT NOT NULL DEFAULT '',
    enterprises INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    finished_at INTEGER,
    approved_by INTEGER REFERENCES users (id),
    approved_at INTEGER,
    published_at INTEGER
);
CREATE INDEX evaluation_runs_year ON evaluation_runs (year, state);

-- The inputs exactly as evaluated (immutable once the run exists).
CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    enterprise_id INTEGER NOT NULL,
    credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    region_code TEXT NOT NULL,
    cluster TEXT,
    cluster_id INTEGER,
    industry_code TEXT NOT NULL,
    scale TEXT NOT NULL,
    production_start TEXT,
    land_area_mu REAL,
    tax_paid REAL,
    profit_total REAL,
    main_revenue REAL,
    rd_expense REAL,
    gross_output REAL,
    energy_tce REAL,
    electricity_kwh REAL,
    pollution_eq REAL,
    employees REAL,
    value_added REAL,
    water_m3 REAL,
    land_derivation TEXT NOT NULL DEFAULT '',
    bonus TEXT NOT NULL DEFAULT '',
    veto TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, enterprise_id)
);
CREATE INDEX run_inputs_name ON run_inputs (run_id, name, credit_code);

CREATE TABLE run_results (
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    enterprise_id INTEGER NOT NULL,
    -- Presentation order: pools in order, each by rank then vetoed, then the excluded.
    position INTEGER NOT NULL,
    group_id TEXT NOT NULL DEFAULT '',
    pool TEXT NOT NULL DEFAULT '',
    excluded_reason TEXT NOT NULL DEFAULT '',
    rank INTEGER,
    pool_size INTEGER,
    base REAL,
    bonus REAL,
    total REAL,
    computed_class TEXT NOT NULL,
    final_class TEXT NOT NULL,
    class_reason TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, enterprise_id)
);
-- The ranking pages walk one of these in order (LIMIT/OFFSET), never sorting a whole run.
CREATE INDEX run_results_position ON run_results (run_id, position);
CREATE INDEX run_results_class ON run_results (run_id, final_class, position);
CREATE INDEX run_results_total ON run_results (run_id, total);

CREATE TABLE run_pools (
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    position INTEGER NOT NULL,
    group_id TEXT NOT NULL,
    label TEXT NOT NULL,
    size INTEGER NOT NULL,
    vetoed INTEGER NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
);

CREATE TABLE run_adjustments (
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    enterprise_id INTEGER NOT NULL,
    class TEXT NOT NULL,
    reason TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    at INTEGER NOT NULL,
    PRIMARY KEY (run_id, enterprise_id)
);

CREATE TABLE objections (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    item TEXT NOT NULL,
    text TEXT NOT NULL,
    attachment_name TEXT NOT NULL DEFAULT '',
    attachment BLOB,
    department_code TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    filed_by INTEGER REFERENCES users (id),
    filed_at INTEGER NOT NULL,
    resolved_by INTEGER REFERENCES users (id),
    resolved_at INTEGER,
    resolution TEXT NOT NULL DEFAULT '',
    corrected_value REAL
);
CREATE INDEX objections_run ON objections (run_id, status);
CREATE INDEX objections_department ON objections (department_code, status);

CREATE TABLE policy_measures (
    id INTEGER PRIMARY KEY,
    class TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_code TEXT NOT NULL,
    title TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    description TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
