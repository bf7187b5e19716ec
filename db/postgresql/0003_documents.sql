-- PostgreSQL only, applied with db/0003_documents.sql in its transaction (SQLite: db/sqlite/0003_documents.sql).

-- What was issued stays as issued: the register is append-only.
CREATE TRIGGER documents_immutable
BEFORE UPDATE OF form_id, series, court_code, doc_number, doc_year, doc_seq, title, case_number, party,
                 issued_on, issued_by, snapshot, snapshot_sha256, form_sha256, batch ON documents
FOR EACH ROW EXECUTE FUNCTION td_refuse('已登记的文书不能修改');
CREATE TRIGGER documents_undeletable
BEFORE DELETE ON documents
FOR EACH ROW EXECUTE FUNCTION td_refuse('已登记的文书不能删除');
