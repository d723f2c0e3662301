-- PostgreSQL drops the foreign key of enterprise_name_grams here (see its 0011). SQLite keeps
-- it: removing it would mean rebuilding the table, and SQLite's key checks are cheap.
SELECT 1;
