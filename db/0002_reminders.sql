-- Reminders (督促看板): the dated facts reminder rules count from that the case record does not carry,
-- what staff did with each reminder, and the indexes that let the rules select their cases by date.
-- Rule settings live in the settings table under the key 'reminder_rules' (see desktop/core/reminders.py).

-- 执前督促 start, 预纳入失信 / 预罚款 / 拘留风险 notices and their 限期, 信用承诺 credit-repair periods,
-- 履行承诺 promises. end_date: the 限期 / promised date / period end (optional for 执前督促, whose end is
-- start + the rule's period under 民诉法 §85 unless given).
CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL
               CHECK (kind IN ('执前督促', '预纳入失信', '预罚款', '拘留风险', '信用承诺', '履行承诺')),
    start_date TEXT NOT NULL,
    end_date   TEXT CHECK (end_date IS NULL OR end_date >= start_date),
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id);
CREATE INDEX case_events_end ON case_events(kind, end_date);
CREATE INDEX case_events_start ON case_events(kind, start_date);

-- A reminder is (case, rule, due date). 'postponed' hides it until `until`; 'done' hides it for good.
-- A new cause (another installment, a changed deadline, a new notice) has another due date, so it shows.
CREATE TABLE reminder_state (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    rule_id  TEXT NOT NULL,
    due_date TEXT NOT NULL,
    state    TEXT NOT NULL CHECK (state IN ('postponed', 'done')),
    until    TEXT CHECK ((state = 'postponed') = (until IS NOT NULL)),
    reason   TEXT NOT NULL DEFAULT '',
    at       TEXT NOT NULL,
    by       TEXT NOT NULL,
    PRIMARY KEY (case_id, rule_id, due_date)
) WITHOUT ROWID;

-- Rules select their candidate cases by date ranges (desktop/store/reminders.py). The partial indexes hold
-- only open cases and carry the columns the exclusions test, so a rule's date window is answered from
-- the index alone, without reading a case row for every case in the window.
CREATE INDEX installments_due ON installments(due_date, obligation_id);
CREATE INDEX contacts_case_rule ON contacts(case_id, at, rule_id);
CREATE INDEX reminders_open_deadline
    ON cases(deadline, stage, public_notice, due_fen, paid_fen, handler_id) WHERE status = '在办';
CREATE INDEX reminders_open_next_due
    ON cases(next_due_date, stage, public_notice, due_fen, paid_fen, handler_id) WHERE status = '在办';
CREATE INDEX reminders_open_effective
    ON cases(effective_date, filing_date, stage, public_notice, due_fen, paid_fen, handler_id)
    WHERE status = '在办';
CREATE INDEX reminders_open_filing
    ON cases(filing_date, effective_date, stage, public_notice, due_fen, paid_fen, handler_id, cn_local,
             cn_type_code)
    WHERE status = '在办';

-- The day's board, kept so the dashboard opens at once on a large ledger. Derived data like cases.due_fen,
-- before stored states (reminder_state applies when it is read). Rebuilt when the rules, the holiday table
-- or the engine change (reminder_board_meta); otherwise brought up to date case by case: the cases the
-- audit log shows changed, and on another day the cases whose reminders enter or leave their windows.
CREATE TABLE reminder_board (
    case_id         INTEGER NOT NULL,
    rule_id         TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    case_number     TEXT NOT NULL,
    title           TEXT NOT NULL,
    event_date      TEXT NOT NULL,
    window_start    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    suggested_form  TEXT NOT NULL,   -- form id in forms/, '' when the product has none
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
CREATE TABLE reminder_board_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    day         TEXT NOT NULL,
    audit_id    INTEGER NOT NULL,   -- the last audit_log entry the board reflects
    max_case_id INTEGER NOT NULL,
    fingerprint TEXT NOT NULL       -- rules, holiday table and engine version the board was built with
);
