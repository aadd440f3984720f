-- The customer's industry (free text, as the team names it) and the article's 合作潜力: how much
-- more the account manager expects from the customer, 1–5, which the value score can weigh.
ALTER TABLE customer ADD COLUMN industry TEXT;
ALTER TABLE customer ADD COLUMN potential INTEGER CHECK (potential BETWEEN 1 AND 5);
CREATE INDEX customer_by_industry ON customer (industry COLLATE NOCASE) WHERE industry IS NOT NULL;
-- Books that kept the industry as a custom field (an import before this version made one from a
-- column headed 行业 or Industry) move it to the field, where the profile, the form and the export
-- show it; a customer's other custom fields stay.
UPDATE customer SET industry = trim(json_extract(custom_fields, '$."行业"')),
    custom_fields = json_remove(custom_fields, '$."行业"')
 WHERE industry IS NULL AND json_type(custom_fields, '$."行业"') = 'text';
UPDATE customer SET industry = trim(json_extract(custom_fields, '$."所属行业"')),
    custom_fields = json_remove(custom_fields, '$."所属行业"')
 WHERE industry IS NULL AND json_type(custom_fields, '$."所属行业"') = 'text';
UPDATE customer SET industry = trim(json_extract(custom_fields, '$.industry')),
    custom_fields = json_remove(custom_fields, '$.industry')
 WHERE industry IS NULL AND json_type(custom_fields, '$.industry') = 'text';
UPDATE customer SET industry = trim(json_extract(custom_fields, '$.Industry')),
    custom_fields = json_remove(custom_fields, '$.Industry')
 WHERE industry IS NULL AND json_type(custom_fields, '$.Industry') = 'text';
UPDATE customer SET industry = NULL WHERE industry = '';
