-- Only the entries of a change that can be undone have a change id, and only an undo's entries
-- name what they undo: an import's or a migration's entries have neither. Indexing the NULLs
-- made both indexes as large as the change log and a tenth of a large import's index building.
-- Every query reads them by a value (`change_id = ?`, `undoes = ?`), which a partial index
-- serves.
DROP INDEX change_log_by_change;
CREATE INDEX change_log_by_change ON change_log (change_id) WHERE change_id IS NOT NULL;
DROP INDEX change_log_by_undoes;
CREATE INDEX change_log_by_undoes ON change_log (undoes) WHERE undoes IS NOT NULL;
