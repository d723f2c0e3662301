-- Every two-character window of every enterprise name (ASCII letters lower-cased), kept by
-- `enterprises::insert` / `update`. A search for a fragment of a Chinese name takes its
-- candidates from here by index instead of scanning 100,000 names with LIKE '%…%' (which no
-- b-tree or trigram index serves for a two-character CJK fragment); LIKE then confirms them.
CREATE TABLE enterprise_name_grams (
    gram TEXT NOT NULL,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    PRIMARY KEY (gram, enterprise_id)
) WITHOUT ROWID;

-- The names registered before this migration. SQLite's lower() folds ASCII only, as the Rust side.
INSERT OR IGNORE INTO enterprise_name_grams (gram, enterprise_id)
WITH RECURSIVE w (id, name, i) AS (
    SELECT id, lower(name), 1 FROM enterprises WHERE length(name) >= 2
    UNION ALL
    SELECT id, name, i + 1 FROM w WHERE i + 1 < length(name)
)
SELECT substr(name, i, 2), id FROM w;
