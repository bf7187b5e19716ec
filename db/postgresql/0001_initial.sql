-- PostgreSQL only, applied with db/0001_initial.sql in its transaction (SQLite: db/sqlite/0001_initial.sql).
--
-- Search over 案号, party names and 案由 (desktop/store/cases.py). pg_trgm's GIN index answers LIKE
-- '%…%' for 3+ characters (Chinese included: trigrams are taken by character under a UTF-8 ctype);
-- shorter queries read cases newest first and stop at the search limit, as on SQLite.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX cases_search ON cases
    USING gin ((case_number || ' ' || parties_text || ' ' || cause) gin_trgm_ops);

-- RAISE(ABORT, message) of SQLite's triggers: refuse the statement with the trigger's message.
CREATE FUNCTION td_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = TG_ARGV[0];
END;
$$;

-- SQLite's date(text, modifier…) as the store writes it ('+7 days', '-1 days', '+1 months'): dates are
-- TEXT 'YYYY-MM-DD' on both engines, and the reminder queries add days and months to them in SQL.
CREATE FUNCTION date(day TEXT, m1 TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char(CAST(day AS DATE) + CAST(m1 AS INTERVAL), 'YYYY-MM-DD');
CREATE FUNCTION date(day TEXT, m1 TEXT, m2 TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char(CAST(day AS DATE) + CAST(m1 AS INTERVAL) + CAST(m2 AS INTERVAL), 'YYYY-MM-DD');
