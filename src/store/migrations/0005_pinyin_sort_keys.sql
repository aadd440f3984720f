-- Sort keys spell Chinese names in pinyin (王 before 张). SQL cannot compute pinyin: the keys
-- are recomputed in Rust right after this step (migrate.rs, `after_step`). The index is rebuilt
-- here so it is compact afterwards.
REINDEX customer_by_sort_key;
