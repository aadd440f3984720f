-- A new book on PostgreSQL: the schema of SQLite migration 22, whole (a server book starts at
-- the newest schema; every later migration has one number for both, with a file here where
-- PostgreSQL needs other SQL). Text columns compare byte by byte (COLLATE "C"), as on SQLite,
-- whatever the database's locale: keyset paging and sorted lists depend on it. Generated from a
-- fresh SQLite book, then the triggers written by hand.

-- Who has the book open: a heartbeat every few seconds, stamped by the server's clock
-- (written outside the change log: it is not part of the book).
CREATE TABLE presence (
    host      TEXT COLLATE "C" NOT NULL,
    pid       BIGINT NOT NULL,
    user_name TEXT COLLATE "C" NOT NULL,
    seen_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (host, pid)
);

-- Each table's last id handed out, as SQLite's sqlite_sequence keeps it: in the transaction, so
-- a write rolled back gives its ids back (a PostgreSQL sequence would skip them), and an id is
-- never handed out twice. Writes queue on kehu's advisory lock, so the counter row is never
-- contended. The last id drawn is kept for the transaction (`last_insert_rowid`).
CREATE TABLE id_sequence (
    name TEXT COLLATE "C" PRIMARY KEY,
    seq  BIGINT NOT NULL
);

CREATE FUNCTION next_id(t text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    INSERT INTO kehu.id_sequence AS s (name, seq) VALUES (t, 1)
        ON CONFLICT (name) DO UPDATE SET seq = s.seq + 1
        RETURNING s.seq INTO n;
    PERFORM set_config('kehu.last_id', n::text, true);
    RETURN n;
END $$;

CREATE TABLE meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE setting (
    key        TEXT COLLATE "C" PRIMARY KEY,
    value      TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE campaign (
    id          BIGINT PRIMARY KEY DEFAULT next_id('campaign'),
    name        TEXT COLLATE "C" NOT NULL,
    on_date     TEXT COLLATE "C",
    description TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE change_log (
    id          BIGINT PRIMARY KEY DEFAULT next_id('change_log'),
    at          TEXT COLLATE "C" NOT NULL,
    by          TEXT COLLATE "C" NOT NULL,
    table_name  TEXT COLLATE "C" NOT NULL,
    row_id      BIGINT NOT NULL,
    customer_id BIGINT,
    action      TEXT COLLATE "C" NOT NULL CHECK (action = 'insert' OR action = 'update' OR action = 'delete' OR action = 'erase' OR action = 'merge' OR action = 'migrate'),
    before      TEXT COLLATE "C",
    after       TEXT COLLATE "C"
, change_id BIGINT, undoes BIGINT);

CREATE TABLE customer (
    id              BIGINT PRIMARY KEY DEFAULT next_id('customer'),
    name            TEXT COLLATE "C" NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sort_key        TEXT COLLATE "C" NOT NULL,
    company         TEXT COLLATE "C",
    kind            TEXT COLLATE "C" NOT NULL DEFAULT 'b2c' CHECK (kind IN ('b2b', 'b2c')),
    tier            TEXT COLLATE "C" NOT NULL DEFAULT 'regular' CHECK (tier = 'vip' OR tier = 'regular' OR tier = 'potential'),
    stage           TEXT COLLATE "C" NOT NULL DEFAULT 'lead' CHECK (stage = 'lead' OR stage = 'prospect' OR stage = 'customer' OR stage = 'churned'),
    email           TEXT COLLATE "C",
    email_norm      TEXT COLLATE "C",
    phone           TEXT COLLATE "C",
    phone_norm      TEXT COLLATE "C",
    city            TEXT COLLATE "C",
    address         TEXT COLLATE "C",
    owner           TEXT COLLATE "C",
    channel         TEXT COLLATE "C" CHECK (channel = 'phone' OR channel = 'email' OR channel = 'wechat' OR channel = 'sms' OR channel = 'visit' OR channel = 'meeting'),
    cadence_days    BIGINT CHECK (cadence_days > 0),
    birthday        TEXT COLLATE "C",
    source          TEXT COLLATE "C",
    needs           TEXT COLLATE "C",
    service_needs   TEXT COLLATE "C",
    custom_fields   TEXT COLLATE "C" NOT NULL DEFAULT '{}' CHECK (json_valid(custom_fields)),
    pool_locked     BIGINT NOT NULL DEFAULT 0 CHECK (pool_locked IN (0, 1)),
    archived_at     TEXT COLLATE "C",
    -- Cached derived values, kept in step with their sources in the same transaction.
    last_contact_at TEXT COLLATE "C",
    next_due        TEXT COLLATE "C",
    purchase_total  BIGINT NOT NULL DEFAULT 0,
    purchase_count  BIGINT NOT NULL DEFAULT 0,
    last_purchase_on TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    created_by      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    updated_by      TEXT COLLATE "C" NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
, value_r BIGINT NOT NULL DEFAULT 0, value_f BIGINT NOT NULL DEFAULT 0, value_m BIGINT NOT NULL DEFAULT 0, value_score BIGINT NOT NULL DEFAULT 0, churn_reason TEXT COLLATE "C", churn_note TEXT COLLATE "C", churned_at TEXT COLLATE "C", industry TEXT COLLATE "C", potential BIGINT CHECK (potential BETWEEN 1 AND 5));

CREATE TABLE customer_history (
    id          BIGINT PRIMARY KEY DEFAULT next_id('customer_history'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    at          TEXT COLLATE "C" NOT NULL,
    by          TEXT COLLATE "C" NOT NULL,
    field       TEXT COLLATE "C" NOT NULL CHECK (field = 'tier' OR field = 'stage' OR field = 'owner'),
    old_value   TEXT COLLATE "C",
    new_value   TEXT COLLATE "C"
, note TEXT COLLATE "C");

CREATE TABLE deal (
    id             BIGINT PRIMARY KEY DEFAULT next_id('deal'),
    customer_id    BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    title          TEXT COLLATE "C" NOT NULL,
    amount         BIGINT NOT NULL DEFAULT 0,
    stage          TEXT COLLATE "C" NOT NULL DEFAULT 'qualified'
                   CHECK (stage = 'qualified' OR stage = 'needs_analysis' OR stage = 'proposal' OR stage = 'negotiation' OR stage = 'won' OR stage = 'lost'),
    expected_close TEXT COLLATE "C",
    lost_reason    TEXT COLLATE "C",
    closed_at      TEXT COLLATE "C",
    created_at     TEXT COLLATE "C" NOT NULL,
    created_by     TEXT COLLATE "C" NOT NULL,
    updated_at     TEXT COLLATE "C" NOT NULL,
    updated_by     TEXT COLLATE "C" NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    CHECK (stage <> 'lost' OR lost_reason IS NOT NULL)
);

CREATE TABLE import_batch (
    id         BIGINT PRIMARY KEY DEFAULT next_id('import_batch'),
    started_at TEXT COLLATE "C" NOT NULL,
    by         TEXT COLLATE "C" NOT NULL,
    source     TEXT COLLATE "C" NOT NULL,
    added      BIGINT NOT NULL DEFAULT 0,
    updated    BIGINT NOT NULL DEFAULT 0,
    skipped    BIGINT NOT NULL DEFAULT 0,
    undone_at  TEXT COLLATE "C"
);

CREATE TABLE import_undo (
    id          BIGINT PRIMARY KEY DEFAULT next_id('import_undo'),
    batch_id    BIGINT NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE DEFERRABLE,
    table_name  TEXT COLLATE "C" NOT NULL,
    row_id      BIGINT NOT NULL,
    customer_id BIGINT,
    before      TEXT COLLATE "C"
, through_id BIGINT);

CREATE TABLE interaction (
    id          BIGINT PRIMARY KEY DEFAULT next_id('interaction'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    at          TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind = 'call' OR kind = 'email' OR kind = 'meeting' OR kind = 'visit' OR kind = 'message' OR kind = 'note'),
    summary     TEXT COLLATE "C" NOT NULL,
    details     TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
, is_contact BIGINT NOT NULL DEFAULT 1 CHECK (is_contact IN (0, 1)), win_back BIGINT NOT NULL DEFAULT 0 CHECK (win_back IN (0, 1)));

CREATE TABLE purchase (
    id          BIGINT PRIMARY KEY DEFAULT next_id('purchase'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    on_date     TEXT COLLATE "C" NOT NULL,
    product     TEXT COLLATE "C",
    amount      BIGINT NOT NULL,
    note        TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE queue_snooze (
    id          BIGINT PRIMARY KEY DEFAULT next_id('queue_snooze'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    kind        TEXT COLLATE "C" NOT NULL,
    occasion    TEXT COLLATE "C" NOT NULL DEFAULT '',
    until       TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    UNIQUE (customer_id, kind, occasion)
);

CREATE TABLE tag (
    id   BIGINT PRIMARY KEY DEFAULT next_id('tag'),
    name TEXT COLLATE "C" NOT NULL
);

CREATE TABLE ticket (
    id                BIGINT PRIMARY KEY DEFAULT next_id('ticket'),
    customer_id       BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    kind              TEXT COLLATE "C" NOT NULL DEFAULT 'complaint' CHECK (kind = 'complaint' OR kind = 'inquiry' OR kind = 'after_sales'),
    severity          TEXT COLLATE "C" NOT NULL DEFAULT 'normal' CHECK (severity = 'low' OR severity = 'normal' OR severity = 'high' OR severity = 'critical'),
    summary           TEXT COLLATE "C" NOT NULL,
    status            TEXT COLLATE "C" NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'responded' OR status = 'resolved' OR status = 'closed'),
    opened_at         TEXT COLLATE "C" NOT NULL,
    first_response_at TEXT COLLATE "C",
    resolved_at       TEXT COLLATE "C",
    closed_at         TEXT COLLATE "C",
    created_at        TEXT COLLATE "C" NOT NULL,
    created_by        TEXT COLLATE "C" NOT NULL,
    updated_at        TEXT COLLATE "C" NOT NULL,
    updated_by        TEXT COLLATE "C" NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1
, checkback_due TEXT COLLATE "C", channel TEXT COLLATE "C", assignee TEXT COLLATE "C", department TEXT COLLATE "C");

CREATE TABLE todo (
    id            BIGINT PRIMARY KEY DEFAULT next_id('todo'),
    customer_id   BIGINT REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    title         TEXT COLLATE "C" NOT NULL,
    due           TEXT COLLATE "C",
    due_time      TEXT COLLATE "C",
    priority      TEXT COLLATE "C" NOT NULL DEFAULT 'normal' CHECK (priority = 'low' OR priority = 'normal' OR priority = 'high'),
    status        TEXT COLLATE "C" NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'done' OR status = 'cancelled'),
    assignee      TEXT COLLATE "C",
    every_n       BIGINT CHECK (every_n > 0),
    every_unit    TEXT COLLATE "C" CHECK (every_unit = 'd' OR every_unit = 'w' OR every_unit = 'm'),
    done_at       TEXT COLLATE "C",
    -- The to-do whose completion created this one: unique, so a recurring to-do completed twice
    -- at once can never spawn two follow-ups.
    spawned_from  BIGINT UNIQUE REFERENCES todo (id) ON DELETE SET NULL DEFERRABLE,
    created_at    TEXT COLLATE "C" NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL,
    updated_by    TEXT COLLATE "C" NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1, occasion TEXT COLLATE "C",
    CHECK ((every_n IS NULL) = (every_unit IS NULL))
);

CREATE TABLE agreement (
    id          BIGINT PRIMARY KEY DEFAULT next_id('agreement'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    title       TEXT COLLATE "C" NOT NULL,
    starts_on   TEXT COLLATE "C" NOT NULL,
    ends_on     TEXT COLLATE "C",
    amount      BIGINT NOT NULL DEFAULT 0,
    renewal     TEXT COLLATE "C",
    notes       TEXT COLLATE "C",
    ended_at    TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);

CREATE TABLE product (
    id          BIGINT PRIMARY KEY DEFAULT next_id('product'),
    name        TEXT COLLATE "C" NOT NULL,
    category    TEXT COLLATE "C",
    price       BIGINT,
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE coupon (
    id           BIGINT PRIMARY KEY DEFAULT next_id('coupon'),
    code         TEXT COLLATE "C" NOT NULL,
    customer_id  BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    amount       BIGINT,
    percent      BIGINT CHECK (percent BETWEEN 1 AND 99),
    valid_from   TEXT COLLATE "C" NOT NULL,
    valid_until  TEXT COLLATE "C",
    note         TEXT COLLATE "C",
    purchase_id  BIGINT REFERENCES purchase (id) ON DELETE SET NULL DEFERRABLE,
    redeemed_on  TEXT COLLATE "C",
    discount     BIGINT,
    created_at   TEXT COLLATE "C" NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL,
    updated_by   TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    CHECK ((amount IS NULL) <> (percent IS NULL)),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

CREATE TABLE search_entry (
    customer_id  BIGINT PRIMARY KEY,
    -- Every character of the parts below (`search::Keys::mask`), as a 64-bit set: a first sieve.
    mask         BIGINT NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    rest         TEXT COLLATE "C" NOT NULL,
    phones       TEXT COLLATE "C" NOT NULL,
    pinyin       TEXT COLLATE "C" NOT NULL,
    other_pinyin TEXT COLLATE "C" NOT NULL
);

CREATE TABLE search_stale (
    customer_id BIGINT PRIMARY KEY
);

CREATE TABLE customer_tag (
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    tag_id      BIGINT NOT NULL REFERENCES tag (id) ON DELETE CASCADE DEFERRABLE,
    PRIMARY KEY (customer_id, tag_id)
);

CREATE TABLE campaign_member (
    campaign_id  BIGINT NOT NULL REFERENCES campaign (id) ON DELETE RESTRICT DEFERRABLE,
    customer_id  BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    invited_at   TEXT COLLATE "C" NOT NULL,
    attended_at  TEXT COLLATE "C",
    responded_at TEXT COLLATE "C",
    PRIMARY KEY (campaign_id, customer_id)
);

CREATE TABLE contact_person (
    id          BIGINT PRIMARY KEY DEFAULT next_id('contact_person'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    name        TEXT COLLATE "C" NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title       TEXT COLLATE "C",
    phone       TEXT COLLATE "C",
    phone_norm  TEXT COLLATE "C",
    email       TEXT COLLATE "C",
    email_norm  TEXT COLLATE "C",
    is_primary  BIGINT NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE survey (
    id          BIGINT PRIMARY KEY DEFAULT next_id('survey'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    on_date     TEXT COLLATE "C" NOT NULL,
    quality     BIGINT NOT NULL CHECK (quality BETWEEN 1 AND 5),
    attitude    BIGINT NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    speed       BIGINT NOT NULL CHECK (speed BETWEEN 1 AND 5),
    comment     TEXT COLLATE "C",
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
, ticket_id BIGINT REFERENCES ticket (id) ON DELETE RESTRICT DEFERRABLE);

CREATE TABLE points_entry (
    id          BIGINT PRIMARY KEY DEFAULT next_id('points_entry'),
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT DEFERRABLE,
    on_date     TEXT COLLATE "C" NOT NULL,
    points      BIGINT NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL CHECK (kind = 'earn' OR kind = 'bonus' OR kind = 'redeem' OR kind = 'adjust' OR kind = 'expire'),
    reason      TEXT COLLATE "C",
    purchase_id BIGINT REFERENCES purchase (id) ON DELETE CASCADE DEFERRABLE,
    survey_id   BIGINT REFERENCES survey (id) ON DELETE CASCADE DEFERRABLE,
    -- A referral bonus names the customer referred: one bonus per customer brought in.
    referred_id BIGINT REFERENCES customer (id) ON DELETE SET NULL DEFERRABLE,
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1
);

CREATE INDEX customer_tag_by_tag ON customer_tag (tag_id, customer_id);

CREATE INDEX campaign_member_by_customer ON campaign_member (customer_id, campaign_id);

CREATE INDEX change_log_by_customer ON change_log (customer_id, id);

CREATE INDEX change_log_by_row      ON change_log (table_name, row_id, id);

CREATE INDEX contact_person_by_customer ON contact_person (customer_id, is_primary DESC, id);

CREATE INDEX contact_person_by_phone    ON contact_person (phone_norm) WHERE phone_norm IS NOT NULL;

CREATE INDEX contact_person_by_email    ON contact_person (email_norm) WHERE email_norm IS NOT NULL;

CREATE INDEX customer_by_sort_key     ON customer (sort_key, id);

CREATE INDEX customer_by_last_contact ON customer (coalesce(last_contact_at, ''), id);

CREATE INDEX customer_by_next_due     ON customer (coalesce(next_due, '9999-12-31'), id);

CREATE INDEX customer_by_owner        ON customer (owner, sort_key, id);

CREATE INDEX customer_by_email        ON customer (email_norm) WHERE email_norm IS NOT NULL;

CREATE INDEX customer_by_phone        ON customer (phone_norm) WHERE phone_norm IS NOT NULL;

CREATE INDEX customer_by_value ON customer (printf('%02d', 15 - value_score), id);

CREATE INDEX customer_by_phone_tail ON customer (substr(phone_norm, -8)) WHERE phone_norm IS NOT NULL;

CREATE INDEX customer_history_by_customer ON customer_history (customer_id, at);

CREATE INDEX customer_history_by_field    ON customer_history (field, at);

CREATE INDEX deal_by_customer ON deal (customer_id, id);

CREATE INDEX deal_by_stage    ON deal (stage, expected_close);

CREATE INDEX import_undo_by_batch    ON import_undo (batch_id);

CREATE INDEX import_undo_by_customer ON import_undo (customer_id);

CREATE INDEX interaction_timeline ON interaction (customer_id, at DESC, id DESC);

CREATE INDEX interaction_by_time  ON interaction (at);

CREATE INDEX survey_by_customer ON survey (customer_id, on_date DESC);

CREATE INDEX survey_by_date     ON survey (on_date);

CREATE INDEX ticket_by_customer ON ticket (customer_id, opened_at DESC);

CREATE INDEX ticket_by_status   ON ticket (status, opened_at);

CREATE INDEX todo_open_by_due    ON todo (coalesce(due, '9999-12-31'), id) WHERE status = 'open';

CREATE INDEX todo_by_customer    ON todo (customer_id, status, due);

CREATE UNIQUE INDEX todo_once_per_occasion ON todo (customer_id, occasion) WHERE occasion IS NOT NULL;

CREATE INDEX customer_history_by_customer_field ON customer_history (customer_id, field, at);

CREATE INDEX purchase_by_customer ON purchase (customer_id, on_date DESC, id DESC, amount);

CREATE INDEX customer_by_birthday_day ON customer (substr(birthday, 6, 5)) WHERE birthday IS NOT NULL;

CREATE INDEX purchase_by_date ON purchase (on_date, customer_id, amount);

CREATE INDEX survey_by_ticket ON survey (ticket_id) WHERE ticket_id IS NOT NULL;

CREATE INDEX ticket_checkback ON ticket (checkback_due) WHERE checkback_due IS NOT NULL;

CREATE INDEX ticket_by_assignee ON ticket (assignee) WHERE assignee IS NOT NULL;

CREATE INDEX agreement_by_customer ON agreement (customer_id, starts_on);

CREATE INDEX agreement_by_end ON agreement (ends_on) WHERE ended_at IS NULL;

CREATE INDEX purchase_by_product ON purchase (lower(product), on_date);

CREATE INDEX customer_by_industry ON customer (lower(industry)) WHERE industry IS NOT NULL;

CREATE INDEX points_by_customer ON points_entry (customer_id, on_date);

CREATE INDEX points_by_date ON points_entry (on_date, kind);

CREATE UNIQUE INDEX points_of_purchase ON points_entry (purchase_id) WHERE purchase_id IS NOT NULL;

CREATE UNIQUE INDEX points_of_survey ON points_entry (survey_id) WHERE survey_id IS NOT NULL;

CREATE UNIQUE INDEX points_for_referral ON points_entry (referred_id) WHERE referred_id IS NOT NULL;

CREATE INDEX coupon_by_customer ON coupon (customer_id, valid_until);

CREATE UNIQUE INDEX coupon_of_purchase ON coupon (purchase_id) WHERE purchase_id IS NOT NULL;

CREATE INDEX coupon_by_redeemed ON coupon (redeemed_on) WHERE redeemed_on IS NOT NULL;

CREATE INDEX change_log_by_change ON change_log (change_id) WHERE change_id IS NOT NULL;

CREATE INDEX change_log_by_undoes ON change_log (undoes) WHERE undoes IS NOT NULL;

CREATE INDEX interaction_win_back_by_time ON interaction (at) WHERE win_back = 1;

CREATE UNIQUE INDEX tag_name_nocase ON tag (lower(name));

CREATE UNIQUE INDEX product_name_nocase ON product (lower(name));

CREATE UNIQUE INDEX coupon_code_nocase ON coupon (lower(code));

-- The search keys of customers whose searchable text changed (migration 22's triggers).
CREATE FUNCTION mark_search_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tag' THEN
        INSERT INTO search_stale (customer_id)
            SELECT customer_id FROM customer_tag WHERE tag_id = NEW.id
            ON CONFLICT DO NOTHING;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND TG_TABLE_NAME <> 'customer' THEN
        INSERT INTO search_stale (customer_id) VALUES (OLD.customer_id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND TG_TABLE_NAME = 'customer' THEN
        INSERT INTO search_stale (customer_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    ELSIF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_stale (customer_id) VALUES (NEW.customer_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION forget_search_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_entry WHERE customer_id = OLD.id;
    DELETE FROM search_stale WHERE customer_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER search_stale_on_customer_insert AFTER INSERT ON customer
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_stale_on_customer_update AFTER UPDATE OF name, company, email, city, phone ON customer
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_entry_on_customer_delete AFTER DELETE ON customer
    FOR EACH ROW EXECUTE FUNCTION forget_search_entry();
CREATE TRIGGER search_stale_on_tagging AFTER INSERT ON customer_tag
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_stale_on_untagging AFTER DELETE ON customer_tag
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_stale_on_tag_rename AFTER UPDATE OF name ON tag
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_stale_on_contact_insert AFTER INSERT ON contact_person
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_stale_on_contact_update AFTER UPDATE OF customer_id, name, phone, email ON contact_person
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
CREATE TRIGGER search_stale_on_contact_delete AFTER DELETE ON contact_person
    FOR EACH ROW EXECUTE FUNCTION mark_search_stale();
