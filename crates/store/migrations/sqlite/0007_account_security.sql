-- Issue 10: login throttling, password history, a second factor (TOTP) with recovery codes,
-- the two-step login, approvals of privileged accounts by the security administrator, and the
-- rotation of API tokens.

-- Failed logins, per client address and per account name: growing delays per account, a hard
-- block per address (kept a day).
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    ip TEXT NOT NULL,
    username TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
CREATE INDEX login_failures_user ON login_failures (username, at);

-- The last password hashes of an account (no reuse of the last five).
CREATE TABLE password_history (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    hash TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

-- TOTP (RFC 6238): the shared secret, whether enrolment is complete, the last time step used
-- (a code is accepted once); the second half of a split activation code.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1));
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN activation_hash_b TEXT;
-- A new secret being enrolled: the current one keeps working until the new one is confirmed.
ALTER TABLE users ADD COLUMN totp_pending TEXT;

CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A password checked, the second factor not yet: the login's ticket (five minutes).
CREATE TABLE login_tickets (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    ip TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);

-- 三员分立: a privileged account, or the reset of one, asked for by the system administrator and
-- decided by the security administrator.
CREATE TABLE account_requests (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'reset')),
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users (id),
    requested_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by INTEGER REFERENCES users (id),
    decided_at INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    -- SHA-256 of the first half of the account's activation code (the system administrator's).
    code_hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_requests_status ON account_requests (status, id);

-- A rotated token names its successor.
ALTER TABLE api_tokens ADD COLUMN replaced_by INTEGER;
