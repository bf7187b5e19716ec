-- SQLite only, applied with db/0011_short_search.sql in its transaction.
--
-- case_chars: an FTS5 index of 案号, parties and 案由 one character per token (the text is written with a
-- space between characters), contentless (only the index is stored: about 180 MB for a million cases,
-- beside 210 MB of trigrams). A one-character search is a token, a two-character search a phrase of two
-- adjacent tokens. The tokenizer takes every character but spaces and control characters as a token,
-- unassigned ones (Cn: CJK extension characters newer than SQLite's Unicode tables) included, so no
-- character of a search text is dropped; it folds case as the trigram index does, and the store re-checks
-- each candidate with LIKE.
--
-- The spaced text: json_each over '[0,0,…,0]' (one element per character, from zeroblob) numbers the
-- characters without a recursive CTE, which a trigger may not use. The same expression in the triggers
-- and in desktop/services/demo.py (_CHARS_BATCH): a contentless table deletes a row by its old tokens.
CREATE VIRTUAL TABLE case_chars USING fts5(
    case_number, parties_text, cause,
    content='', columnsize=0,
    tokenize="unicode61 remove_diacritics 0 categories 'L* N* P* S* M* Co Cn Cs'"
);
INSERT INTO case_chars(case_chars, rank) VALUES ('hashsize', 67108864);
INSERT INTO case_chars(rowid, case_number, parties_text, cause)
SELECT id,
    (SELECT group_concat(substr(case_number, key + 1, 1), ' ')
     FROM json_each('[' || replace(hex(zeroblob(length(case_number))), '00', '0,') || '0]')),
    (SELECT group_concat(substr(parties_text, key + 1, 1), ' ')
     FROM json_each('[' || replace(hex(zeroblob(length(parties_text))), '00', '0,') || '0]')),
    (SELECT group_concat(substr(cause, key + 1, 1), ' ')
     FROM json_each('[' || replace(hex(zeroblob(length(cause))), '00', '0,') || '0]'))
FROM cases;
INSERT INTO case_chars(case_chars, rank) VALUES ('hashsize', 1048576);

CREATE TRIGGER cases_chars_ai AFTER INSERT ON cases BEGIN
    INSERT INTO case_chars(rowid, case_number, parties_text, cause) VALUES (new.id,
        (SELECT group_concat(substr(new.case_number, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(new.case_number))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(new.parties_text, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(new.parties_text))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(new.cause, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(new.cause))), '00', '0,') || '0]')));
END;
CREATE TRIGGER cases_chars_ad AFTER DELETE ON cases BEGIN
    INSERT INTO case_chars(case_chars, rowid, case_number, parties_text, cause) VALUES ('delete', old.id,
        (SELECT group_concat(substr(old.case_number, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(old.case_number))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(old.parties_text, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(old.parties_text))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(old.cause, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(old.cause))), '00', '0,') || '0]')));
END;
CREATE TRIGGER cases_chars_au AFTER UPDATE OF case_number, parties_text, cause ON cases BEGIN
    INSERT INTO case_chars(case_chars, rowid, case_number, parties_text, cause) VALUES ('delete', old.id,
        (SELECT group_concat(substr(old.case_number, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(old.case_number))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(old.parties_text, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(old.parties_text))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(old.cause, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(old.cause))), '00', '0,') || '0]')));
    INSERT INTO case_chars(rowid, case_number, parties_text, cause) VALUES (new.id,
        (SELECT group_concat(substr(new.case_number, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(new.case_number))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(new.parties_text, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(new.parties_text))), '00', '0,') || '0]')),
        (SELECT group_concat(substr(new.cause, key + 1, 1), ' ')
         FROM json_each('[' || replace(hex(zeroblob(length(new.cause))), '00', '0,') || '0]')));
END;
