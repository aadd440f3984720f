-- kehu schema, step 2: deals, complaints, surveys, campaigns, grading history, queue snoozes and
-- import batches. Same rules as step 1: RESTRICT towards customer, audit columns, versions.

CREATE TABLE deal (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    title          TEXT NOT NULL,
    amount         INTEGER NOT NULL DEFAULT 0,
    stage          TEXT NOT NULL DEFAULT 'qualified'
                   CHECK (stage IN ('qualified', 'needs_analysis', 'proposal', 'negotiation', 'won', 'lost')),
    expected_close TEXT,
    lost_reason    TEXT,
    closed_at      TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (stage <> 'lost' OR lost_reason IS NOT NULL)
);
CREATE INDEX deal_by_customer ON deal (customer_id, id);
CREATE INDEX deal_by_stage    ON deal (stage, expected_close);

CREATE TABLE ticket (
    id                INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    kind              TEXT NOT NULL DEFAULT 'complaint' CHECK (kind IN ('complaint', 'inquiry', 'after_sales')),
    severity          TEXT NOT NULL DEFAULT 'normal' CHECK (severity IN ('low', 'normal', 'high', 'critical')),
    summary           TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'responded', 'resolved', 'closed')),
    opened_at         TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at       TEXT,
    closed_at         TEXT,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ticket_by_customer ON ticket (customer_id, opened_at DESC);
CREATE INDEX ticket_by_status   ON ticket (status, opened_at);

CREATE TABLE survey (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    on_date     TEXT NOT NULL,
    quality     INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    attitude    INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    speed       INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 5),
    comment     TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX survey_by_customer ON survey (customer_id, on_date DESC);
CREATE INDEX survey_by_date     ON survey (on_date);

CREATE TABLE campaign (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    on_date     TEXT,
    description TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE campaign_member (
    campaign_id  INTEGER NOT NULL REFERENCES campaign (id) ON DELETE RESTRICT,
    customer_id  INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    invited_at   TEXT NOT NULL,
    attended_at  TEXT,
    responded_at TEXT,
    PRIMARY KEY (campaign_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX campaign_member_by_customer ON campaign_member (customer_id, campaign_id);

-- Dated changes of tier, stage and owner: the basis of conversion, churn and pipeline reports.
CREATE TABLE customer_history (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    at          TEXT NOT NULL,
    by          TEXT NOT NULL,
    field       TEXT NOT NULL CHECK (field IN ('tier', 'stage', 'owner')),
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX customer_history_by_customer ON customer_history (customer_id, at);
CREATE INDEX customer_history_by_field    ON customer_history (field, at);

-- Snoozes of queue rows that are not to-dos (a cadence reminder, a birthday, a complaint clock).
CREATE TABLE queue_snooze (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    kind        TEXT NOT NULL,
    occasion    TEXT NOT NULL DEFAULT '',
    until       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (customer_id, kind, occasion)
);

CREATE TABLE import_batch (
    id         INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    by         TEXT NOT NULL,
    source     TEXT NOT NULL,
    added      INTEGER NOT NULL DEFAULT 0,
    updated    INTEGER NOT NULL DEFAULT 0,
    skipped    INTEGER NOT NULL DEFAULT 0,
    undone_at  TEXT
);

-- What an import did, so it can be undone: rows it added (before IS NULL) and the before-images
-- of rows it changed.
CREATE TABLE import_undo (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE,
    table_name  TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    customer_id INTEGER,
    before      TEXT
);
CREATE INDEX import_undo_by_batch    ON import_undo (batch_id);
CREATE INDEX import_undo_by_customer ON import_undo (customer_id);
