-- Issue 11: column mappings of a city's own file layouts, remembered per layout (kind: registry,
-- classes, figures; fingerprint: the SHA-256 of the layout's headers), and files uploaded on the
-- setup page kept while their columns are being mapped (a day at most).
CREATE TABLE column_mappings (
    kind TEXT NOT NULL CHECK (kind IN ('registry', 'classes', 'figures')),
    fingerprint TEXT NOT NULL,
    mapping TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, fingerprint)
);

CREATE TABLE setup_files (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('registry', 'classes', 'figures')),
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
