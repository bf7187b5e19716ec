-- How many lines the kept board has for each due date and handler (desktop.store.reminders.write_board
-- keeps it with the board, in the same transaction): the dashboard's group counts are read from these few
-- hundred rows instead of counting the board's tens of thousands of lines at every look; lines hidden by a
-- stored state (done, or postponed to a later day) are taken off by joining the few stored states.
-- Derived data like reminder_board.
CREATE TABLE reminder_board_days (
    due_date    TEXT NOT NULL,
    handler     TEXT NOT NULL,
    lines       INTEGER NOT NULL,
    PRIMARY KEY (due_date, handler)
) WITHOUT ROWID;
INSERT INTO reminder_board_days (due_date, handler, lines)
    SELECT due_date, handler, count(*) FROM reminder_board GROUP BY due_date, handler;
