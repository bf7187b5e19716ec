-- The holiday table a kept board was built with (desktop.store.reminders.write_board, in the product's
-- own format): after a holiday change only the cases whose reminders may read a changed day are computed
-- again (desktop.core.reminders.table_looks), which needs the table before the change. NULL:
-- not known (a board kept before this version), so a holiday change builds the board from every case.
ALTER TABLE reminder_board_meta ADD COLUMN holidays TEXT;
