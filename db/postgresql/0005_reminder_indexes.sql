-- PostgreSQL only, applied with db/0005_reminder_indexes.sql in its transaction
-- (SQLite: db/sqlite/0005_reminder_indexes.sql). cases.last_contact_at kept whatever writes a contact.

CREATE FUNCTION td_contacts_last() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE cases SET last_contact_at = NEW.at
        WHERE id = NEW.case_id AND (last_contact_at IS NULL OR last_contact_at < NEW.at);
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE cases SET last_contact_at = (SELECT max(at) FROM contacts WHERE case_id = OLD.case_id)
        WHERE id = OLD.case_id;
        RETURN NULL;
    END IF;
    UPDATE cases SET last_contact_at = (SELECT max(t.at) FROM contacts t WHERE t.case_id = cases.id)
    WHERE id IN (OLD.case_id, NEW.case_id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER contacts_last_ai AFTER INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION td_contacts_last();
CREATE TRIGGER contacts_last_ad AFTER DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION td_contacts_last();
CREATE TRIGGER contacts_last_au AFTER UPDATE OF case_id, at ON contacts
    FOR EACH ROW EXECUTE FUNCTION td_contacts_last();
