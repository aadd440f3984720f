-- kehu schema, step 22: each customer's search keys kept in the book, so that the command line's
-- `--search` need not fold every customer's fields and work out their pinyin on each call (0.35 s
-- of 0.46 s at 100,000 customers). The keys are worked out by kehu (pinyin is not SQL): these
-- triggers only mark a customer whose searched text changed, by kehu or by any other tool, and
-- kehu brings the marked ones up to date when it next writes or searches. Until then a search
-- works their keys out afresh, so a stale key is never used.
CREATE TABLE search_entry (
    customer_id  INTEGER PRIMARY KEY,
    -- Every character of the parts below (`search::Keys::mask`), as a 64-bit set: a first sieve.
    mask         INTEGER NOT NULL,
    name         TEXT NOT NULL,
    rest         TEXT NOT NULL,
    phones       TEXT NOT NULL,
    pinyin       TEXT NOT NULL,
    other_pinyin TEXT NOT NULL
);

CREATE TABLE search_stale (
    customer_id INTEGER PRIMARY KEY
);

INSERT INTO search_stale (customer_id) SELECT id FROM customer;

CREATE TRIGGER search_stale_on_customer_insert AFTER INSERT ON customer BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (new.id);
END;
CREATE TRIGGER search_stale_on_customer_update AFTER UPDATE OF name, company, email, city, phone ON customer BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (new.id);
END;
CREATE TRIGGER search_entry_on_customer_delete AFTER DELETE ON customer BEGIN
    DELETE FROM search_entry WHERE customer_id = old.id;
    DELETE FROM search_stale WHERE customer_id = old.id;
END;
CREATE TRIGGER search_stale_on_tagging AFTER INSERT ON customer_tag BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (new.customer_id);
END;
CREATE TRIGGER search_stale_on_untagging AFTER DELETE ON customer_tag BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (old.customer_id);
END;
CREATE TRIGGER search_stale_on_tag_rename AFTER UPDATE OF name ON tag BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id)
        SELECT customer_id FROM customer_tag WHERE tag_id = new.id;
END;
CREATE TRIGGER search_stale_on_contact_insert AFTER INSERT ON contact_person BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (new.customer_id);
END;
CREATE TRIGGER search_stale_on_contact_update AFTER UPDATE OF customer_id, name, phone, email ON contact_person BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (old.customer_id);
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (new.customer_id);
END;
CREATE TRIGGER search_stale_on_contact_delete AFTER DELETE ON contact_person BEGIN
    INSERT OR IGNORE INTO search_stale (customer_id) VALUES (old.customer_id);
END;
