-- An import remembers the rows it added as runs of ids (`row_id` through `through_id`) instead of
-- one row each: ids are never reused (0006), and nothing else inserts while an import's
-- transaction holds the book, so the customers and notes it added are whole runs. A 100,000-row
-- import wrote 200,000 undo rows and indexed them twice; it writes two now. A row with no
-- `through_id` names one row, as before.
ALTER TABLE import_undo ADD COLUMN through_id INTEGER;
