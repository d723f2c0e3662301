-- Issue 10: the audit chain is keyed (HMAC with a key kept outside the database). Each entry
-- names the algorithm that sealed it; entries written before a key was configured say `sha256`
-- (the unkeyed chain) and may only precede keyed ones.
ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT 'sha256';

-- Downloads of a public list (no login), counted per run, hour and client address, and written
-- to the audit trail as one entry per run and hour once the hour is over: anonymous requests
-- cannot grow the trail without bound.
CREATE TABLE public_downloads (
    run_id BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    ip TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (run_id, hour, ip)
);
