-- Data collection (issue 4): the data-item catalogue, collection rounds and department tasks,
-- import batches (with the file's hash, and pending uploads awaiting confirmation of warnings),
-- enterprise self-check, and land records (parcels, their holders, leases).

-- One row per data item; templates, validation, completeness and the API all read this.
CREATE TABLE catalogue_items (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    department_code TEXT NOT NULL,
    unit TEXT NOT NULL,
    value_kind TEXT NOT NULL CHECK (value_kind IN ('number', 'flag', 'scale')),
    min_value REAL,
    max_value REAL,
    required_above INTEGER NOT NULL DEFAULT 1 CHECK (required_above IN (0, 1)),
    required_below INTEGER NOT NULL DEFAULT 1 CHECK (required_below IN (0, 1)),
    slow_moving INTEGER NOT NULL DEFAULT 0 CHECK (slow_moving IN (0, 1)),
    description TEXT NOT NULL DEFAULT '',
    shared_with TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at INTEGER NOT NULL
);

CREATE TABLE collection_rounds (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_by INTEGER REFERENCES users (id),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER
);
CREATE INDEX collection_rounds_year ON collection_rounds (year);

CREATE TABLE round_tasks (
    round_id INTEGER NOT NULL REFERENCES collection_rounds (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    deadline TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'submitted', 'confirmed', 'returned')),
    submitted_at INTEGER,
    submitted_by INTEGER REFERENCES users (id),
    reviewed_at INTEGER,
    reviewed_by INTEGER REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, department_id)
);

CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    year INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    source TEXT NOT NULL CHECK (source IN ('xlsx', 'csv', 'api', 'copy_last_year', 'correction')),
    file_name TEXT NOT NULL DEFAULT '',
    file_hash TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    value_count INTEGER NOT NULL,
    warnings_confirmed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX import_batches_department ON import_batches (department_id, year, created_at);

-- An upload that passed validation but has warnings, kept until its sender confirms or drops it.
CREATE TABLE pending_uploads (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    year INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

-- 企业自核: an enterprise confirms or disputes one figure of a year; a dispute goes to the owning
-- department, which corrects the figure or answers.
CREATE TABLE self_checks (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    item TEXT NOT NULL,
    figure_id INTEGER REFERENCES figures (id),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'disputed', 'corrected', 'answered')),
    comment TEXT NOT NULL DEFAULT '',
    department_code TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    resolved_by INTEGER REFERENCES users (id),
    resolved_at INTEGER,
    resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX self_checks_enterprise ON self_checks (enterprise_id, year, item);
CREATE INDEX self_checks_queue ON self_checks (department_code, status);

-- Land: parcels (不动产权证), the explicit split of each parcel among its holders, and leases.
CREATE TABLE land_parcels (
    id INTEGER PRIMARY KEY,
    certificate_no TEXT NOT NULL UNIQUE,
    area_mu REAL NOT NULL CHECK (area_mu > 0),
    supply_date TEXT,
    land_use TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE parcel_holders (
    parcel_id INTEGER NOT NULL REFERENCES land_parcels (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    share_mu REAL NOT NULL CHECK (share_mu > 0),
    PRIMARY KEY (parcel_id, enterprise_id)
);
CREATE INDEX parcel_holders_enterprise ON parcel_holders (enterprise_id);

CREATE TABLE land_leases (
    id INTEGER PRIMARY KEY,
    lessor_enterprise_id INTEGER REFERENCES enterprises (id),
    lessee_enterprise_id INTEGER REFERENCES enterprises (id),
    area_mu REAL NOT NULL CHECK (area_mu > 0),
    start_date TEXT NOT NULL,
    end_date TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    CHECK (lessor_enterprise_id IS NOT NULL OR lessee_enterprise_id IS NOT NULL)
);
CREATE INDEX land_leases_lessor ON land_leases (lessor_enterprise_id);
CREATE INDEX land_leases_lessee ON land_leases (lessee_enterprise_id);
