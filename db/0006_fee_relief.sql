-- 诉讼费减免: the register of applications to reduce or waive the acceptance fee after automatic
-- performance, and the court's decisions (DOMAIN.md §4: the product records the application, the
-- decision, the amount and its basis; it never decides a reduction itself). desktop/core/fee_relief.py
-- holds the rules; the 统计 page sums the amounts granted.

CREATE TABLE fee_reliefs (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    applicant    TEXT NOT NULL CHECK (length(trim(applicant)) > 0),
    applied_on   TEXT NOT NULL,
    fee_fen      INTEGER NOT NULL CHECK (fee_fen > 0),         -- the fee the application is about
    outcome      TEXT NOT NULL DEFAULT '待决定' CHECK (outcome IN ('待决定', '准予减免', '不予减免')),
    decided_on   TEXT,
    relieved_fen INTEGER NOT NULL DEFAULT 0 CHECK (relieved_fen >= 0 AND relieved_fen <= fee_fen),
    basis        TEXT NOT NULL DEFAULT '',                      -- the article relied on, or why refused
    decided_by   TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    CHECK ((outcome = '待决定') = (decided_on IS NULL)),
    CHECK (outcome = '准予减免' OR relieved_fen = 0)
);
CREATE INDEX fee_reliefs_case ON fee_reliefs(case_id, id);
CREATE INDEX fee_reliefs_decided ON fee_reliefs(decided_on) WHERE outcome = '准予减免';
