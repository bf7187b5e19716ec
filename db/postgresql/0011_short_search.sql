-- PostgreSQL only, applied with db/0011_short_search.sql in its transaction (SQLite: db/sqlite/0011_short_search.sql).
--
-- pg_trgm's index cannot answer LIKE '%张%' (no trigram in one or two characters). The characters of the
-- searched text as an array, under a GIN index: a short search asks for the cases holding all its
-- characters and keeps those LIKE confirms (desktop/store/cases.py, the same expression).
CREATE INDEX cases_search_chars ON cases
    USING gin (string_to_array(case_number || ' ' || parties_text || ' ' || cause, NULL));
