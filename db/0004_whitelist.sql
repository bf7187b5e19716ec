-- 诚信履行名单 (white list): the review facts recorded per party, published batches with frozen
-- entries, withdrawals and the log of every print and export (desktop/core/whitelist.py).
-- The court's choice of conditions lives in the settings table under the key 'whitelist'.
-- Consent is recorded in the existing columns parties.publication_consent / consent_date.

-- A person's decision on a condition, one per party and condition (a re-check replaces it, audited):
-- the national check (全国无被执行案件: date and checker), or a condition the ledger cannot decide.
CREATE TABLE whitelist_checks (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
    condition   TEXT NOT NULL CHECK (condition IN ('全国无被执行案件', '自动履行', '债权人确认')),
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    checked_on  TEXT NOT NULL,
    checker     TEXT NOT NULL CHECK (length(trim(checker)) > 0),
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (party_id, condition)
);

-- Why a party gets no incentive (从化 阶段三, and a later default on a 信用承诺). An exclusion recorded
-- on one party row applies to every row with the same ID number / credit code.
CREATE TABLE whitelist_exclusions (
    id          INTEGER PRIMARY KEY,
    party_id    INTEGER NOT NULL REFERENCES parties(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL
                CHECK (kind IN ('转移、隐藏财产', '其他拒不执行行为', '移送拒执罪', '信用承诺违约')),
    since       TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX whitelist_exclusions_party ON whitelist_exclusions(party_id);

-- A published batch: 第N批 per court and year.
CREATE TABLE whitelist_batches (
    id           INTEGER PRIMARY KEY,
    court_code   TEXT NOT NULL,
    court_name   TEXT NOT NULL,
    year         INTEGER NOT NULL,
    number       INTEGER NOT NULL CHECK (number >= 1),
    published_on TEXT NOT NULL,
    approved_by  TEXT NOT NULL CHECK (length(trim(approved_by)) > 0),
    published_by TEXT NOT NULL,
    period_start TEXT,
    period_end   TEXT,
    status       TEXT NOT NULL DEFAULT '已发布' CHECK (status IN ('已发布', '已全部撤回')),
    created_at   TEXT NOT NULL,
    UNIQUE (court_code, year, number)
);

-- The entries as published: a snapshot (masked identifier only), never updated or deleted. party_id and
-- case_id are plain numbers, not foreign keys: deleting a case later must not touch a published list.
CREATE TABLE whitelist_entries (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES whitelist_batches(id),
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    kind          TEXT NOT NULL CHECK (kind IN ('自然人', '法人或其他组织')),
    name          TEXT NOT NULL CHECK (length(name) > 0),
    identifier    TEXT NOT NULL,
    performed_on  TEXT NOT NULL,
    court_name    TEXT NOT NULL,
    case_number   TEXT NOT NULL,
    consent_date  TEXT NOT NULL,
    party_id      INTEGER,
    case_id       INTEGER,
    UNIQUE (batch_id, seq)
);
CREATE INDEX whitelist_entries_party ON whitelist_entries(party_id);

-- An entry taken off the list: its own row, at most one per entry, itself never changed.
CREATE TABLE whitelist_withdrawals (
    id           INTEGER PRIMARY KEY,
    entry_id     INTEGER NOT NULL UNIQUE REFERENCES whitelist_entries(id),
    withdrawn_on TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    approved_by  TEXT NOT NULL CHECK (length(trim(approved_by)) > 0),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

-- Every print and export: what, to whom, when, by whom, and the file's sha256.
CREATE TABLE whitelist_exports (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES whitelist_batches(id),
    format      TEXT NOT NULL CHECK (format IN ('pdf', 'xlsx', 'csv')),
    agency      TEXT NOT NULL,              -- receiving agency, or '张贴公示' for the printed list
    file_name   TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    exported_at TEXT NOT NULL,
    exported_by TEXT NOT NULL
);
CREATE INDEX whitelist_exports_batch ON whitelist_exports(batch_id, id);

-- Candidates for a period are the cases with a payment in it: find those payments by date.
CREATE INDEX payments_paid_on ON payments(paid_on, case_id);
-- A debtor without an ID number or credit code is matched to other cases by exact name.
CREATE INDEX parties_debtor_name ON parties(name) WHERE role IN ('被告', '被申请人', '被执行人');
