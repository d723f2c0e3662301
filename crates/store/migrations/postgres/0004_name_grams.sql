-- Every two-character window of every enterprise name (ASCII letters lower-cased), kept by
-- `enterprises::insert` / `update`. A search for a fragment of a Chinese name takes its
-- candidates from here by index instead of scanning 100,000 names with LIKE '%…%' (which no
-- b-tree or trigram index serves for a two-character CJK fragment); LIKE then confirms them.
CREATE TABLE enterprise_name_grams (
    gram TEXT NOT NULL,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    PRIMARY KEY (gram, enterprise_id)
);

-- The names registered before this migration; translate() folds ASCII only, as the Rust side.
INSERT INTO enterprise_name_grams (gram, enterprise_id)
SELECT DISTINCT substr(n, i, 2), id
FROM (SELECT id, translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS n FROM enterprises) e,
     generate_series(1, char_length(n) - 1) AS i;
