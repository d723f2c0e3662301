-- no-transaction
-- Issue 9: the yearly cycle trustworthy in production.
--
-- SQLite cannot change a CHECK constraint in place: the three tables whose allowed values grow
-- (run states, roles, import sources) are rebuilt, with foreign keys off for the rebuild and
-- checked before the commit. Hence no implicit transaction: this file opens its own.
PRAGMA foreign_keys = OFF;
BEGIN;

-- Runs: the state `reopened` (a published year reopened by the city), the kind of notice
-- (a supplementary notice covers only the enterprises a re-run moved), an early end of the
-- notice with its reason, and the reopening with who, when and why.
CREATE TABLE evaluation_runs_new (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    method_ref TEXT NOT NULL,
    method_id TEXT NOT NULL,
    method_hash TEXT NOT NULL,
    method_source TEXT NOT NULL,
    input_hash TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('running', 'failed', 'draft', 'notice', 'review', 'approved', 'published', 'superseded', 'reopened')),
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
    published_at INTEGER,
    notice_kind TEXT NOT NULL DEFAULT 'full' CHECK (notice_kind IN ('full', 'supplementary')),
    notice_ended_at INTEGER,
    notice_end_reason TEXT NOT NULL DEFAULT '',
    reopened_at INTEGER,
    reopened_by INTEGER REFERENCES users (id),
    reopen_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO evaluation_runs_new (id, year, title, method_ref, method_id, method_hash, method_source, input_hash,
    state, progress, message, previous_run_id, notice_start, notice_end, content_hash, enterprises, created_by,
    created_at, finished_at, approved_by, approved_at, published_at)
SELECT id, year, title, method_ref, method_id, method_hash, method_source, input_hash,
    state, progress, message, previous_run_id, notice_start, notice_end, content_hash, enterprises, created_by,
    created_at, finished_at, approved_by, approved_at, published_at
FROM evaluation_runs;
DROP TABLE evaluation_runs;
ALTER TABLE evaluation_runs_new RENAME TO evaluation_runs;
CREATE INDEX evaluation_runs_year ON evaluation_runs (year, state);
-- One published result per year, and one evaluation job per year at a time.
CREATE UNIQUE INDEX evaluation_runs_one_published ON evaluation_runs (year) WHERE state = 'published';
CREATE UNIQUE INDEX evaluation_runs_one_running ON evaluation_runs (year) WHERE state = 'running';

-- Accounts: the security administrator and the approving leader (市政府分管领导) as roles, and
-- the one-time activation code of accounts created in bulk.
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('sys_admin', 'security_admin', 'city_admin', 'leader', 'department', 'county', 'cluster', 'enterprise', 'auditor')),
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
    password_changed_at INTEGER NOT NULL,
    activation_hash TEXT,
    activation_expires_at INTEGER
);
INSERT INTO users_new (id, username, display_name, password_hash, role, department_id, region_code, cluster_id,
    enterprise_id, must_change_password, failed_attempts, locked_until, active, created_at, updated_at, password_changed_at)
SELECT id, username, display_name, password_hash, role, department_id, region_code, cluster_id,
    enterprise_id, must_change_password, failed_attempts, locked_until, active, created_at, updated_at, password_changed_at
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_enterprise ON users (enterprise_id);

-- Import batches: values accepted from an objection get their own batch (source `objection`),
-- every correction carries its reason, an import by the city on a department's behalf is marked,
-- and an import that overwrote accepted corrections keeps the confirming reason.
CREATE TABLE import_batches_new (
    id INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    year INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    source TEXT NOT NULL CHECK (source IN ('xlsx', 'csv', 'api', 'copy_last_year', 'correction', 'objection', 'manual', 'history')),
    file_name TEXT NOT NULL DEFAULT '',
    file_hash TEXT NOT NULL DEFAULT '',
    row_count INTEGER NOT NULL,
    value_count INTEGER NOT NULL,
    warnings_confirmed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    on_behalf INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0, 1)),
    overwrite_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO import_batches_new (id, department_id, year, user_id, source, file_name, file_hash, row_count, value_count,
    warnings_confirmed, created_at)
SELECT id, department_id, year, user_id, source, file_name, file_hash, row_count, value_count,
    warnings_confirmed, created_at
FROM import_batches;
DROP TABLE import_batches;
ALTER TABLE import_batches_new RENAME TO import_batches;
CREATE INDEX import_batches_department ON import_batches (department_id, year, created_at);

-- One current value per figure, enforced: earlier races could leave two; the newest stays.
UPDATE figures SET superseded_at = recorded_at
WHERE superseded_at IS NULL AND EXISTS (
    SELECT 1 FROM figures g
    WHERE g.enterprise_id = figures.enterprise_id AND g.year = figures.year AND g.field = figures.field
      AND g.superseded_at IS NULL AND g.id > figures.id);
CREATE UNIQUE INDEX figures_one_current ON figures (enterprise_id, year, field) WHERE superseded_at IS NULL;

-- The enterprises a supplementary notice covers (those a re-run moved to another class).
CREATE TABLE run_notice_members (
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    PRIMARY KEY (run_id, enterprise_id)
);

-- Messages in a user's portal (or to every account of an enterprise).
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    CHECK (user_id IS NOT NULL OR enterprise_id IS NOT NULL)
);
CREATE INDEX messages_user ON messages (user_id, id);
CREATE INDEX messages_enterprise ON messages (enterprise_id, id);

-- Background jobs (an evaluation run's engine work): claimed by one server at a time, kept
-- alive by its heartbeat, taken over only when the heartbeat is stale.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    owner TEXT NOT NULL DEFAULT '',
    heartbeat_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3,
    run_after INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_open ON jobs (state, run_after);

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
