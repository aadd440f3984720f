-- SQLite's functions as kehu's SQL uses them, for a book on PostgreSQL. They live in the book's
-- schema, which the connection searches before pg_catalog (`SET search_path = kehu, pg_catalog`),
-- so `substr(x, -8)` here takes the last eight characters as SQLite does rather than the whole
-- string. Simple SQL functions marked IMMUTABLE are inlined by the planner and may be indexed.
-- Run again (CREATE OR REPLACE) by every upgrade, so a fix here reaches old books.

-- Days since noon of 24 November 4714 BC, of an ISO stamp or date (the session is in UTC).
CREATE OR REPLACE FUNCTION julianday(t text) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT extract(epoch FROM t::timestamptz)::double precision / 86400.0 + 2440587.5 $$;

-- `datetime(stamp, '+480 minutes')`: 'YYYY-MM-DD HH:MM:SS' in UTC.
CREATE OR REPLACE FUNCTION datetime(t text, modifier text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char((t::timestamptz + modifier::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') $$;

CREATE OR REPLACE FUNCTION datetime(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char(t::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') $$;

-- `date(stamp)`: its UTC day.
CREATE OR REPLACE FUNCTION date(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char(t::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;

-- A negative start counts from the end, as in SQLite.
CREATE OR REPLACE FUNCTION substr(s text, start integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN start < 0 THEN pg_catalog.right(s, -start)
                WHEN start = 0 THEN s
                ELSE pg_catalog.substr(s, start) END $$;

CREATE OR REPLACE FUNCTION substr(s text, start bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT kehu.substr(s, start::integer) $$;

-- The formats kehu's SQL uses: %d, %0Nd, %.Nf.
CREATE OR REPLACE FUNCTION printf(fmt text, x double precision) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE
        WHEN x IS NULL THEN NULL
        WHEN fmt = '%d' THEN trunc(x)::bigint::text
        WHEN fmt ~ '^%0[0-9]+d$' THEN
            CASE WHEN length(trunc(x)::bigint::text) >= pg_catalog.substr(fmt, 3, length(fmt) - 3)::int
                 THEN trunc(x)::bigint::text
                 ELSE lpad(trunc(x)::bigint::text, pg_catalog.substr(fmt, 3, length(fmt) - 3)::int, '0') END
        WHEN fmt ~ '^%\.[0-9]+f$' THEN
            round(x::numeric, pg_catalog.substr(fmt, 3, length(fmt) - 3)::int)::text
        ELSE fmt END $$;

-- SQLite's two-argument max and min: NULL when either is (GREATEST and LEAST skip NULLs).
CREATE OR REPLACE FUNCTION max(a anycompatible, b anycompatible) RETURNS anycompatible
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a >= b THEN a ELSE b END $$;

CREATE OR REPLACE FUNCTION min(a anycompatible, b anycompatible) RETURNS anycompatible
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a <= b THEN a ELSE b END $$;

CREATE OR REPLACE FUNCTION max(a anycompatible, b anycompatible, c anycompatible) RETURNS anycompatible
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT kehu.max(kehu.max(a, b), c) $$;

CREATE OR REPLACE FUNCTION min(a anycompatible, b anycompatible, c anycompatible) RETURNS anycompatible
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT kehu.min(kehu.min(a, b), c) $$;

CREATE OR REPLACE FUNCTION round(x double precision, places integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT pg_catalog.round(x::numeric, places)::double precision $$;

CREATE OR REPLACE FUNCTION json_valid(t text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    PERFORM t::json;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END $$;

-- `group_concat(x, separator)`.
CREATE OR REPLACE FUNCTION group_concat_step(acc text, x text, sep text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x ELSE acc || sep || x END $$;

CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = group_concat_step, STYPE = text);

-- `json_each(?1)` over a JSON array of ids (the only way kehu's SQL calls it): its elements.
CREATE OR REPLACE FUNCTION json_each(t text) RETURNS TABLE (key bigint, value bigint)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT e.n - 1, e.v::bigint FROM json_array_elements_text(t::json) WITH ORDINALITY AS e(v, n) $$;

-- `sum(tier = 'vip')`: SQLite's comparisons are integers, so its sums count them.
CREATE OR REPLACE FUNCTION sum_true_step(acc bigint, x boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN x IS NULL THEN acc ELSE coalesce(acc, 0) + x::int END $$;

CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = sum_true_step, STYPE = bigint);

-- `pragma_table_info('customer')`: a table's columns in order (the export and import read them).
CREATE OR REPLACE FUNCTION pragma_table_info(t text) RETURNS TABLE (cid bigint, name text)
    LANGUAGE sql STABLE
    AS $$ SELECT ordinal_position - 1, column_name::text FROM information_schema.columns
          WHERE table_schema = 'kehu' AND table_name = t ORDER BY ordinal_position $$;
