-- SQLite only, applied with db/0005_reminder_indexes.sql in its transaction (PostgreSQL: db/postgresql/0005_reminder_indexes.sql).
-- cases.last_contact_at kept by triggers whatever writes a contact.

CREATE TRIGGER contacts_last_ai AFTER INSERT ON contacts BEGIN
    UPDATE cases SET last_contact_at = new.at
    WHERE id = new.case_id AND (last_contact_at IS NULL OR last_contact_at < new.at);
END;
CREATE TRIGGER contacts_last_ad AFTER DELETE ON contacts BEGIN
    UPDATE cases SET last_contact_at = (SELECT max(at) FROM contacts WHERE case_id = old.case_id)
    WHERE id = old.case_id;
END;
CREATE TRIGGER contacts_last_au AFTER UPDATE OF case_id, at ON contacts BEGIN
    UPDATE cases SET last_contact_at = (SELECT max(t.at) FROM contacts t WHERE t.case_id = cases.id)
    WHERE id IN (old.case_id, new.case_id);
END;
