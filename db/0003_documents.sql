-- Documents (文书): the register of issued documents, numbered per court, series and year, and the
-- facts beside a case that decide whether a 证明书 may be issued.
--
-- The register of version 1 numbered per (form_id, year). A series (e.g. 自动履行证明书) can have
-- several forms (the 七台河 trial-stage and the 从化 enforcement-stage certificate share one numbering),
-- and the number belongs to the court: the table is rebuilt with the columns the register shows and
-- one numbering per (court_code, series, doc_year). Rows of version 1 (none are written by any
-- release) are kept with their form id as series.

CREATE TABLE documents_v3 (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    form_id         TEXT NOT NULL,
    series          TEXT NOT NULL,              -- numbering series: the document type (自动履行证明书)
    court_code      TEXT NOT NULL,              -- 法院代字 at issue time
    doc_number      TEXT NOT NULL,              -- e.g. 黑0902履证〔2025〕12号
    doc_year        INTEGER NOT NULL,
    doc_seq         INTEGER NOT NULL CHECK (doc_seq >= 1),
    title           TEXT NOT NULL DEFAULT '',
    case_number     TEXT NOT NULL DEFAULT '',   -- kept when the case is deleted
    party           TEXT NOT NULL DEFAULT '',   -- addressee or signer, for the register list
    issued_on       TEXT NOT NULL,
    issued_by       TEXT NOT NULL,
    snapshot        TEXT NOT NULL,              -- JSON: form, values and the printed text as issued
    snapshot_sha256 TEXT NOT NULL,
    form_sha256     TEXT NOT NULL DEFAULT '',   -- the form file the document was filled from
    batch           TEXT NOT NULL DEFAULT '',   -- batch id when issued in a batch print
    UNIQUE (court_code, series, doc_year, doc_seq)
);
INSERT INTO documents_v3 (id, case_id, form_id, series, court_code, doc_number, doc_year, doc_seq,
                          issued_on, issued_by, snapshot, snapshot_sha256)
    SELECT id, case_id, form_id, form_id, '', doc_number, doc_year, doc_seq,
           issued_on, issued_by, snapshot, snapshot_sha256
    FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v3 RENAME TO documents;
CREATE INDEX documents_case ON documents(case_id, id);
CREATE INDEX documents_issued ON documents(issued_on, id);
CREATE INDEX documents_form ON documents(form_id, id);

-- Facts recorded beside a case that decide eligibility (desktop/core/eligibility.py CaseFlag):
-- the creditor's consent to a 证明书 after the main part was performed, and the exclusions
-- (transfer or concealment of assets, other refusal to perform, referral for 拒执罪).
CREATE TABLE case_flags (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    flag        TEXT NOT NULL CHECK (flag IN ('主要义务履行经申请执行人同意', '转移、隐藏财产',
                                              '其他拒不执行行为', '移送拒执罪')),
    since       TEXT NOT NULL,                  -- the date of the consent or of the finding
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (case_id, flag)
);
