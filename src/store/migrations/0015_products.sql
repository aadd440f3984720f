-- A small product list (name, category, price) that purchases and deals pick from by name; free
-- text stays allowed, and the report groups purchases by the product (and its category) they
-- name.
CREATE TABLE product (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    category    TEXT,
    price       INTEGER,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX purchase_by_product ON purchase (product COLLATE NOCASE, on_date);
