-- Complaint routing: how a ticket came in, who has it and which department; handing it over is
-- written on its trail (the timeline) and in the change log.
ALTER TABLE ticket ADD COLUMN channel TEXT;
ALTER TABLE ticket ADD COLUMN assignee TEXT;
ALTER TABLE ticket ADD COLUMN department TEXT;
CREATE INDEX ticket_by_assignee ON ticket (assignee) WHERE assignee IS NOT NULL;
