-- The loyalty programme (积分、优惠券、会员专属福利): a points ledger per customer and coupons.
-- A purchase earns points by the team's rules (one entry per purchase, kept in step with it), a
-- survey or a referral earns a bonus, and points are redeemed, adjusted with a reason, or expire.
CREATE TABLE points_entry (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    on_date     TEXT NOT NULL,
    points      INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('earn', 'bonus', 'redeem', 'adjust', 'expire')),
    reason      TEXT,
    purchase_id INTEGER REFERENCES purchase (id) ON DELETE CASCADE,
    survey_id   INTEGER REFERENCES survey (id) ON DELETE CASCADE,
    -- A referral bonus names the customer referred: one bonus per customer brought in.
    referred_id INTEGER REFERENCES customer (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX points_by_customer ON points_entry (customer_id, on_date);
CREATE INDEX points_by_date ON points_entry (on_date, kind);
CREATE UNIQUE INDEX points_of_purchase ON points_entry (purchase_id) WHERE purchase_id IS NOT NULL;
CREATE UNIQUE INDEX points_of_survey ON points_entry (survey_id) WHERE survey_id IS NOT NULL;
CREATE UNIQUE INDEX points_for_referral ON points_entry (referred_id) WHERE referred_id IS NOT NULL;

-- A coupon belongs to one customer (issuing to a segment gives each customer their own code);
-- it takes a value or a per cent off and is redeemed against one purchase within its dates.
CREATE TABLE coupon (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    customer_id  INTEGER NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    amount       INTEGER,
    percent      INTEGER CHECK (percent BETWEEN 1 AND 99),
    valid_from   TEXT NOT NULL,
    valid_until  TEXT,
    note         TEXT,
    purchase_id  INTEGER REFERENCES purchase (id) ON DELETE SET NULL,
    redeemed_on  TEXT,
    discount     INTEGER,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    CHECK ((amount IS NULL) <> (percent IS NULL)),
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);
CREATE INDEX coupon_by_customer ON coupon (customer_id, valid_until);
CREATE UNIQUE INDEX coupon_of_purchase ON coupon (purchase_id) WHERE purchase_id IS NOT NULL;
CREATE INDEX coupon_by_redeemed ON coupon (redeemed_on) WHERE redeemed_on IS NOT NULL;
