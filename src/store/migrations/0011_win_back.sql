-- Win-back: why a customer left, when, and which contacts were attempts to bring them back.
-- A churned customer's reason (a word from the team's `churn_reasons` setting) and note, and the
-- moment they churned, live on the customer while they are churned; the history row of the stage
-- change keeps the reason for the report's churn by reason, whatever happens later.
ALTER TABLE customer ADD COLUMN churn_reason TEXT;
ALTER TABLE customer ADD COLUMN churn_note TEXT;
ALTER TABLE customer ADD COLUMN churned_at TEXT;
ALTER TABLE customer_history ADD COLUMN note TEXT;
-- An interaction logged with a customer who was churned at the time is a win-back attempt.
ALTER TABLE interaction ADD COLUMN win_back INTEGER NOT NULL DEFAULT 0 CHECK (win_back IN (0, 1));
UPDATE customer SET churned_at =
    (SELECT max(h.at) FROM customer_history h
      WHERE h.customer_id = customer.id AND h.field = 'stage' AND h.new_value = 'churned')
 WHERE stage = 'churned';
UPDATE customer SET churned_at = updated_at WHERE stage = 'churned' AND churned_at IS NULL;
UPDATE interaction SET win_back = 1
 WHERE is_contact = 1 AND EXISTS (
     SELECT 1 FROM customer c WHERE c.id = interaction.customer_id AND c.stage = 'churned'
        AND c.churned_at <= interaction.at);
