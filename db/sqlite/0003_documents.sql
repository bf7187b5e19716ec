-- SQLite only, applied with db/0003_documents.sql in its transaction (PostgreSQL: db/postgresql/0003_documents.sql).

-- What was issued stays as issued: the register is append-only.
CREATE TRIGGER documents_immutable
BEFORE UPDATE OF form_id, series, court_code, doc_number, doc_year, doc_seq, title, case_number, party,
                 issued_on, issued_by, snapshot, snapshot_sha256, form_sha256, batch ON documents
BEGIN
    SELECT RAISE(ABORT, '已登记的文书不能修改');
END;
CREATE TRIGGER documents_undeletable
BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, '已登记的文书不能删除');
END;
