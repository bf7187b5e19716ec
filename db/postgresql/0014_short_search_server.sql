-- PostgreSQL only, applied with db/0014_short_search_server.sql in its transaction.
--
-- cases_search_chars: the characters of 案号, parties and 案由 (the text the trigram index cases_search
-- holds) as an array, in a GIN index. A one-character search is `@> ARRAY[c]`, exact; a two-character one
-- `@> ARRAY[a, b]` with LIKE keeping the cases where they are adjacent. ANALYZE gives the planner, and the
-- store's choice, the share of cases each common character is in (pg_stats.most_common_elems).
CREATE INDEX cases_search_chars ON cases
    USING gin (regexp_split_to_array(case_number || ' ' || parties_text || ' ' || cause, ''));
ANALYZE cases;
