"""The 诚信履行名单 in SQLite (db/0004_whitelist.sql): review facts, batches, entries, withdrawals, exports.

Reads are bulk: the cases, parties and facts of thousands of candidates are loaded with a handful of
queries (ids passed as one JSON array to ``json_each``), not case by case. Writes take an open
connection inside the caller's transaction (``store.database.transaction``) and audit what they change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from desktop.core.calendar import HolidayTable, add_months
from desktop.core.model import (
    Case,
    CaseStatus,
    DefaultClause,
    Disposition,
    GuaranteeKind,
    Installment,
    LicenceStatus,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Payment,
    PaymentMethod,
    Procedure,
    Stage,
)
from desktop.core.whitelist import (
    Batch,
    BatchStatus,
    Condition,
    Exclusion,
    ExclusionKind,
    ListEntry,
    ManualCheck,
    PartyFacts,
    Period,
    PeriodKind,
    PriorWithdrawal,
    WhitelistRules,
    Withdrawal,
    batch_title,
    identity_key,
    public_identifier,
)
from desktop.store.audit import record
from desktop.store.engine import Connection, Database, dialect
from desktop.store.settings import get_value, set_value

RULES_KEY = "whitelist"
DEBTOR_ROLES = tuple(r.value for r in PartyRole if r.owes)
_ROLES_SQL = ", ".join(f"'{r}'" for r in DEBTOR_ROLES)
# An open enforcement case: in the enforcement stage (or under a formal 执 number) and not finished,
# or handed over to enforcement. Pre-enforcement (执前督 / 执前调) numbers are not enforcement cases.
OPEN_ENFORCEMENT_SQL = (
    "(c.status = '移送执行' OR (c.status = '在办' AND (c.stage = '执行' "
    "OR (c.cn_type_code LIKE '执%' AND c.cn_local = 0))))"
)
# Findings recorded on cases by the documents feature (case_flags) that exclude a party too.
CASE_FLAG_EXCLUSIONS = {
    "转移、隐藏财产": ExclusionKind.CONCEALED_ASSETS,
    "其他拒不执行行为": ExclusionKind.REFUSED_TO_PERFORM,
    "移送拒执罪": ExclusionKind.CRIME_REFERRAL,
}


# Label → member, for building thousands of rows a second (an Enum call is several times slower).
_ROLE = {m.value: m for m in PartyRole}
_KIND = {m.value: m for m in PartyKind}
_METHOD = {m.value: m for m in PaymentMethod}
_OBLIGATION = {m.value: m for m in ObligationKind}
_CLAUSE = {m.value: m for m in DefaultClause}
_GUARANTEE = {m.value: m for m in GuaranteeKind}
_STAGE = {m.value: m for m in Stage}
_DISPOSITION = {m.value: m for m in Disposition}
_PROCEDURE = {m.value: m for m in Procedure}
_STATUS = {m.value: m for m in CaseStatus}


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _ids(values: Iterable[int]) -> str:
    return json.dumps(sorted({int(v) for v in values}))


def _d(text: object) -> date | None:
    return date.fromisoformat(str(text)) if text else None


def _rows(conn: Connection, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
    """Rows addressable by column name (sqlite3.Row: built in C, no dict per row)."""
    if dialect(conn) == "postgresql":
        return conn.rows(sql, params)  # type: ignore[attr-defined, no-any-return]
    assert isinstance(conn, sqlite3.Connection)
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    return list(cur.execute(sql, params).fetchall())


def has_table(conn: Connection, name: str) -> bool:
    if dialect(conn) == "postgresql":
        return bool(conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0])
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


# ------------------------------------------------------------------------------------------ settings


def load_rules(db: Database) -> WhitelistRules:
    return WhitelistRules.from_settings(get_value(db, RULES_KEY))


def save_rules(db: Database, rules: WhitelistRules, actor: str) -> None:
    set_value(db, RULES_KEY, rules.to_settings(), actor)


# ---------------------------------------------------------------------------------------- candidates


def candidate_party_ids(conn: Connection, start: date, end: date) -> list[int]:
    """Debtors of money cases paid in full with a payment between ``start`` and ``end``, not already
    on a list (an entry that was not withdrawn). The exact date of full performance is decided by
    the caller (core): it is the payment that completed the amount."""
    sql = f"""
        SELECT p.id FROM cases c JOIN parties p ON p.case_id = c.id
        WHERE c.id IN (SELECT DISTINCT case_id FROM payments WHERE paid_on BETWEEN ? AND ?)
          AND c.due_fen > 0 AND c.paid_fen >= c.due_fen
          AND p.role IN ({_ROLES_SQL})
          AND NOT EXISTS (
              SELECT 1 FROM whitelist_entries e
              WHERE e.party_id = p.id
                AND NOT EXISTS (SELECT 1 FROM whitelist_withdrawals w WHERE w.entry_id = e.id))
        ORDER BY c.id, p.position, p.id
    """
    return [int(r[0]) for r in conn.execute(sql, (start.isoformat(), end.isoformat()))]


def published_party_ids(conn: Connection, party_ids: Iterable[int]) -> dict[int, str]:
    """Party id → the batch (e.g. 2025年第3批诚信履行名单) it is listed in, for entries not withdrawn."""
    sql = """
        SELECT e.party_id, b.year, b.number FROM whitelist_entries e
        JOIN whitelist_batches b ON b.id = e.batch_id
        WHERE e.party_id IN (SELECT value FROM json_each(?))
          AND NOT EXISTS (SELECT 1 FROM whitelist_withdrawals w WHERE w.entry_id = e.id)
    """
    return {int(pid): f"{y}年第{n}批" for pid, y, n in conn.execute(sql, (_ids(party_ids),))}


@dataclass(frozen=True)
class ListedParty:
    """An entry on a published list, not withdrawn, with the listed party as it is now in the ledger."""

    party: Party  # kind, name, ID number, credit code: what identity_key needs
    label: str  # 2025年第1批
    period_start: date | None
    period_end: date | None
    performed_on: date


def listed_parties(conn: Connection) -> list[ListedParty]:
    """Every unwithdrawn entry whose party is still in the ledger (to recognise the same person under
    another case's party row: ID number or credit code, else name)."""
    sql = """
        SELECT p.role, p.kind, p.name, p.id_number, p.uscc, b.year, b.number,
               b.period_start, b.period_end, e.performed_on
        FROM whitelist_entries e
        JOIN whitelist_batches b ON b.id = e.batch_id
        JOIN parties p ON p.id = e.party_id
        WHERE NOT EXISTS (SELECT 1 FROM whitelist_withdrawals w WHERE w.entry_id = e.id)
        ORDER BY b.year, b.number, e.seq
    """
    out = []
    for role, kind, name, id_number, uscc, year, number, start, end, performed in conn.execute(sql):
        party = Party(PartyRole(role), PartyKind(kind), name, id_number=id_number or "", uscc=uscc or "")
        out.append(ListedParty(party, f"{year}年第{number}批", _d(start), _d(end), _d(performed) or date.min))
    return out


def _party(r: sqlite3.Row) -> Party:
    licence = r["licence_status"]
    return Party(
        role=_ROLE[r["role"]],
        kind=_KIND[r["kind"]],
        name=r["name"],
        id_number=r["id_number"],
        uscc=r["uscc"],
        phone=r["phone"],
        address=r["address"],
        legal_representative=r["legal_representative"],
        registered_capital_fen=r["registered_capital_fen"],
        licence_status=LicenceStatus(licence) if licence else None,
        service_date=_d(r["service_date"]),
        publication_consent=bool(r["publication_consent"]),
        consent_date=_d(r["consent_date"]),
        id=int(r["id"]),
    )


def _obligation(r: sqlite3.Row, installments: tuple[Installment, ...]) -> Obligation:
    return Obligation(
        kind=_OBLIGATION[r["kind"]],
        description=r["description"],
        amount_fen=int(r["amount_fen"]),
        due_date=_d(r["due_date"]),
        debtor=r["debtor"],
        creditor=r["creditor"],
        installments=installments,
        default_clause=_CLAUSE[r["default_clause"]],
        default_clause_text=r["default_clause_text"],
        guarantee=_GUARANTEE[r["guarantee"]],
        guarantee_text=r["guarantee_text"],
        account_name=r["account_name"],
        account_number=r["account_number"],
        account_bank=r["account_bank"],
        id=int(r["id"]),
    )


def _case(
    r: sqlite3.Row,
    parties: tuple[Party, ...],
    obligations: tuple[Obligation, ...],
    payments: tuple[Payment, ...],
) -> Case:
    return Case(
        case_number=r["case_number"],
        cause=r["cause"],
        stage=_STAGE[r["stage"]],
        disposition=_DISPOSITION[r["disposition"]],
        procedure=_PROCEDURE[r["procedure"]],
        status=_STATUS[r["status"]],
        handler=r["handler"],
        filing_date=_d(r["filing_date"]),
        judgment_date=_d(r["judgment_date"]),
        effective_date=_d(r["effective_date"]),
        effective_override_reason=r["effective_override_reason"],
        deadline=_d(r["deadline"]),
        deadline_override_reason=r["deadline_override_reason"],
        public_notice=bool(r["public_notice"]),
        enforcement_case_number=r["enforcement_case_number"],
        notes=r["notes"],
        parties=parties,
        obligations=obligations,
        payments=payments,
        id=int(r["id"]),
        version=int(r["version"]),
    )


@dataclass(frozen=True)
class Subject:
    """One candidate: a debtor of a case, the case as the ledger holds it, and the facts beside it."""

    case: Case
    party: Party
    facts: PartyFacts

    @property
    def party_id(self) -> int:
        assert self.party.id is not None
        return self.party.id


def load_cases(conn: Connection, case_ids: Iterable[int]) -> dict[int, Case]:
    """Whole cases (parties, obligations with installments, payments; no urging log) by id."""
    ids = _ids(case_ids)
    parties: dict[int, list[Party]] = {}
    for r in _rows(
        conn,
        "SELECT * FROM parties WHERE case_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY case_id, position, id",
        (ids,),
    ):
        parties.setdefault(int(r["case_id"]), []).append(_party(r))
    installments: dict[int, list[Installment]] = {}
    for oid, seq, due, amount, iid in conn.execute(
        "SELECT i.obligation_id, i.seq, i.due_date, i.amount_fen, i.id FROM installments i "
        "JOIN obligations o ON o.id = i.obligation_id WHERE o.case_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY i.obligation_id, i.seq",
        (ids,),
    ):
        installments.setdefault(int(oid), []).append(
            Installment(int(seq), date.fromisoformat(due), int(amount), int(iid))
        )
    obligations: dict[int, list[Obligation]] = {}
    for r in _rows(
        conn,
        "SELECT * FROM obligations WHERE case_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY case_id, position, id",
        (ids,),
    ):
        inst = tuple(installments.get(int(r["id"]), ()))
        obligations.setdefault(int(r["case_id"]), []).append(_obligation(r, inst))
    payments: dict[int, list[Payment]] = {}
    for cid, paid_on, amount, method, payer, evidence, confirmed, note, pid in conn.execute(
        "SELECT case_id, paid_on, amount_fen, method, payer, evidence, creditor_confirmed, note, id "
        "FROM payments WHERE case_id IN (SELECT value FROM json_each(?)) ORDER BY case_id, paid_on, id",
        (ids,),
    ):
        payments.setdefault(int(cid), []).append(
            Payment(
                date.fromisoformat(paid_on),
                int(amount),
                _METHOD[method],
                payer,
                evidence,
                bool(confirmed),
                note,
                int(pid),
            )
        )
    cases: dict[int, Case] = {}
    for r in _rows(
        conn,
        "SELECT c.*, coalesce(h.name, '') AS handler FROM cases c "
        "LEFT JOIN handlers h ON h.id = c.handler_id "
        "WHERE c.id IN (SELECT value FROM json_each(?))",
        (ids,),
    ):
        cid = int(r["id"])
        cases[cid] = _case(
            r,
            tuple(parties.get(cid, ())),
            tuple(obligations.get(cid, ())),
            tuple(payments.get(cid, ())),
        )
    return cases


def _exclusions_by_identity(conn: Connection) -> dict[tuple[str, str], list[Exclusion]]:
    """Every recorded exclusion, under the identity of the party it was recorded on."""
    found: dict[tuple[str, str], list[Exclusion]] = {}
    for r in _rows(
        conn,
        "SELECT e.kind AS ex_kind, e.since, e.reason, c.case_number, p.* FROM whitelist_exclusions e "
        "JOIN parties p ON p.id = e.party_id JOIN cases c ON c.id = p.case_id ORDER BY e.since, e.id",
    ):
        key = identity_key(_party(r))
        found.setdefault(key, []).append(
            Exclusion(
                ExclusionKind(r["ex_kind"]), date.fromisoformat(r["since"]), r["reason"], r["case_number"]
            )
        )
    return found


def _case_flag_exclusions(conn: Connection, case_ids: str) -> dict[int, list[Exclusion]]:
    if not has_table(conn, "case_flags"):
        return {}
    marks = ", ".join("?" for _ in CASE_FLAG_EXCLUSIONS)
    found: dict[int, list[Exclusion]] = {}
    for cid, flag, since, note in conn.execute(
        f"SELECT case_id, flag, since, note FROM case_flags WHERE flag IN ({marks}) "
        "AND case_id IN (SELECT value FROM json_each(?))",
        (*CASE_FLAG_EXCLUSIONS, case_ids),
    ):
        found.setdefault(int(cid), []).append(
            Exclusion(CASE_FLAG_EXCLUSIONS[flag], date.fromisoformat(since), note or "在案件中登记", "本案")
        )
    return found


def _periods(
    conn: Connection, case_ids: str, rules: WhitelistRules, holidays: HolidayTable
) -> dict[int, list[Period]]:
    if not has_table(conn, "case_events"):
        return {}
    found: dict[int, list[Period]] = {}
    for cid, kind, start, end in conn.execute(
        "SELECT case_id, kind, start_date, end_date FROM case_events "
        "WHERE kind IN ('执前督促', '预纳入失信') "
        "AND case_id IN (SELECT value FROM json_each(?)) ORDER BY start_date, id",
        (case_ids,),
    ):
        first = date.fromisoformat(start)
        if end:
            last = date.fromisoformat(end)
        else:  # 预纳入失信 always has its 限期; 执前督促 lasts the court's period (§85)
            last = add_months(first, rules.pre_enforcement_months, holidays).end
        found.setdefault(int(cid), []).append(Period(PeriodKind(kind), first, last))
    return found


def _checks(conn: Connection, party_ids: str) -> dict[int, list[ManualCheck]]:
    found: dict[int, list[ManualCheck]] = {}
    for pid, condition, passed, checked_on, checker, note in conn.execute(
        "SELECT party_id, condition, passed, checked_on, checker, note FROM whitelist_checks "
        "WHERE party_id IN (SELECT value FROM json_each(?))",
        (party_ids,),
    ):
        found.setdefault(int(pid), []).append(
            ManualCheck(Condition(condition), bool(passed), date.fromisoformat(checked_on), checker, note)
        )
    return found


def _withdrawals(
    conn: Connection,
) -> tuple[dict[tuple[str, str], list[PriorWithdrawal]], dict[tuple[str, str], list[PriorWithdrawal]]]:
    """Every withdrawn entry, under the identity of the party it was published for (while that party
    row exists) and under the published name and masked identifier (which outlive a deleted case)."""
    by_identity: dict[tuple[str, str], list[PriorWithdrawal]] = {}
    by_published: dict[tuple[str, str], list[PriorWithdrawal]] = {}
    for r in _rows(
        conn,
        "SELECT w.id AS w_id, w.withdrawn_on AS w_on, w.reason AS w_reason, e.seq AS e_seq, "
        "e.name AS e_name, e.identifier AS e_identifier, b.year AS b_year, b.number AS b_number, "
        "p.id AS p_id, p.* FROM whitelist_withdrawals w "
        "JOIN whitelist_entries e ON e.id = w.entry_id JOIN whitelist_batches b ON b.id = e.batch_id "
        "LEFT JOIN parties p ON p.id = e.party_id ORDER BY w.withdrawn_on, w.id",
    ):
        prior = PriorWithdrawal(
            f"{r['b_year']}年{batch_title(int(r['b_number']))}",
            int(r["e_seq"]),
            date.fromisoformat(r["w_on"]),
            r["w_reason"],
            int(r["w_id"]),
        )
        by_published.setdefault((r["e_name"], r["e_identifier"]), []).append(prior)
        if r["p_id"] is not None:
            by_identity.setdefault(identity_key(_party(r)), []).append(prior)
    return by_identity, by_published


def _prior_withdrawals(
    party: Party,
    found: tuple[dict[tuple[str, str], list[PriorWithdrawal]], dict[tuple[str, str], list[PriorWithdrawal]]],
) -> tuple[PriorWithdrawal, ...]:
    by_identity, by_published = found
    if not by_identity and not by_published:
        return ()
    matches = by_identity.get(identity_key(party), []) + by_published.get(
        (party.name, public_identifier(party)), []
    )
    return tuple({w.id: w for w in matches}.values())


OPEN_CASES_SHOWN = 4  # per party: enough to leave out its own case and still show three


def _open_enforcement(
    conn: Connection, parties: Sequence[Party]
) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """Identity → (case id, case number) of up to ``OPEN_CASES_SHOWN + 1`` open enforcement cases where
    that identity owes. Repeat litigants (a company in hundreds of cases) make the full lists huge: the
    review only needs to know there is one and to show a few."""
    keys = [identity_key(p) for p in parties]
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    by_kind = {kind: sorted({v for k, v in keys if k == kind}) for kind in ("id", "uscc", "name")}
    # The identities drive the lookups, each in its index (parties_id_number, parties_uscc,
    # parties_debtor_name), instead of the planner walking every open enforcement case of the ledger.
    columns = {"id": "id_number", "uscc": "uscc", "name": "name"}
    if dialect(conn) == "postgresql":
        aggregate, source = (
            "CAST(coalesce(json_agg(json_build_array(id, case_number)), '[]') AS TEXT)",
            "json_array_elements_text(CAST(? AS json)) AS j(value)",
        )
    else:
        aggregate, source = "json_group_array(json_array(id, case_number))", "json_each(?) j"
    queries = {
        kind: f"""SELECT j.value, (
                      SELECT {aggregate} FROM (
                          SELECT c.id AS id, c.case_number AS case_number
                          FROM parties p JOIN cases c ON c.id = p.case_id
                          WHERE p.{column} = j.value AND p.{column} <> '' AND p.role IN ({_ROLES_SQL})
                            AND {OPEN_ENFORCEMENT_SQL}
                          LIMIT {OPEN_CASES_SHOWN + 1}) AS found)
                  FROM {source}"""
        for kind, column in columns.items()
    }
    for kind, values in by_kind.items():
        if not values:
            continue
        for value, cases in conn.execute(queries[kind], (json.dumps(values, ensure_ascii=False),)):
            pairs = [(int(cid), str(number)) for cid, number in json.loads(cases)]
            if pairs:
                found[(kind, str(value))] = pairs
    return found


def load_subjects(
    conn: Connection,
    party_ids: Iterable[int],
    rules: WhitelistRules,
    holidays: HolidayTable,
) -> list[Subject]:
    """The candidates ``party_ids`` (in the order given, unknown ids left out) with their facts."""
    wanted = list(dict.fromkeys(int(p) for p in party_ids))
    pid_json = _ids(wanted)
    case_of = {
        int(pid): int(cid)
        for pid, cid in conn.execute(
            "SELECT id, case_id FROM parties WHERE id IN (SELECT value FROM json_each(?))", (pid_json,)
        )
    }
    cases = load_cases(conn, case_of.values())
    cid_json = _ids(case_of.values())
    parties_by_id = {p.id: p for c in cases.values() for p in c.parties}
    targets = [parties_by_id[p] for p in wanted if p in parties_by_id]
    exclusions = _exclusions_by_identity(conn)
    flags = _case_flag_exclusions(conn, cid_json)
    periods = _periods(conn, cid_json, rules, holidays)
    checks = _checks(conn, pid_json)
    open_cases = _open_enforcement(conn, targets)
    withdrawn = _withdrawals(conn)
    subjects = []
    for party in targets:
        assert party.id is not None
        cid = case_of[party.id]
        key = identity_key(party)
        listed = open_cases.get(key, [])
        others = [number for ocid, number in listed if ocid != cid][:OPEN_CASES_SHOWN]
        facts = PartyFacts(
            exclusions=tuple(exclusions.get(key, ())) + tuple(flags.get(cid, ())),
            checks=tuple(checks.get(party.id, ())),
            other_open_cases=tuple(others),
            more_open_cases=len(listed) > OPEN_CASES_SHOWN,
            periods=tuple(periods.get(cid, ())),
            withdrawals=_prior_withdrawals(party, withdrawn),
        )
        subjects.append(Subject(cases[cid], party, facts))
    return subjects


# ------------------------------------------------------------------------------------ review writes


def debtor_rows(conn: Connection, party_ids: Iterable[int]) -> list[tuple[int, int, str, str]]:
    """(party id, case id, case number, name) of the given ids that are debtors; others are left out."""
    return [
        (int(pid), int(cid), str(number), str(name))
        for pid, cid, number, name in conn.execute(
            f"SELECT p.id, c.id, c.case_number, p.name FROM parties p JOIN cases c ON c.id = p.case_id "
            f"WHERE p.id IN (SELECT value FROM json_each(?)) AND p.role IN ({_ROLES_SQL}) ORDER BY p.id",
            (_ids(party_ids),),
        )
    ]


def write_checks(
    conn: Connection,
    rows: Sequence[tuple[int, int, str, str]],
    check: ManualCheck,
    actor: str,
) -> None:
    """Record ``check`` for every (party id, case id, case number, name) in ``rows`` (a re-check replaces)."""
    stamp = now()
    before = {
        int(pid): (bool(passed), checked_on, checker)
        for pid, passed, checked_on, checker in conn.execute(
            "SELECT party_id, passed, checked_on, checker FROM whitelist_checks "
            "WHERE condition = ? AND party_id IN (SELECT value FROM json_each(?))",
            (check.condition.value, _ids(r[0] for r in rows)),
        )
    }
    conn.executemany(
        "INSERT INTO whitelist_checks (party_id, condition, passed, checked_on, checker, note, recorded_by, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (party_id, condition) DO UPDATE SET "
        "passed = excluded.passed, checked_on = excluded.checked_on, checker = excluded.checker, "
        "note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        [
            (pid, check.condition.value, int(check.passed), check.checked_on.isoformat(), check.checker,
             check.note, actor, stamp)
            for pid, _cid, _number, _name in rows
        ],
    )  # fmt: skip
    for pid, _cid, number, name in rows:
        detail: dict[str, object] = {
            "当事人": name,
            "条件": check.condition.value,
            "结果": "符合" if check.passed else "不符合",
            "核查日期": check.checked_on,
            "核查人": check.checker,
            "说明": check.note,
        }
        if pid in before:
            detail["原记录"] = list(before[pid])
        record(conn, actor, "whitelist.check", "party", pid, number, detail)


def write_consent(
    conn: Connection, rows: Sequence[tuple[int, int, str, str]], consent_date: date, actor: str
) -> None:
    """Set publication_consent and consent_date; the cases' versions move on so an editor that still
    holds the old party cannot silently write the consent back."""
    stamp = now()
    before = {
        int(pid): (bool(c), d)
        for pid, c, d in conn.execute(
            "SELECT id, publication_consent, consent_date FROM parties "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (_ids(r[0] for r in rows),),
        )
    }
    conn.executemany(
        "UPDATE parties SET publication_consent = 1, consent_date = ? WHERE id = ?",
        [(consent_date.isoformat(), pid) for pid, _cid, _number, _name in rows],
    )
    conn.execute(
        "UPDATE cases SET version = version + 1, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))",
        (stamp, _ids(r[1] for r in rows)),
    )
    for pid, _cid, number, name in rows:
        old_consent, old_date = before.get(pid, (False, None))
        record(
            conn,
            actor,
            "whitelist.consent",
            "party",
            pid,
            number,
            {
                "当事人": name,
                "publication_consent": [old_consent, True],
                "consent_date": [old_date, consent_date],
            },
        )


def write_exclusions(
    conn: Connection,
    rows: Sequence[tuple[int, int, str, str]],
    kind: ExclusionKind,
    since: date,
    reason: str,
    actor: str,
) -> None:
    stamp = now()
    for pid, _cid, number, name in rows:
        cur = conn.execute(
            "INSERT INTO whitelist_exclusions (party_id, kind, since, reason, recorded_by, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (pid, kind.value, since.isoformat(), reason, actor, stamp),
        )
        record(
            conn,
            actor,
            "whitelist.exclude",
            "whitelist_exclusion",
            cur.fetchone()[0],
            number,
            {"当事人": name, "情形": kind.value, "日期": since, "原因": reason},
        )


# ------------------------------------------------------------------------------------------- batches


def next_number(conn: Connection, court_code: str, year: int) -> int:
    row = conn.execute(
        "SELECT max(number) FROM whitelist_batches WHERE court_code = ? AND year = ?", (court_code, year)
    ).fetchone()
    return int(row[0] or 0) + 1


def find_batch_id(conn: Connection, court_code: str, year: int, number: int) -> int | None:
    row = conn.execute(
        "SELECT id FROM whitelist_batches WHERE court_code = ? AND year = ? AND number = ?",
        (court_code, year, number),
    ).fetchone()
    return int(row[0]) if row else None


def find_batch_ids(conn: Connection, year: int, number: int) -> list[tuple[int, str]]:
    """(id, court code) of every batch 第``number``批 of ``year``, whatever court code it was published
    under (the code in the settings may have changed since)."""
    return [
        (int(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT id, court_code FROM whitelist_batches WHERE year = ? AND number = ? ORDER BY id",
            (year, number),
        )
    ]


_BATCH_SQL = """
    SELECT b.*,
           (SELECT count(*) FROM whitelist_entries e WHERE e.batch_id = b.id) AS entry_count,
           (SELECT count(*) FROM whitelist_entries e JOIN whitelist_withdrawals w ON w.entry_id = e.id
             WHERE e.batch_id = b.id) AS withdrawn_count
    FROM whitelist_batches b
"""


def _batch(r: sqlite3.Row) -> Batch:
    return Batch(
        court_code=r["court_code"],
        court_name=r["court_name"],
        year=int(r["year"]),
        number=int(r["number"]),
        published_on=date.fromisoformat(r["published_on"]),
        approved_by=r["approved_by"],
        published_by=r["published_by"],
        status=BatchStatus(r["status"]),
        period_start=_d(r["period_start"]),
        period_end=_d(r["period_end"]),
        entries=int(r["entry_count"]),
        withdrawn=int(r["withdrawn_count"]),
        id=int(r["id"]),
    )


def batches(conn: Connection) -> list[Batch]:
    """Every batch, newest first."""
    return [_batch(r) for r in _rows(conn, _BATCH_SQL + " ORDER BY b.year DESC, b.number DESC")]


def load_batch(conn: Connection, batch_id: int) -> Batch | None:
    rows = _rows(conn, _BATCH_SQL + " WHERE b.id = ?", (batch_id,))
    return _batch(rows[0]) if rows else None


def entries(conn: Connection, batch_id: int) -> list[ListEntry]:
    """The batch's entries in 序号 order, each with its withdrawal if it was withdrawn."""
    out = []
    for r in _rows(
        conn,
        "SELECT e.*, w.id AS w_id, w.withdrawn_on, w.reason, w.approved_by FROM whitelist_entries e "
        "LEFT JOIN whitelist_withdrawals w ON w.entry_id = e.id WHERE e.batch_id = ? ORDER BY e.seq",
        (batch_id,),
    ):
        withdrawal = (
            Withdrawal(date.fromisoformat(r["withdrawn_on"]), r["reason"], r["approved_by"], int(r["w_id"]))
            if r["w_id"] is not None
            else None
        )
        out.append(
            ListEntry(
                seq=int(r["seq"]),
                kind=_KIND[r["kind"]],
                name=r["name"],
                identifier=r["identifier"],
                performed_on=date.fromisoformat(r["performed_on"]),
                court_name=r["court_name"],
                case_number=r["case_number"],
                consent_date=date.fromisoformat(r["consent_date"]),
                party_id=r["party_id"],
                case_id=r["case_id"],
                withdrawal=withdrawal,
                id=int(r["id"]),
            )
        )
    return out


def insert_batch(conn: Connection, batch: Batch, items: Sequence[ListEntry], actor: str) -> int:
    """Write the batch and its entries (numbered 1…n in the order given); return the batch id."""
    cur = conn.execute(
        "INSERT INTO whitelist_batches (court_code, court_name, year, number, published_on, approved_by, "
        "published_by, period_start, period_end, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            batch.court_code,
            batch.court_name,
            batch.year,
            batch.number,
            batch.published_on.isoformat(),
            batch.approved_by,
            batch.published_by,
            batch.period_start.isoformat() if batch.period_start else None,
            batch.period_end.isoformat() if batch.period_end else None,
            BatchStatus.PUBLISHED.value,
            now(),
        ),
    )
    batch_id = int(cur.fetchone()[0])
    conn.executemany(
        "INSERT INTO whitelist_entries (batch_id, seq, kind, name, identifier, performed_on, court_name, "
        "case_number, consent_date, party_id, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (batch_id, e.seq, e.kind.value, e.name, e.identifier, e.performed_on.isoformat(), e.court_name,
             e.case_number, e.consent_date.isoformat(), e.party_id, e.case_id)
            for e in items
        ],
    )  # fmt: skip
    record(
        conn,
        actor,
        "whitelist.publish",
        "whitelist_batch",
        batch_id,
        "",
        {
            "批次": batch.label,
            "法院": batch.court_name,
            "发布日期": batch.published_on,
            "批准人": batch.approved_by,
            "条目数": len(items),
        },
    )
    return batch_id


def insert_withdrawals(
    conn: Connection,
    batch: Batch,
    items: Sequence[ListEntry],
    withdrawal: Withdrawal,
    actor: str,
) -> None:
    stamp = now()
    for e in items:
        cur = conn.execute(
            "INSERT INTO whitelist_withdrawals (entry_id, withdrawn_on, reason, approved_by, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                e.id,
                withdrawal.withdrawn_on.isoformat(),
                withdrawal.reason,
                withdrawal.approved_by,
                actor,
                stamp,
            ),
        )
        record(
            conn,
            actor,
            "whitelist.withdraw",
            "whitelist_withdrawal",
            cur.fetchone()[0],
            e.case_number,
            {
                "批次": batch.label,
                "序号": e.seq,
                "名称": e.name,
                "撤回日期": withdrawal.withdrawn_on,
                "原因": withdrawal.reason,
                "批准人": withdrawal.approved_by,
            },
        )
    remaining = conn.execute(
        "SELECT count(*) FROM whitelist_entries e WHERE e.batch_id = ? "
        "AND NOT EXISTS (SELECT 1 FROM whitelist_withdrawals w WHERE w.entry_id = e.id)",
        (batch.id,),
    ).fetchone()[0]
    if remaining == 0:
        conn.execute(
            "UPDATE whitelist_batches SET status = ? WHERE id = ?", (BatchStatus.WITHDRAWN.value, batch.id)
        )


# -------------------------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportRecord:
    batch_id: int
    format: str
    agency: str
    file_name: str
    entries: int
    sha256: str
    exported_at: str
    exported_by: str
    id: int | None = None


def log_export(conn: Connection, rec: ExportRecord, label: str) -> int:
    cur = conn.execute(
        "INSERT INTO whitelist_exports (batch_id, format, agency, file_name, entries, sha256, exported_at, "
        "exported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (rec.batch_id, rec.format, rec.agency, rec.file_name, rec.entries, rec.sha256, rec.exported_at,
         rec.exported_by),
    )  # fmt: skip
    export_id = int(cur.fetchone()[0])
    record(
        conn,
        rec.exported_by,
        "whitelist.export",
        "whitelist_export",
        export_id,
        "",
        {
            "批次": label,
            "格式": rec.format,
            "报送单位": rec.agency,
            "文件": rec.file_name,
            "sha256": rec.sha256,
        },
    )
    return export_id


def exports(conn: Connection, batch_id: int | None = None) -> list[ExportRecord]:
    sql = "SELECT * FROM whitelist_exports"
    params: tuple[object, ...] = ()
    if batch_id is not None:
        sql += " WHERE batch_id = ?"
        params = (batch_id,)
    return [
        ExportRecord(
            int(r["batch_id"]),
            r["format"],
            r["agency"],
            r["file_name"],
            int(r["entries"]),
            r["sha256"],
            r["exported_at"],
            r["exported_by"],
            int(r["id"]),
        )
        for r in _rows(conn, sql + " ORDER BY id", params)
    ]
