-- Tribunal Desk schema, version 1: the case ledger and everything the mechanism records.
--
-- Conventions
--   * money is INTEGER fen (分); dates are TEXT 'YYYY-MM-DD'; timestamps TEXT ISO 8601 with offset;
--   * enumerations store their Chinese label (the value of the StrEnum in desktop/core/model.py);
--   * cases.due_fen / paid_fen / next_due_date / parties_text are derived, written by the store in
--     the same transaction as the rows they summarise (so the ledger can sort and search a million
--     cases without joins).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
);

CREATE TABLE handlers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    department TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE cases (
    id                        INTEGER PRIMARY KEY,
    case_number               TEXT NOT NULL UNIQUE,     -- canonical 案号, full-width brackets
    cn_year                   INTEGER,
    cn_court_code             TEXT NOT NULL DEFAULT '',
    cn_type_code              TEXT NOT NULL DEFAULT '',
    cn_seq                    INTEGER,
    cn_local                  INTEGER NOT NULL DEFAULT 0 CHECK (cn_local IN (0, 1)),
    cn_legacy                 INTEGER NOT NULL DEFAULT 0 CHECK (cn_legacy IN (0, 1)),
    cause                     TEXT NOT NULL DEFAULT '',  -- 案由
    stage                     TEXT NOT NULL DEFAULT '判后'
                              CHECK (stage IN ('判后', '执前督促', '执行')),
    disposition               TEXT NOT NULL DEFAULT '判决'
                              CHECK (disposition IN ('判决', '调解', '裁定', '司法确认')),
    procedure                 TEXT NOT NULL DEFAULT '简易程序'
                              CHECK (procedure IN ('普通程序', '简易程序', '小额诉讼', '二审', '特别程序')),
    status                    TEXT NOT NULL DEFAULT '在办'
                              CHECK (status IN ('在办', '履行完毕', '移送执行', '已归档')),
    handler_id                INTEGER REFERENCES handlers(id),
    filing_date               TEXT,
    judgment_date             TEXT,
    effective_date            TEXT,
    effective_override_reason TEXT NOT NULL DEFAULT '',
    deadline                  TEXT,                      -- 履行期限 (last day)
    deadline_override_reason  TEXT NOT NULL DEFAULT '',
    public_notice             INTEGER NOT NULL DEFAULT 0 CHECK (public_notice IN (0, 1)),  -- 公告送达
    enforcement_case_number   TEXT NOT NULL DEFAULT '',
    notes                     TEXT NOT NULL DEFAULT '',
    -- derived (see header)
    due_fen                   INTEGER NOT NULL DEFAULT 0 CHECK (due_fen >= 0),
    paid_fen                  INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    next_due_date             TEXT,
    parties_text              TEXT NOT NULL DEFAULT '',
    -- bookkeeping
    version                   INTEGER NOT NULL DEFAULT 1,  -- optimistic lock: an edit saves only over the version it read
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL
);
CREATE INDEX cases_stage ON cases(stage, id);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_handler ON cases(handler_id, id);
CREATE INDEX cases_next_due ON cases(next_due_date);
CREATE INDEX cases_deadline ON cases(deadline);
CREATE INDEX cases_filing ON cases(filing_date);
CREATE INDEX cases_cn ON cases(cn_year, cn_type_code, cn_seq, id);
CREATE INDEX cases_owed ON cases((due_fen - paid_fen), id);

CREATE TABLE parties (
    id                     INTEGER PRIMARY KEY,
    case_id                INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position               INTEGER NOT NULL DEFAULT 0,
    role                   TEXT NOT NULL
                           CHECK (role IN ('原告', '被告', '申请人', '被申请人', '申请执行人', '被执行人', '第三人')),
    kind                   TEXT NOT NULL CHECK (kind IN ('自然人', '法人或其他组织')),
    name                   TEXT NOT NULL CHECK (length(name) > 0),
    id_number              TEXT NOT NULL DEFAULT '',
    uscc                   TEXT NOT NULL DEFAULT '',
    phone                  TEXT NOT NULL DEFAULT '',
    address                TEXT NOT NULL DEFAULT '',
    legal_representative   TEXT NOT NULL DEFAULT '',
    registered_capital_fen INTEGER,
    licence_status         TEXT CHECK (licence_status IN ('存续', '吊销', '注销', '未知')),
    service_date           TEXT,                         -- this party's own date of service
    publication_consent    INTEGER NOT NULL DEFAULT 0 CHECK (publication_consent IN (0, 1)),
    consent_date           TEXT
);
CREATE INDEX parties_case ON parties(case_id);
CREATE INDEX parties_id_number ON parties(id_number) WHERE id_number <> '';
CREATE INDEX parties_uscc ON parties(uscc) WHERE uscc <> '';

CREATE TABLE obligations (
    id                  INTEGER PRIMARY KEY,
    case_id             INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    position            INTEGER NOT NULL DEFAULT 0,
    kind                TEXT NOT NULL CHECK (kind IN ('金钱给付', '行为履行')),
    description         TEXT NOT NULL DEFAULT '',
    amount_fen          INTEGER NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
    due_date            TEXT,
    debtor              TEXT NOT NULL DEFAULT '',       -- party name(s) as in the judgment
    creditor            TEXT NOT NULL DEFAULT '',
    default_clause      TEXT NOT NULL DEFAULT '无'
                        CHECK (default_clause IN ('无', '一并申请强制执行', '恢复原诉讼请求', '支付违约金或变更利息')),
    default_clause_text TEXT NOT NULL DEFAULT '',
    guarantee           TEXT NOT NULL DEFAULT '无'
                        CHECK (guarantee IN ('无', '义务人自有财产抵（质）押', '案内其他当事人担保', '案外人担保')),
    guarantee_text      TEXT NOT NULL DEFAULT '',
    account_name        TEXT NOT NULL DEFAULT '',       -- creditor's receiving account (从化 收款账户)
    account_number      TEXT NOT NULL DEFAULT '',
    account_bank        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX obligations_case ON obligations(case_id);

CREATE TABLE installments (
    id            INTEGER PRIMARY KEY,
    obligation_id INTEGER NOT NULL REFERENCES obligations(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL CHECK (seq >= 1),
    due_date      TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    UNIQUE (obligation_id, seq)
);

CREATE TABLE payments (
    id                 INTEGER PRIMARY KEY,
    case_id            INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    paid_on            TEXT NOT NULL,
    amount_fen         INTEGER NOT NULL CHECK (amount_fen > 0),
    method             TEXT NOT NULL
                       CHECK (method IN ('转账', '现金', '当庭履行', '扣划保全款', '交法院账户', '其他')),
    payer              TEXT NOT NULL DEFAULT '',
    evidence           TEXT NOT NULL DEFAULT '',
    creditor_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (creditor_confirmed IN (0, 1)),
    note               TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_case ON payments(case_id);

-- The urging log: every reminder given, so "每案必提醒、每案必督促" can be shown.
CREATE TABLE contacts (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    method  TEXT NOT NULL
            CHECK (method IN ('电话', '短信', '上门', '12368', '移动微法院', '网格员', '邮寄', '其他')),
    by      TEXT NOT NULL,
    party   TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    note    TEXT NOT NULL DEFAULT '',
    rule_id TEXT NOT NULL DEFAULT ''            -- the reminder rule this contact answered, if any
);
CREATE INDEX contacts_case ON contacts(case_id, at);

-- Issued documents: number, date and an immutable snapshot of the filled values.
CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    form_id         TEXT NOT NULL,
    doc_number      TEXT NOT NULL,
    doc_year        INTEGER NOT NULL,
    doc_seq         INTEGER NOT NULL,
    issued_on       TEXT NOT NULL,
    issued_by       TEXT NOT NULL,
    snapshot        TEXT NOT NULL,              -- JSON of every filled value
    snapshot_sha256 TEXT NOT NULL,
    UNIQUE (form_id, doc_year, doc_seq)
);
CREATE INDEX documents_case ON documents(case_id);

-- The legal calendar's own holiday table (official rest days on weekdays, holiday weekends,
-- and 调休 makeup working days); a year is "covered" when it appears in holiday_years.
CREATE TABLE holiday_years (
    year   INTEGER PRIMARY KEY,
    source TEXT NOT NULL
);
CREATE TABLE holidays (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('rest', 'work')),
    name TEXT NOT NULL DEFAULT ''
);

-- Every change: who, when, what. Written by the store in the transaction that makes the change.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,            -- e.g. case.create, case.update, case.delete, settings.update
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    case_number TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '{}'   -- JSON: changed fields, before and after
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
