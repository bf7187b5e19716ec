-- The next working day's changes to the kept board, prepared the day before while the dashboard is idle,
-- so that the first look of the morning need not compute them (desktop.services.reminders.prepare_ahead):
-- the lines, on that day, of the cases whose reminders enter or leave their windows between the kept
-- board's day and that day. Derived data like reminder_board; used only if it rolls from the kept board's
-- day with the same rules and holidays, and every case changed since it was made is computed again.
CREATE TABLE reminder_board_ahead (
    case_id         INTEGER NOT NULL,
    rule_id         TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    case_number     TEXT NOT NULL,
    title           TEXT NOT NULL,
    event_date      TEXT NOT NULL,
    window_start    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    suggested_form  TEXT NOT NULL,
    suggested_form_title TEXT NOT NULL,
    provisional     INTEGER NOT NULL,
    advisory        INTEGER NOT NULL,
    handler         TEXT NOT NULL,
    party           TEXT NOT NULL,
    owed_fen        INTEGER NOT NULL,
    stage           TEXT NOT NULL,
    answerable      INTEGER NOT NULL,
    PRIMARY KEY (case_id, rule_id, due_date)
) WITHOUT ROWID;
CREATE TABLE reminder_board_ahead_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    day         TEXT NOT NULL,      -- the day the lines are for
    base_day    TEXT NOT NULL,      -- the kept board's day they roll from
    audit_id    INTEGER NOT NULL,   -- the last audit_log entry the lines reflect
    max_case_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,      -- rules, holiday table and engine version, as reminder_board_meta
    cases       TEXT NOT NULL       -- JSON list of the ids of the cases whose lines these are
);
