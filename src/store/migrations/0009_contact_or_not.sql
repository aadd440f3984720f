-- A ticket's steps are written on the timeline, but answering a complaint in writing is not
-- necessarily talking to the customer: only interactions that were contact reset the cadence
-- ("last contact"). Everything logged before counts as contact, except the ticket steps kehu
-- itself wrote ("Responded to complaint #3: …").
ALTER TABLE interaction ADD COLUMN is_contact INTEGER NOT NULL DEFAULT 1 CHECK (is_contact IN (0, 1));
UPDATE interaction SET is_contact = 0
 WHERE kind = 'note' AND details IS NOT NULL
   AND (summary LIKE 'Responded to % #%' OR summary LIKE 'Resolved % #%' OR summary LIKE 'Closed % #%');
UPDATE customer SET last_contact_at =
    (SELECT max(at) FROM interaction i WHERE i.customer_id = customer.id AND i.is_contact = 1);
