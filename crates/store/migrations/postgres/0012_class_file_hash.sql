-- Issue 11: a class loaded from a city's file of earlier years carries the file's SHA-256, shown in
-- the enterprise's class history beside the publishing document.
ALTER TABLE enterprise_classes ADD COLUMN file_hash TEXT NOT NULL DEFAULT '';
