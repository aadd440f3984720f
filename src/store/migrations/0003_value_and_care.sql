-- kehu schema, step 3: the cached value score (RFM) with an index to sort by it, and an occasion
-- key on to-dos so a greeting is created at most once per customer, occasion and year.

ALTER TABLE customer ADD COLUMN value_r INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer ADD COLUMN value_f INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer ADD COLUMN value_m INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customer ADD COLUMN value_score INTEGER NOT NULL DEFAULT 0;
-- Highest value first, as a NULL-free text key for keyset paging.
CREATE INDEX customer_by_value ON customer (printf('%02d', 15 - value_score), id);

ALTER TABLE todo ADD COLUMN occasion TEXT;
CREATE UNIQUE INDEX todo_once_per_occasion ON todo (customer_id, occasion) WHERE occasion IS NOT NULL;
