-- kehu schema, step 4: match phone numbers written with and without a country code
-- (+86 138 0013 8000 and 138 0013 8000) by their last eight digits, through an index.
CREATE INDEX customer_by_phone_tail ON customer (substr(phone_norm, -8)) WHERE phone_norm IS NOT NULL;
