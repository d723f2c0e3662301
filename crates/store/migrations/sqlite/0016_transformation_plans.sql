-- Issue 14: 一企一策 transformation plans (倒逼转型) of C-class enterprises: one plan per
-- enterprise and class year, its progress kept as history (the plan row carries the latest).
CREATE TABLE transformation_plans (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    targets TEXT NOT NULL,
    measures TEXT NOT NULL,
    deadline TEXT NOT NULL,
    responsible TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, year)
);

CREATE TABLE transformation_progress (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES transformation_plans (id),
    reported_on TEXT NOT NULL,
    body TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX transformation_progress_plan ON transformation_progress (plan_id, id);
