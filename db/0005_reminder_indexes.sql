-- Reminders at scale: what a day's board built from a million cases, and its display, read from indexes.
--
-- cases.last_contact_at: the newest contacts.at of the case, NULL when none (derived, kept by the triggers
-- below whatever writes a contact). Nearly every reminder rule leaves out a case that was contacted on or
-- after its event; over a million cases that question is asked of hundreds of thousands of open cases a
-- day, and answering it from the partial indexes alone (rather than probing contacts once a case) is
-- what lets the day's board be built from scratch in seconds.

ALTER TABLE cases ADD COLUMN last_contact_at TEXT;

UPDATE cases SET last_contact_at = m.at
FROM (SELECT case_id, max(at) AS at FROM contacts GROUP BY case_id) AS m
WHERE m.case_id = cases.id;

-- The partial indexes of 0002 again, carrying last_contact_at among the columns the exclusions test.
DROP INDEX reminders_open_deadline;
DROP INDEX reminders_open_next_due;
DROP INDEX reminders_open_effective;
DROP INDEX reminders_open_filing;
CREATE INDEX reminders_open_deadline
    ON cases(deadline, stage, public_notice, due_fen, paid_fen, handler_id, last_contact_at)
    WHERE status = '在办';
CREATE INDEX reminders_open_next_due
    ON cases(next_due_date, stage, public_notice, due_fen, paid_fen, handler_id, last_contact_at)
    WHERE status = '在办';
CREATE INDEX reminders_open_effective
    ON cases(effective_date, filing_date, stage, public_notice, due_fen, paid_fen, handler_id,
             last_contact_at)
    WHERE status = '在办';
CREATE INDEX reminders_open_filing
    ON cases(filing_date, effective_date, stage, public_notice, due_fen, paid_fen, handler_id, cn_local,
             cn_type_code, last_contact_at)
    WHERE status = '在办';
-- Open cases by stage: the rules counting from a dated event (执前督促, the notices, 信用承诺) apply to one
-- stage and are driven from its open cases, which are far fewer than such events over the years.
CREATE INDEX reminders_open_stage
    ON cases(stage, id, public_notice, due_fen, paid_fen, handler_id, last_contact_at)
    WHERE status = '在办';

-- The kept board in display order (desktop.store.reminders.read_board): read without sorting it first.
CREATE INDEX reminder_board_order ON reminder_board(due_date, case_number, rule_id, handler);
