-- Surveys on a schedule: a resolved complaint asks for a satisfaction check-back by a date, and
-- the survey that answers it names the ticket.
ALTER TABLE ticket ADD COLUMN checkback_due TEXT;
ALTER TABLE survey ADD COLUMN ticket_id INTEGER REFERENCES ticket (id) ON DELETE RESTRICT;
CREATE INDEX survey_by_ticket ON survey (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX ticket_checkback ON ticket (checkback_due) WHERE checkback_due IS NOT NULL;
