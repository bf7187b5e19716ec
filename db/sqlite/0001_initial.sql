-- SQLite only, applied with db/0001_initial.sql in its transaction (PostgreSQL: db/postgresql/0001_initial.sql).

-- Search over 案号, party names and 案由. Trigram finds Chinese substrings of 3+ characters;
-- shorter queries fall back to LIKE on cases.case_number / cases.parties_text.
CREATE VIRTUAL TABLE case_search USING fts5(
    case_number, parties_text, cause,
    content='cases', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER cases_search_ai AFTER INSERT ON cases BEGIN
    INSERT INTO case_search(rowid, case_number, parties_text, cause)
    VALUES (new.id, new.case_number, new.parties_text, new.cause);
END;
CREATE TRIGGER cases_search_ad AFTER DELETE ON cases BEGIN
    INSERT INTO case_search(case_search, rowid, case_number, parties_text, cause)
    VALUES ('delete', old.id, old.case_number, old.parties_text, old.cause);
END;
CREATE TRIGGER cases_search_au AFTER UPDATE OF case_number, parties_text, cause ON cases BEGIN
    INSERT INTO case_search(case_search, rowid, case_number, parties_text, cause)
    VALUES ('delete', old.id, old.case_number, old.parties_text, old.cause);
    INSERT INTO case_search(rowid, case_number, parties_text, cause)
    VALUES (new.id, new.case_number, new.parties_text, new.cause);
END;
