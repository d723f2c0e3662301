-- Issue 10: the audit chain is keyed (HMAC with a key kept outside the database). Each entry
-- names the algorithm that sealed it; entries written before a key was configured say `sha256`
-- (the unkeyed chain) and may only precede keyed ones.
ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT 'sha256';
