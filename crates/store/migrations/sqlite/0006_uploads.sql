-- Issue 10: a rejected upload is kept like one waiting for confirmation (for a day, for its
-- sender only), so that its marked workbook is made again on download by any server, from the
-- database, instead of living in one server's memory.
ALTER TABLE pending_uploads ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0 CHECK (rejected IN (0, 1));
