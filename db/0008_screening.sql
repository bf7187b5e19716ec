-- 审破衔接 screening (房县方案十, 佳木斯意见九（一）): the facts the ledger did not carry.
-- enforcement_terminations: an enforcement case closed by 终结本次执行程序 (ground (二): the enterprise is
--   被执行人 in another case ended for want of means to perform).
-- screening_grounds: ground (四), other grounds entered by a judge with a reason, per enterprise
--   (keyed 'uscc:<统一社会信用代码>', else 'name:<名称>', as desktop/core/screening.py builds it).
-- Registered capital and licence status stay on parties (0001). desktop/core/screening.py holds the rules.

CREATE TABLE enforcement_terminations (
    case_id       INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    terminated_on TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);

CREATE TABLE screening_grounds (
    id             INTEGER PRIMARY KEY,
    enterprise_key TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    entered_by     TEXT NOT NULL,
    entered_on     TEXT NOT NULL
);

CREATE INDEX parties_licence ON parties(licence_status);
