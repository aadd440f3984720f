-- Undo: the change-log entries one write made share a change id (the id of its first entry), so
-- a change can be undone as a whole; an undo's own entries name the change they undo, so undo
-- walks back one change at a time and never undoes the same change twice.
ALTER TABLE change_log ADD COLUMN change_id INTEGER;
ALTER TABLE change_log ADD COLUMN undoes INTEGER;
CREATE INDEX change_log_by_change ON change_log (change_id);
CREATE INDEX change_log_by_undoes ON change_log (undoes);
