-- Issue 14: the enterprise problem ledger (问题台账) and the action plan's key-task tracker.
-- A problem is filed for an enterprise, assigned to a department with a deadline, answered,
-- rated by the enterprise and closed (销号) or sent back; every step is kept as an event.
-- A key task of the plan's 附件 has lead and co-operating units; units report progress per
-- period (history kept, newest current).
CREATE TABLE service_problems (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('filed', 'assigned', 'answered', 'closed')),
    difficulty TEXT CHECK (difficulty IN ('simple', 'cross', 'complex')),
    department_id INTEGER REFERENCES departments (id),
    filed_on TEXT NOT NULL,
    assigned_on TEXT,
    deadline TEXT,
    answered_on TEXT,
    closed_on TEXT,
    rating TEXT CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
    reopened INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX service_problems_enterprise ON service_problems (enterprise_id);
CREATE INDEX service_problems_department ON service_problems (department_id, status);

CREATE TABLE service_problem_events (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES service_problems (id),
    kind TEXT NOT NULL CHECK (kind IN ('filed', 'assigned', 'answered', 'rated', 'reopened', 'closed')),
    on_date TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    department_id INTEGER REFERENCES departments (id),
    attachment_name TEXT,
    attachment BLOB,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX service_problem_events_problem ON service_problem_events (problem_id, id);

CREATE TABLE plan_tasks (
    id INTEGER PRIMARY KEY,
    document TEXT NOT NULL,
    heading_no INTEGER NOT NULL,
    heading TEXT NOT NULL,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    lead_text TEXT NOT NULL,
    co_text TEXT NOT NULL,
    period TEXT NOT NULL CHECK (period IN ('monthly', 'quarterly')),
    tracking_from TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (document, heading_no, seq)
);

-- The units of a task that have accounts: departments, or the county governments as a whole.
CREATE TABLE plan_task_units (
    task_id INTEGER NOT NULL REFERENCES plan_tasks (id),
    ord INTEGER NOT NULL,
    lead INTEGER NOT NULL,
    name TEXT NOT NULL,
    department_id INTEGER REFERENCES departments (id),
    counties INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, ord)
);

CREATE TABLE plan_task_reports (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES plan_tasks (id),
    period TEXT NOT NULL,
    lead INTEGER NOT NULL,
    unit TEXT NOT NULL,
    department_id INTEGER REFERENCES departments (id),
    region_code TEXT,
    status TEXT NOT NULL CHECK (status IN ('on_track', 'behind', 'done')),
    body TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    attachment_name TEXT,
    attachment BLOB,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX plan_task_reports_task ON plan_task_reports (task_id, period, id);
