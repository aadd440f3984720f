-- Long-term cooperation agreements: a customer's agreement with its term, value and renewal
-- terms; the Today queue warns ahead of the end (the team's `agreement_warn_days`).
CREATE TABLE agreement (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    title       TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    amount      INTEGER NOT NULL DEFAULT 0,
    renewal     TEXT,
    notes       TEXT,
    ended_at    TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX agreement_by_customer ON agreement (customer_id, starts_on);
CREATE INDEX agreement_by_end ON agreement (ends_on) WHERE ended_at IS NULL;
