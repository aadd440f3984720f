-- Ids are never reused: every table keyed by an integer id becomes AUTOINCREMENT, so an erased or
-- merged customer's id (named in an old export, a note or a script) never names someone else.
-- SQLite cannot add AUTOINCREMENT to an existing table, so each is rebuilt with the same columns,
-- rows, ids, indexes and triggers; that is done in Rust (migrate.rs, after_step 6), generically
-- from the schema, because it must cover every such table whatever earlier migrations made.
SELECT 1;
