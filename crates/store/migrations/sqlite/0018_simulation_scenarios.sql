-- Issue 15: named what-if scenarios: a draft method kept beside the run it was simulated on,
-- to reopen and compare. A scenario is never changed; removing one only hides it (the file
-- stays, as does the audit entry).
CREATE TABLE simulation_scenarios (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES evaluation_runs (id),
    name TEXT NOT NULL,
    method_name TEXT NOT NULL,
    method_source TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    removed_at INTEGER
);
CREATE UNIQUE INDEX simulation_scenarios_name ON simulation_scenarios (run_id, name) WHERE removed_at IS NULL;
