-- The CHECK constraints that list three or more allowed values (`tier IN ('vip', 'regular',
-- 'potential')`) are written as comparisons instead (`tier = 'vip' OR tier = 'regular' OR …`).
-- The rule is the same; SQLite builds a temporary B-tree of an IN list for every row it checks,
-- which was a fifth of a 100,000-row import. The schema's text is changed in place by
-- `migrate::checks_without_lists` (no row is read or written): see there.
SELECT 1;
