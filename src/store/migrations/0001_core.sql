-- kehu schema, step 1: customers and everything recorded about them day to day.
-- Shipped migrations are never edited; later changes go into new numbered files.
--
-- Children of a customer reference it with ON DELETE RESTRICT: nothing about a customer is ever
-- removed by a cascade the user did not ask for. Erasing a customer deletes its children explicitly.
-- Every mutable row carries created_at/by, updated_at/by and version (optimistic updates).
-- Timestamps are RFC 3339 UTC text with milliseconds and Z; calendar dates are local YYYY-MM-DD.

CREATE TABLE customer (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sort_key        TEXT NOT NULL,
    company         TEXT,
    kind            TEXT NOT NULL DEFAULT 'b2c' CHECK (kind IN ('b2b', 'b2c')),
    tier            TEXT NOT NULL DEFAULT 'regular' CHECK (tier IN ('vip', 'regular', 'potential')),
    stage           TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ('lead', 'prospect', 'customer', 'churned')),
    email           TEXT,
    email_norm      TEXT,
    phone           TEXT,
    phone_norm      TEXT,
    city            TEXT,
    address         TEXT,
    owner           TEXT,
    channel         TEXT CHECK (channel IN ('phone', 'email', 'wechat', 'sms', 'visit', 'meeting')),
    cadence_days    INTEGER CHECK (cadence_days > 0),
    birthday        TEXT,
    source          TEXT,
    needs           TEXT,
    service_needs   TEXT,
    custom_fields   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(custom_fields)),
    pool_locked     INTEGER NOT NULL DEFAULT 0 CHECK (pool_locked IN (0, 1)),
    archived_at     TEXT,
    -- Cached derived values, kept in step with their sources in the same transaction.
    last_contact_at TEXT,
    next_due        TEXT,
    purchase_total  INTEGER NOT NULL DEFAULT 0,
    purchase_count  INTEGER NOT NULL DEFAULT 0,
    last_purchase_on TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
-- The list pane pages by (key, id); NULL-free key expressions keep keyset comparisons exact.
CREATE INDEX customer_by_sort_key     ON customer (sort_key, id);
CREATE INDEX customer_by_last_contact ON customer (coalesce(last_contact_at, ''), id);
CREATE INDEX customer_by_next_due     ON customer (coalesce(next_due, '9999-12-31'), id);
CREATE INDEX customer_by_owner        ON customer (owner, sort_key, id);
CREATE INDEX customer_by_email        ON customer (email_norm) WHERE email_norm IS NOT NULL;
CREATE INDEX customer_by_phone        ON customer (phone_norm) WHERE phone_norm IS NOT NULL;

CREATE TABLE contact_person (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title       TEXT,
    phone       TEXT,
    phone_norm  TEXT,
    email       TEXT,
    email_norm  TEXT,
    is_primary  INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX contact_person_by_customer ON contact_person (customer_id, is_primary DESC, id);
CREATE INDEX contact_person_by_phone    ON contact_person (phone_norm) WHERE phone_norm IS NOT NULL;
CREATE INDEX contact_person_by_email    ON contact_person (email_norm) WHERE email_norm IS NOT NULL;

CREATE TABLE tag (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE customer_tag (
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    tag_id      INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    PRIMARY KEY (customer_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX customer_tag_by_tag ON customer_tag (tag_id, customer_id);

CREATE TABLE interaction (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'visit', 'message', 'note')),
    summary     TEXT NOT NULL,
    details     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
-- A customer's timeline, newest first.
CREATE INDEX interaction_timeline ON interaction (customer_id, at DESC, id DESC);
CREATE INDEX interaction_by_time  ON interaction (at);

CREATE TABLE todo (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER REFERENCES customer (id) ON DELETE RESTRICT,
    title         TEXT NOT NULL,
    due           TEXT,
    due_time      TEXT,
    priority      TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    assignee      TEXT,
    every_n       INTEGER CHECK (every_n > 0),
    every_unit    TEXT CHECK (every_unit IN ('d', 'w', 'm')),
    done_at       TEXT,
    -- The to-do whose completion created this one: unique, so a recurring to-do completed twice
    -- at once can never spawn two follow-ups.
    spawned_from  INTEGER UNIQUE REFERENCES todo (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK ((every_n IS NULL) = (every_unit IS NULL))
);
-- The queue: open to-dos by due date, undated ones last.
CREATE INDEX todo_open_by_due    ON todo (coalesce(due, '9999-12-31'), id) WHERE status = 'open';
CREATE INDEX todo_by_customer    ON todo (customer_id, status, due);

CREATE TABLE purchase (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    on_date     TEXT NOT NULL,
    product     TEXT,
    amount      INTEGER NOT NULL,
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX purchase_by_customer ON purchase (customer_id, on_date DESC, id DESC);
CREATE INDEX purchase_by_date     ON purchase (on_date);

-- Team-wide settings, so every teammate sees the same cadences, currency and pool rules.
CREATE TABLE setting (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- Audit trail. Not a foreign key: it outlives the rows it describes (except on erase, which
-- removes a customer's entries and leaves one row without personal data).
CREATE TABLE change_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    by          TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    customer_id INTEGER,
    action      TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'erase', 'merge', 'migrate')),
    before      TEXT,
    after       TEXT
);
CREATE INDEX change_log_by_customer ON change_log (customer_id, id);
CREATE INDEX change_log_by_row      ON change_log (table_name, row_id, id);
