"""Reminders in SQLite: which cases each rule must look at today, their facts, events and states.

A million cases must answer in well under a second, so the rules never see every case. Each rule's
window becomes a date range on an indexed column (``cases.deadline``, ``cases.effective_date``,
``cases.filing_date``, ``installments.due_date``, ``case_events(kind, end_date)``), and the exclusions
that are plain columns (stage, status, 公告送达, fully paid, handler) and "a contact since …" become SQL
conditions too. What comes back is a *superset* of the cases the rule can remind about; the pure engine
(:mod:`desktop.core.reminders`) decides exactly. Only those candidates' facts are loaded, with a handful
of set-based queries over a temporary table of their ids.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, overload

from desktop.core.calendar import HolidayTable
from desktop.core.eligibility import missing_contact
from desktop.core.errors import ValidationError
from desktop.core.model import CaseStatus, DefaultClause, PartyRole, Stage
from desktop.core.reminders import (
    WEEK_AHEAD,
    AnsweredBy,
    CaseEvent,
    CaseEventKind,
    CaseFacts,
    ContactMark,
    EventKind,
    Exclusion,
    Group,
    Period,
    PeriodUnit,
    ReminderItem,
    ReminderState,
    Rule,
    Slice,
    StateKind,
    debtor_names,
)
from desktop.store.audit import record
from desktop.store.engine import Connection, Database, dialect, serialize
from desktop.store.lock import is_read_only

_ACCELERATING = (DefaultClause.ACCELERATE.value, DefaultClause.RESTORE_CLAIM.value)


_FORTNIGHT = timedelta(days=15)
_INSTALLMENT_EVENTS = (
    EventKind.INSTALLMENT_DUE,
    EventKind.INSTALLMENT_LATE,
    EventKind.INSTALLMENT_DEFAULT,
    EventKind.FIRST_INSTALLMENT_PAID,
)


def _shift_months(d: date, months: int) -> date:
    """``d`` moved by whole months, the day clamped to the month's length (a bound, not a legal date)."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month0 + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _event_range(rule: Rule, today: date) -> tuple[date | None, date]:
    """The event dates for which ``rule`` shows a reminder today: [today − end − keep, today − start]."""
    high = today - timedelta(days=rule.window_start)
    if rule.keep_days is None:
        return None, high
    return today - timedelta(days=rule.window_end + rule.keep_days), high


def _period_start_range(
    rule: Rule, low: date | None, high: date, table: HolidayTable
) -> tuple[date | None, date] | None:
    """The start dates whose period end (民诉法 §85, moved past rest days) falls in [low, high]: a range,
    since a later start never ends earlier; None when no start does.

    The range is found from a bound a fortnight wide on each side (no run of rest days is longer), by
    computing the end of each start date at its edges with the holiday table.
    """
    period = rule.period
    assert period is not None
    months = period.count * (12 if period.unit is PeriodUnit.YEAR else 1)
    if period.unit is PeriodUnit.DAY:
        back = timedelta(days=period.count)
        rough_low, rough_high = (None if low is None else low - back - _FORTNIGHT), high - back
    else:
        rough_low = None if low is None else _shift_months(low, -months) - _FORTNIGHT
        rough_high = _shift_months(high, -months) + timedelta(days=3)

    def end(start: date) -> date:
        try:
            return period.end(start, table).end
        except ValidationError:  # beyond the calendar
            return date.max

    one = timedelta(days=1)
    last = rough_high
    floor = rough_low if rough_low is not None else rough_high - _FORTNIGHT * 3
    while last >= floor and end(last) > high:
        last -= one
    if last < floor:
        return None
    if low is None:
        return None, last
    first = floor
    while first <= last and end(first) < low:
        first += one
    return None if first > last else (first, last)


class _Query:
    """One candidate query: SQL text and its parameters, built up condition by condition."""

    def __init__(self, select: str) -> None:
        self.sql = select
        self.where: list[str] = []
        self.params: list[object] = []
        self.by_stage = False  # driven by reminders_open_stage: the stage condition is already there

    def add(self, condition: str, *params: object) -> None:
        self.where.append(condition)
        self.params.extend(params)

    def range(self, column: str, low: date | None, high: date) -> None:
        if low is None:
            self.add(f"{column} <= ?", high.isoformat())
        else:
            self.add(f"{column} BETWEEN ? AND ?", low.isoformat(), high.isoformat())

    def text(self) -> str:
        return self.sql + (" WHERE " + " AND ".join(self.where) if self.where else "")


# The partial indexes of db/0002_reminders.sql and 0005 (open cases only, covering the exclusion columns).
_OPEN_INDEX = {
    "deadline": "reminders_open_deadline",
    "next_due_date": "reminders_open_next_due",
    "effective_date": "reminders_open_effective",
    "filing_date": "reminders_open_filing",
}
_OPEN = CaseStatus.OPEN.value


def _by_date(rule: Rule, column: str, low: date | None, high: date) -> _Query:
    """Cases whose ``column`` lies in [low, high], driven by the open-cases index when the rule leaves
    closed cases out (SQLite has no statistics to prefer it over ``cases_status`` by itself)."""
    if Exclusion.CLOSED in rule.exclusions:
        q = _Query(f"SELECT c.id FROM cases c INDEXED BY {_OPEN_INDEX[column]}")
        q.add(f"c.status = '{_OPEN}'")
    else:
        q = _Query("SELECT c.id FROM cases c")
    q.range(f"c.{column}", low, high)
    return q


def _stage_list(rule: Rule) -> list[str] | None:
    """The rule's stages, or None when it applies to every stage."""
    stages = sorted(s.value for s in rule.stages)
    return stages if len(stages) < len(Stage) else None


def _by_event(rule: Rule, kind: CaseEventKind, low: date | None) -> _Query:
    """Cases with an event of ``kind`` (conditions on ``e`` to be added).

    A bounded range of dates (``low`` given: a window, or the days between two boards) is driven by the
    events' date index. An open-ended one reaches back over the years, whose events of closed cases far
    outnumber the open cases: a rule leaving closed cases out is then driven by the open cases of its
    stages, in id order, each looking up its events."""
    if low is None and Exclusion.CLOSED in rule.exclusions:
        q = _Query(
            "SELECT DISTINCT c.id FROM cases c INDEXED BY reminders_open_stage "
            "CROSS JOIN case_events e INDEXED BY case_events_case ON e.case_id = c.id"
        )
        q.add(f"c.status = '{_OPEN}'")
        stages = _stage_list(rule)
        if stages is not None:
            q.add(f"c.stage IN ({', '.join('?' * len(stages))})", *stages)
            q.by_stage = True
    else:
        q = _Query("SELECT DISTINCT c.id FROM case_events e JOIN cases c ON c.id = e.case_id")
        if Exclusion.CLOSED in rule.exclusions:
            q.add("+c.status = ?", _OPEN)
    q.add("e.kind = ?", kind.value)
    return q


def _by_installment(rule: Rule, low: date | None, high: date) -> _Query:
    """Cases with an installment due in [low, high] (driven by ``installments_due``)."""
    q = _Query(
        "SELECT DISTINCT c.id FROM installments i JOIN obligations o ON o.id = i.obligation_id "
        "JOIN cases c ON c.id = o.case_id"
    )
    q.range("i.due_date", low, high)
    if Exclusion.CLOSED in rule.exclusions:
        q.add("+c.status = ?", _OPEN)
    return q


def _case_conditions(q: _Query, rule: Rule, handler_id: int | None) -> None:
    """The exclusions that are plain columns of ``cases c`` (the engine checks them again).

    The unary + keeps SQLite from driving the query by these low-selectivity columns' indexes: the date
    range is what narrows a million cases to a few thousand.
    """
    stages = _stage_list(rule)
    if stages is not None and not q.by_stage:
        q.add(f"+c.stage IN ({', '.join('?' * len(stages))})", *stages)
    if Exclusion.PERFORMED in rule.exclusions:
        q.add("(c.due_fen = 0 OR c.paid_fen < c.due_fen)")
        if Exclusion.CLOSED not in rule.exclusions:
            q.add("+c.status <> ?", CaseStatus.PERFORMED.value)
    if Exclusion.PUBLIC_NOTICE in rule.exclusions:
        q.add("+c.public_notice = 0")
    if Exclusion.NO_OBLIGATION in rule.exclusions:
        q.add("EXISTS (SELECT 1 FROM obligations o WHERE o.case_id = c.id)")
    if handler_id is not None:
        q.add("+c.handler_id = ?", handler_id)


def _no_contact_since(q: _Query, event_sql: str, offset: int, rule_id: str | None = None) -> None:
    """No contact on or after ``event + offset`` days (a contact would have answered the reminder); with
    ``rule_id``, no contact recorded for that rule (the rules only such a contact answers).

    ``cases.last_contact_at`` (db/0005) answers it for most cases without a look at ``contacts``."""
    since = event_sql if offset == 0 else f"date({event_sql}, '{offset:+d} days')"
    none_since = f"(c.last_contact_at IS NULL OR c.last_contact_at < {since}"  # from the index alone
    if rule_id is None:
        q.add(none_since + ")")
    else:
        q.add(
            f"{none_since} OR NOT EXISTS "
            f"(SELECT 1 FROM contacts t WHERE t.case_id = c.id AND t.rule_id = ? AND t.at >= {since}))",
            rule_id,
        )


def _unanswered(q: _Query, rule: Rule, event_sql: str) -> None:
    """Leave out the cases whose reminder counted from ``event_sql`` a recorded contact has answered.

    ``event_sql`` must be the event date itself, or a date no earlier (then fewer cases are left out,
    and the engine decides the rest)."""
    if rule.answered_by is AnsweredBy.RULE:
        _no_contact_since(q, event_sql, rule.window_start, rule.id)
    else:
        _no_contact_since(q, event_sql, 0 if rule.answered_by is AnsweredBy.EVENT else rule.window_start)


def _latest_period_end(period: Period, start_sql: str) -> str:
    """A date no earlier than the end of ``period`` from ``start_sql`` (民诉法 §85): SQLite's month
    arithmetic runs over a short month's end, and no run of rest days is longer than a fortnight."""
    unit = {PeriodUnit.DAY: "days", PeriodUnit.MONTH: "months", PeriodUnit.YEAR: "years"}[period.unit]
    return f"date({start_sql}, '+{period.count} {unit}', '+{_FORTNIGHT.days} days')"


_HAS_INSTALLMENTS = (
    "EXISTS (SELECT 1 FROM obligations o JOIN installments i ON i.obligation_id = o.id "
    "WHERE o.case_id = c.id{clause})"
)


def _first_paid_query(rule: Rule, low: date | None, high: date) -> _Query:
    """Cases with installments and a payment in [low, high] (the payment that covered the first
    installment is one of them) whose next unpaid slice is not due yet on the day asked about.

    Open-ended, driven by the open cases paying whose next slice is still to come; a few days, by the
    payments' date index."""
    today = high + timedelta(days=rule.window_start)
    if low is None and Exclusion.CLOSED in rule.exclusions:
        q = _Query(
            "SELECT DISTINCT c.id FROM cases c INDEXED BY reminders_open_next_due "
            "CROSS JOIN payments p INDEXED BY payments_case ON p.case_id = c.id"
        )
        q.add(f"c.status = '{_OPEN}'")
        q.add("c.next_due_date > ?", today.isoformat())
        q.add("c.paid_fen > 0")
    else:
        q = _Query("SELECT DISTINCT c.id FROM payments p JOIN cases c ON c.id = p.case_id")
        if Exclusion.CLOSED in rule.exclusions:
            q.add("+c.status = ?", _OPEN)
        q.add("+c.next_due_date > ?", today.isoformat())
    q.range("p.paid_on", low, high)
    q.add(_HAS_INSTALLMENTS.format(clause=""))
    _unanswered(q, rule, "p.paid_on")
    return q


def _installment_queries(rule: Rule, low: date | None, high: date) -> list[_Query]:
    placeholders = ", ".join("?" * len(_ACCELERATING))
    if rule.event is EventKind.FIRST_INSTALLMENT_PAID:
        return [_first_paid_query(rule, low, high)]
    if rule.event is EventKind.INSTALLMENT_DUE:
        # every unpaid installment in the window; an unpaid one is due on or after the first unpaid slice
        q = _by_installment(rule, low, high)
        q.add("c.next_due_date <= i.due_date")
        return [q]
    # installment_late / installment_default count from the first unpaid slice: cases.next_due_date
    q = _by_date(rule, "next_due_date", low, high)
    _unanswered(q, rule, "c.next_due_date")
    if rule.event is EventKind.INSTALLMENT_DEFAULT:
        q.add(_HAS_INSTALLMENTS.format(clause=f" AND o.default_clause IN ({placeholders})"), *_ACCELERATING)
    elif Exclusion.ACCELERATED in rule.exclusions:
        # a late installment under an acceleration clause is the other rule's: the first unpaid slice can
        # only be this rule's if the case has a plan without one, or a sum payable at once
        q.add(_HAS_INSTALLMENTS.format(clause=""))
        q.add(
            f"({_HAS_INSTALLMENTS.format(clause=f' AND o.default_clause NOT IN ({placeholders})')} OR "
            "EXISTS (SELECT 1 FROM obligations o2 WHERE o2.case_id = c.id AND o2.kind = '金钱给付' AND "
            "NOT EXISTS (SELECT 1 FROM installments i2 WHERE i2.obligation_id = o2.id)))",
            *_ACCELERATING,
        )
    else:
        q.add(_HAS_INSTALLMENTS.format(clause=""))
    return [q]


def _candidate_queries(
    rule: Rule, low: date | None, high: date, handler_id: int | None, table: HolidayTable
) -> list[_Query]:
    """The queries selecting the cases with an occurrence of ``rule``'s event in [low, high]."""
    kind = rule.event
    queries: list[_Query] = []
    if kind is EventKind.DEADLINE:
        q = _by_date(rule, "deadline", low, high)
        _unanswered(q, rule, "c.deadline")
        queries.append(q)
    elif kind is EventKind.PERFORMANCE_START:
        effective = _by_date(rule, "effective_date", low, high)
        filing = _by_date(rule, "filing_date", low, high)
        filing.add("c.effective_date IS NULL")
        for q in (effective, filing):
            _unanswered(q, rule, "coalesce(c.effective_date, c.filing_date)")
            queries.append(q)
    elif kind in _INSTALLMENT_EVENTS:
        queries.extend(_installment_queries(rule, low, high))
    elif kind is EventKind.PRE_ENFORCEMENT_END:
        q = _by_event(rule, CaseEventKind.PRE_ENFORCEMENT, low)
        starts_range = _period_start_range(rule, low, high, table)
        ends = _Query("")
        ends.range("e.end_date", low, high)
        starts = _Query("")
        if starts_range is None:
            starts.add("1 = 0")
        else:
            starts.range("e.start_date", *starts_range)
        q.add(
            f"((e.end_date IS NOT NULL AND {ends.where[0]}) OR (e.end_date IS NULL AND {starts.where[0]}))",
            *ends.params,
            *starts.params,
        )
        assert rule.period is not None
        _unanswered(q, rule, f"coalesce(e.end_date, {_latest_period_end(rule.period, 'e.start_date')})")
        queries.append(q)
        if starts_range is not None:
            q = _by_date(rule, "filing_date", *starts_range)
            q.add("c.cn_local = 1 AND substr(c.cn_type_code, 1, 1) = '执'")  # CaseNumber.is_pre_enforcement
            _unanswered(q, rule, _latest_period_end(rule.period, "c.filing_date"))
            queries.append(q)
    elif kind in (EventKind.NOTICE_END, EventKind.CREDIT_REPAIR_END):
        notice = rule.notice if kind is EventKind.NOTICE_END else CaseEventKind.CREDIT_PROMISE
        assert notice is not None
        q = _by_event(rule, notice, low)
        q.range("e.end_date", low, high)
        _unanswered(q, rule, "e.end_date")
        queries.append(q)
    else:  # ENFORCEMENT_PERIOD_END: counted from the deadline, else from the effective date
        starts_range = _period_start_range(rule, low, high, table)
        if starts_range is not None:
            queries.append(_by_date(rule, "deadline", *starts_range))
            q = _by_date(rule, "effective_date", *starts_range)
            q.add("c.deadline IS NULL")
            q.add("EXISTS (SELECT 1 FROM obligations o WHERE o.case_id = c.id)")
            queries.append(q)
    for q in queries:
        _case_conditions(q, rule, handler_id)
    return queries


def handler_id(db: Database, name: str) -> int | None:
    row = db.execute("SELECT id FROM handlers WHERE name = ?", [name]).fetchone()
    return None if row is None else int(row[0])


def candidates(
    db: Database,
    rules: Sequence[Rule],
    today: date,
    table: HolidayTable,
    handler: str | None = None,
) -> dict[str, list[int]]:
    """For each enabled rule, the ids of the cases it may remind about today (a superset)."""
    hid: int | None = None
    if handler:
        hid = handler_id(db, handler)
        if hid is None:
            return {rule.id: [] for rule in rules}
    out: dict[str, list[int]] = {}
    for rule in rules:
        if not rule.enabled:
            continue
        low, high = _event_range(rule, today)
        out[rule.id] = sorted(_select(db, rule, low, high, hid, table))
    return out


def _select(
    db: Database, rule: Rule, low: date | None, high: date, hid: int | None, table: HolidayTable
) -> set[int]:
    ids: set[int] = set()
    for q in _candidate_queries(rule, low, high, hid, table):
        ids.update(r[0] for r in db.conn.execute(q.text(), q.params))
    return ids


def edge_cases(
    db: Database, rules: Sequence[Rule], before: date, after: date, table: HolidayTable
) -> dict[int, set[str]]:
    """The cases whose reminders may differ between the boards of two days (everything else is kept),
    each with the rules whose reminders may differ.

    A reminder's reason does not depend on the day, so between two days only the reminders whose event
    enters or leaves the rule's window change: the events in the two slices between the windows of the
    two days. A 履行承诺 falling due in between changes the ``commitment_overdue`` exclusion, and a next
    unpaid slice falling due ends a ``first_installment_paid`` reminder (going forward, only one on the
    kept board, which is the board of ``before``).
    """
    first, last = min(before, after), max(before, after)
    if first == last:
        return {}
    one = timedelta(days=1)
    plan: dict[int, set[str]] = {}

    def add(ids: Iterable[int], rule_ids: Iterable[str]) -> None:
        for case_id in ids:
            plan.setdefault(case_id, set()).update(rule_ids)

    for rule in rules:
        if not rule.enabled:
            continue
        start, end = timedelta(days=rule.window_start), timedelta(days=rule.window_end)
        add(_select(db, rule, first - start + one, last - start, None, table), (rule.id,))  # entering
        if rule.keep_days is not None:
            gone = end + timedelta(days=rule.keep_days)
            add(_select(db, rule, first - gone, last - gone - one, None, table), (rule.id,))  # leaving
        if (
            rule.event is EventKind.FIRST_INSTALLMENT_PAID
        ):  # leaving as the next slice falls due (back: returning)
            sql = "SELECT id FROM cases c WHERE next_due_date BETWEEN ? AND ? AND paid_fen > 0"
            params: tuple[str, ...] = (first.isoformat(), last.isoformat())
            if after > before:  # forward, only a warning on the kept board can leave
                sql += " AND EXISTS (SELECT 1 FROM reminder_board b WHERE b.case_id = c.id AND b.rule_id = ?)"
                params += (rule.id,)
            add((r[0] for r in db.conn.execute(sql, params)), (rule.id,))
    add(
        (
            r[0]
            for r in db.conn.execute(
                "SELECT case_id FROM case_events WHERE kind = ? AND end_date BETWEEN ? AND ?",
                (CaseEventKind.COMMITMENT.value, first.isoformat(), (last - one).isoformat()),
            )
        ),
        [r.id for r in rules if Exclusion.COMMITMENT_OVERDUE in r.exclusions],
    )
    return plan


def period_cases_near(
    db: Database,
    rules: Sequence[Rule],
    today: date,
    ends: Iterable[tuple[HolidayTable, Sequence[tuple[date, date]]]],
) -> dict[int, set[str]]:
    """The cases a rule with a period may remind about today with its period, computed with a table,
    ending within one of that table's runs of days (``ends``: table, runs), each with those rules: after
    a holiday change, the cases they may now remind about
    (:meth:`desktop.core.reminders.HolidayChange.period_ends`)."""
    plan: dict[int, set[str]] = {}
    for table, runs in ends:
        for rule in rules:
            if not rule.enabled or rule.period is None:
                continue
            low, high = _event_range(rule, today)
            for first, last in runs:
                first, last = first if low is None else max(low, first), min(high, last)
                if first <= last:
                    for case_id in _select(db, rule, first, last, None, table):
                        plan.setdefault(case_id, set()).add(rule.id)
    return plan


def explain_candidates(db: Database, rules: Sequence[Rule], today: date, table: HolidayTable) -> list[str]:
    """The query plans of the candidate queries (for tests and benchmarks: every one uses an index)."""
    plans = []
    for rule in rules:
        low, high = _event_range(rule, today)
        for q in _candidate_queries(rule, low, high, None, table):
            rows = db.conn.execute("EXPLAIN QUERY PLAN " + q.text(), q.params).fetchall()
            plans.append(f"{rule.id}: " + " | ".join(str(r[3]) for r in rows))
    return plans


# ---------------------------------------------------------------- facts


def _fill_temp(conn: Connection, name: str, ids: Iterable[int]) -> None:
    """A temporary table of ids, filled by one statement (one implicit transaction, not one per row).

    Queries put it first with CROSS JOIN: SQLite has no statistics on it and would otherwise scan the
    big table and probe the ids. A server is given its statistics instead."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY)")
    conn.execute(f"DELETE FROM temp.{name}")
    conn.execute(
        f"INSERT OR IGNORE INTO temp.{name} (id) SELECT value FROM json_each(?)",
        (json.dumps(sorted(ids)),),
    )
    if dialect(conn) == "postgresql":
        # a server plans with statistics: without them it takes a temporary table for thousands of
        # rows and scans the big table it is joined to (40 ms for one case's events on a million)
        conn.execute(f"ANALYZE {name}")


# Values read a hundred thousand times: parse each distinct text once.
_STAGES = {s.value: s for s in Stage}
_STATUSES = {s.value: s for s in CaseStatus}
_CLAUSES = {c.value: c for c in DefaultClause}


class _Dates(dict[str, date]):
    def __missing__(self, key: str) -> date:
        value = self[key] = date.fromisoformat(key)
        return value


def _d(text: str | None, cache: _Dates | None = None) -> date | None:
    if not text:
        return None
    return cache[text] if cache is not None else date.fromisoformat(text)


_OWING = ", ".join(f"'{r.value}'" for r in PartyRole if r.owes)
_FACTS_SQL = (
    "SELECT c.id, c.case_number, c.stage, c.status, coalesce(h.name, ''), c.parties_text, c.public_notice, "
    "c.filing_date, c.effective_date, c.deadline, c.cn_local, c.cn_type_code, c.due_fen, c.paid_fen, "
    "EXISTS (SELECT 1 FROM obligations o WHERE o.case_id = c.id) "
    "FROM temp.reminder_cases k CROSS JOIN cases c ON c.id = k.id LEFT JOIN handlers h ON h.id = c.handler_id"
)
# eligibility.contact_facts in SQL: a party who owes, and one of them with a phone or an address (read
# only for the cases of rules that need it: the parties are the most of what a case's facts cost to read)
_CONTACT_SQL = (
    f"SELECT k.id, EXISTS (SELECT 1 FROM parties p WHERE p.case_id = k.id AND p.role IN ({_OWING})), "
    f"EXISTS (SELECT 1 FROM parties p WHERE p.case_id = k.id AND p.role IN ({_OWING}) "
    "AND (trim(p.phone) <> '' OR trim(p.address) <> '')) FROM temp.reminder_reach k"
)
_PLANS_SQL = (
    "SELECT DISTINCT o.case_id FROM temp.reminder_plans k CROSS JOIN obligations o ON o.case_id = k.id "
    "JOIN installments i ON i.obligation_id = o.id"
)
_SCHEDULE_SQL = (
    "SELECT o.case_id, o.position, o.amount_fen, o.due_date, o.default_clause, "
    "       i.seq, i.due_date, i.amount_fen "
    "FROM temp.reminder_plans k CROSS JOIN obligations o ON o.case_id = k.id "
    "LEFT JOIN installments i ON i.obligation_id = o.id "
    "WHERE o.kind = '金钱给付'"
)


def _payment_order(slices: list[Slice]) -> tuple[Slice, ...]:
    """The order :func:`desktop.core.ledger.balance` applies payments in: by due date (undated last),
    ties in obligation order, then installment number."""
    slices.sort(key=lambda s: (s.due_date is None, s.due_date or date.max, s.obligation, s.seq))
    return tuple(slices)


def needs_schedule(rule: Rule) -> bool:
    """Whether ``rule`` reads a case's installments (its schedule, its payments or whether it has any)."""
    return rule.event in _INSTALLMENT_EVENTS or (Exclusion.INSTALLMENT_PLAN in rule.exclusions)


def load_facts(
    db: Database,
    ids: Iterable[int],
    detail: Iterable[int] | None = None,
    contact: Iterable[int] | None = None,
) -> dict[int, CaseFacts]:
    """The facts of the cases ``ids`` (missing ids are left out).

    ``has_installments`` and ``schedule`` are read only for the cases in ``detail`` (default: all): the
    board asks for them only where a rule reading installments (:func:`needs_schedule`) looks; the
    other cases' facts serve the rules that do not. Likewise whether the debtors' contact details are
    known (``contact_missing``) is read only for the cases in ``contact`` (default: all), where a rule
    serving them a document (:attr:`~desktop.core.reminders.Rule.needs_contact`) looks.
    """
    conn = db.conn
    dates = _Dates()
    ids = set(ids)
    _fill_temp(conn, "reminder_cases", ids)
    rows = conn.execute(_FACTS_SQL).fetchall()
    reachable = ids if contact is None else set(contact) & ids
    reach: dict[int, str] = {}
    if reachable:  # (a server answers each statement over the network)
        _fill_temp(conn, "reminder_reach", reachable)
        reach = {r[0]: missing_contact(bool(r[1]), bool(r[2])) for r in conn.execute(_CONTACT_SQL)}
    deadlines = {r[0]: r[9] for r in rows}
    _fill_temp(conn, "reminder_plans", ids if detail is None else set(detail) & ids)
    plans = {r[0] for r in conn.execute(_PLANS_SQL)}
    schedules: dict[int, list[Slice]] = {}
    if plans:
        _fill_temp(conn, "reminder_plans", plans)
        for cid, position, amount, ob_due, clause, seq, inst_due, inst_amount in conn.execute(_SCHEDULE_SQL):
            dc = _CLAUSES[clause]
            if seq is None:
                piece = Slice(_d(ob_due or deadlines[cid], dates), amount, position, 0, dc)
            else:
                piece = Slice(_d(inst_due, dates), inst_amount, position, seq, dc)
            schedules.setdefault(cid, []).append(piece)
    payments: dict[int, list[tuple[date, int]]] = {}
    if plans:
        for cid, day, fen in conn.execute(
            "SELECT p.case_id, p.paid_on, p.amount_fen FROM temp.reminder_plans k "
            "CROSS JOIN payments p ON p.case_id = k.id ORDER BY p.case_id, p.paid_on, p.id"
        ):
            payments.setdefault(cid, []).append((dates[day], fen))
    events = _events_by_case(conn)
    contacts: dict[int, list[ContactMark]] = {}
    for cid, day, rule_id in conn.execute(
        "SELECT t.case_id, substr(t.at, 1, 10), t.rule_id FROM temp.reminder_cases k "
        "CROSS JOIN contacts t ON t.case_id = k.id"
    ):
        contacts.setdefault(cid, []).append(ContactMark(dates[day], rule_id))
    out: dict[int, CaseFacts] = {}
    for (
        cid,
        number,
        stage,
        status,
        handler,
        parties,
        public_notice,
        filing,
        effective,
        deadline,
        local,
        type_code,
        due,
        paid,
        has_obligation,
    ) in rows:
        out[cid] = CaseFacts(
            cid,
            number,
            _STAGES[stage],
            _STATUSES[status],
            handler,
            debtor_names(parties),
            bool(public_notice),
            _d(filing, dates),
            _d(effective, dates),
            _d(deadline, dates),
            bool(local) and type_code.startswith("执"),
            due,
            paid,
            cid in plans,
            _payment_order(schedules[cid]) if cid in schedules else (),
            tuple(events[cid]) if cid in events else (),
            tuple(contacts[cid]) if cid in contacts else (),
            bool(has_obligation),
            tuple(payments[cid]) if cid in payments else (),
            reach.get(cid, ""),
        )
    return out


def _event_of(row: Sequence[Any]) -> CaseEvent:
    return CaseEvent(CaseEventKind(row[1]), date.fromisoformat(row[2]), _d(row[3]), row[4], row[5])


def _events_by_case(conn: Connection) -> dict[int, list[CaseEvent]]:
    out: dict[int, list[CaseEvent]] = {}
    for row in conn.execute(
        "SELECT e.case_id, e.kind, e.start_date, e.end_date, e.note, e.id FROM temp.reminder_cases k "
        "CROSS JOIN case_events e ON e.case_id = k.id ORDER BY e.start_date, e.id"
    ):
        out.setdefault(row[0], []).append(_event_of(row))
    return out


# ---------------------------------------------------------------- writes (inside the caller's transaction)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def case_number(conn: Connection, case_id: int) -> str | None:
    row = conn.execute("SELECT case_number FROM cases WHERE id = ?", (case_id,)).fetchone()
    return None if row is None else str(row[0])


def write_state(conn: Connection, state: ReminderState, actor: str, number: str) -> None:
    before = conn.execute(
        "SELECT state, until, reason FROM reminder_state WHERE case_id = ? AND rule_id = ? AND due_date = ?",
        (state.case_id, state.rule_id, state.due_date.isoformat()),
    ).fetchone()
    conn.execute(
        "INSERT INTO reminder_state (case_id, rule_id, due_date, state, until, reason, at, by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, rule_id, due_date) DO UPDATE SET "
        "state = excluded.state, until = excluded.until, reason = excluded.reason, at = excluded.at, "
        "by = excluded.by",
        (
            state.case_id,
            state.rule_id,
            state.due_date.isoformat(),
            state.state.value,
            _iso(state.until),
            state.reason,
            _now(),
            actor,
        ),
    )
    detail: dict[str, object] = {
        "rule": state.rule_id,
        "due_date": state.due_date.isoformat(),
        "state": state.state.value,
        "until": _iso(state.until),
        "reason": state.reason,
    }
    if before is not None:
        detail["before"] = {"state": before[0], "until": before[1], "reason": before[2]}
    record(conn, actor, f"reminder.{state.state.value}", "case", state.case_id, number, detail)


def insert_event(conn: Connection, case_id: int, event: CaseEvent, actor: str, number: str) -> int:
    cur = conn.execute(
        "INSERT INTO case_events (case_id, kind, start_date, end_date, note, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (case_id, event.kind.value, event.start.isoformat(), _iso(event.end), event.note, _now(), actor),
    )
    event_id = int(cur.fetchone()[0])
    record(
        conn, actor, "case_event.create", "case_event", event_id, number,
        {"case_id": case_id, "kind": event.kind.value, "start": event.start.isoformat(),
         "end": _iso(event.end), "note": event.note},
    )  # fmt: skip
    return event_id


def delete_event(conn: Connection, event_id: int, actor: str) -> int | None:
    row = conn.execute(
        "SELECT e.case_id, e.kind, e.start_date, e.end_date, e.note, e.id, c.case_number "
        "FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.id = ?",
        (event_id,),
    ).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM case_events WHERE id = ?", (event_id,))
    record(
        conn, actor, "case_event.delete", "case_event", event_id, row[6],
        {"case_id": row[0], "kind": row[1], "start": row[2], "end": row[3], "note": row[4]},
    )  # fmt: skip
    return int(row[0])


def events_of_case(db: Database, case_id: int) -> list[CaseEvent]:
    rows = db.conn.execute(
        "SELECT case_id, kind, start_date, end_date, note, id FROM case_events WHERE case_id = ? "
        "ORDER BY start_date, id",
        (case_id,),
    ).fetchall()
    return [_event_of(r) for r in rows]


# ---------------------------------------------------------------- the board cache (reminder_board)


class BoardMeta(NamedTuple):
    day: date
    audit_id: int
    max_case_id: int
    fingerprint: str


def board_holidays(db: Database) -> str | None:
    """The holiday table (its JSON) the kept board was built with, if known."""
    row = db.conn.execute("SELECT holidays FROM reminder_board_meta WHERE id = 1").fetchone()
    return None if row is None else row[0]


def board_meta(db: Database) -> BoardMeta | None:
    row = db.conn.execute(
        "SELECT day, audit_id, max_case_id, fingerprint FROM reminder_board_meta WHERE id = 1"
    ).fetchone()
    return None if row is None else BoardMeta(date.fromisoformat(row[0]), row[1], row[2], row[3])


class AheadMeta(NamedTuple):
    day: date  # the day the prepared lines are for
    base_day: date  # the kept board's day they roll from
    audit_id: int
    max_case_id: int
    fingerprint: str
    cases: frozenset[int]  # the cases whose lines they are

    def serves(self, base_day: date, day: date, fingerprint: str) -> bool:
        """Whether these lines roll a board kept for ``base_day`` to ``day`` with the same rules."""
        return (self.base_day, self.day, self.fingerprint) == (base_day, day, fingerprint)


def ahead_meta(db: Database) -> AheadMeta | None:
    row = db.conn.execute(
        "SELECT day, base_day, audit_id, max_case_id, fingerprint, cases FROM reminder_board_ahead_meta "
        "WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    day, base, audit_id, max_case, fingerprint, cases = row
    return AheadMeta(
        date.fromisoformat(day), date.fromisoformat(base), audit_id, max_case, fingerprint,
        frozenset(json.loads(cases)),
    )  # fmt: skip


class _NotNow(Exception):
    """The database cannot take a derived write now (read-only, busy, or inside another transaction)."""


@contextlib.contextmanager
def _derived_write(db: Database) -> Iterator[Connection]:
    """One transaction for derived data (the kept board): the caller's statements commit together, or
    :class:`_NotNow` is raised with nothing written when the database cannot be written now."""
    conn = db.conn
    if conn.in_transaction or is_read_only(db):
        raise _NotNow
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _NotNow from exc
    try:
        # a server's PCs bringing the board up to date at once take turns (rather than deadlock
        # over the lines they both replace)
        serialize(conn, "reminder_board")
        yield conn
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise _NotNow from exc
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def write_ahead(db: Database, meta: AheadMeta, items: Iterable[ReminderItem]) -> bool:
    """Keep ``items`` as the lines of ``meta.cases`` on ``meta.day`` (replacing what was kept before).
    Derived data, not audited; False when the database cannot be written now (as :func:`write_board`)."""
    try:
        with _derived_write(db) as conn:
            conn.execute("DELETE FROM reminder_board_ahead")
            conn.executemany(
                f"INSERT INTO reminder_board_ahead ({_BOARD_COLUMNS}) VALUES ({', '.join('?' * 17)})",
                sorted(_board_row(i) for i in items),
            )
            conn.execute(
                "INSERT INTO reminder_board_ahead_meta (id, day, base_day, audit_id, max_case_id, "
                "fingerprint, cases) VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "day = excluded.day, base_day = excluded.base_day, audit_id = excluded.audit_id, "
                "max_case_id = excluded.max_case_id, fingerprint = excluded.fingerprint, "
                "cases = excluded.cases",
                (
                    meta.day.isoformat(),
                    meta.base_day.isoformat(),
                    meta.audit_id,
                    meta.max_case_id,
                    meta.fingerprint,
                    json.dumps(sorted(meta.cases)),
                ),
            )
    except _NotNow:
        return False
    return True


def kept_lines(db: Database, today: date, leave_out: set[int]) -> list[ReminderItem]:
    """The kept board's lines before stored states (days overdue counted to ``today``), but those of
    the cases ``leave_out``."""
    rows = [
        (*r, None)
        for r in db.conn.execute(f"SELECT {_BOARD_COLUMNS} FROM reminder_board")
        if r[0] not in leave_out
    ]
    return BoardRows(today, rows=rows)[:]


def answerable_lines(db: Database, case_ids: set[int]) -> dict[int, set[str]]:
    """For those of the cases ``case_ids`` the kept board has lines a contact answers of, the rules of
    those lines."""
    out: dict[int, set[str]] = {}
    for case_id, rule_id in db.conn.execute(  # the board's lines in one pass, not a look-up a case
        "SELECT case_id, rule_id FROM reminder_board WHERE answerable = 1"
    ):
        if case_id in case_ids:
            out.setdefault(case_id, set()).add(rule_id)
    return out


def board_cases(db: Database, rule_ids: Iterable[str]) -> set[int]:
    """The cases the kept board has lines of any of the rules ``rule_ids`` for."""
    ids = sorted(rule_ids)
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    return {
        r[0]
        for r in db.conn.execute(
            f"SELECT DISTINCT case_id FROM reminder_board WHERE rule_id IN ({marks})", ids
        )
    }


def board_lines_near(db: Database, runs: Sequence[tuple[date, date]]) -> list[tuple[int, str, date, date]]:
    """The kept board's lines (case id, rule id, event date, due date) whose event … due dates, window
    start included, meet one of ``runs`` (see :meth:`desktop.core.reminders.HolidayChange.near`)."""
    lines: list[tuple[int, str, date, date]] = []
    for first, last in runs:
        low, high = first.isoformat(), last.isoformat()
        lines += [
            (case_id, rule_id, date.fromisoformat(event), date.fromisoformat(due))
            for case_id, rule_id, event, due in db.conn.execute(
                "SELECT case_id, rule_id, event_date, due_date FROM reminder_board "
                "WHERE (event_date <= ? OR window_start <= ?) AND (event_date >= ? OR due_date >= ?)",
                (high, high, low, low),
            )
        ]
    return lines


def board_size(db: Database) -> int:
    """How many lines the kept board has."""
    return int(db.conn.execute("SELECT count(*) FROM reminder_board").fetchone()[0])


def current_marks(db: Database) -> tuple[int, int]:
    """The newest audit entry and the highest case id: what a board built now reflects."""
    audit, case = db.conn.execute(  # one statement (a server answers each over the network)
        "SELECT (SELECT coalesce(max(id), 0) FROM audit_log), (SELECT coalesce(max(id), 0) FROM cases)"
    ).fetchone()
    return int(audit), int(case)


def changed_cases(db: Database, since_audit_id: int, since_case_id: int) -> set[int]:
    """The cases changed after audit entry ``since_audit_id``, and any case added after ``since_case_id``.

    Every write is audited in its transaction, naming its case (``entity`` case, or the 案号 of a
    contact, an event, a document). Entries naming no case (settings, holidays, exports, reprints) cannot
    change a reminder: the rules and the holiday table are in the board's fingerprint. One statement (a
    server answers each over the network).
    """
    return {
        int(r[0])
        for r in db.conn.execute(
            "SELECT entity_id FROM audit_log WHERE id > ? AND entity = 'case' AND entity_id IS NOT NULL "
            "UNION SELECT c.id FROM audit_log a JOIN cases c ON c.case_number = a.case_number "
            "WHERE a.id > ? AND a.case_number <> '' AND NOT (a.entity = 'case' AND a.entity_id IS NOT NULL) "
            "UNION SELECT id FROM cases WHERE id > ?",
            (since_audit_id, since_audit_id, since_case_id),
        )
    }


# A gap in a server's audit ids newer than this may be a transaction still running; an older one is a
# transaction that was rolled back (no write of this program runs for minutes).
IN_FLIGHT = timedelta(minutes=10)
# How far back a board built from every case looks for such gaps.
_GAP_LOOKBACK = 10_000


def settled_mark(db: Database, since: int | None, upto: int, now: datetime | None = None) -> int:
    """The audit id up to which every entry is committed, at most ``upto`` (the newest seen).

    On SQLite writers take turns, so entries commit in id order: ``upto``. On a server two clerks'
    transactions take ids as they write and may commit in the other order: an entry still uncommitted
    has an id below ones already seen. A board marked past it would never look at that case, so the
    mark stops below the first gap that may be such a transaction (newer than :data:`IN_FLIGHT`).
    ``since``: the mark before, if any (never more than :data:`_GAP_LOOKBACK` entries back).
    """
    if dialect(db) == "sqlite":
        return upto
    low = max(upto - _GAP_LOOKBACK, since or 0)
    recent = (now or datetime.now().astimezone()) - IN_FLIGHT
    expected = low + 1
    for entry_id, at in db.conn.execute(
        "SELECT id, at FROM audit_log WHERE id > ? AND id <= ? ORDER BY id", (low, upto)
    ):
        if entry_id != expected and datetime.fromisoformat(at) > recent:
            return expected - 1
        expected = entry_id + 1
    return upto


_BOARD_COLUMNS = (
    "case_id, rule_id, due_date, case_number, title, event_date, window_start, reason, suggested_form, "
    "suggested_form_title, provisional, advisory, handler, party, owed_fen, stage, answerable"
)

_BOARD_UPDATE = ", ".join(f"{c} = excluded.{c}" for c in _BOARD_COLUMNS.replace(" ", "").split(",")[3:])


def _board_row(i: ReminderItem) -> tuple[object, ...]:
    return (
        i.case_id,
        i.rule_id,
        i.due_date.isoformat(),
        i.case_number,
        i.title,
        i.event_date.isoformat(),
        i.window_start.isoformat(),
        i.reason,
        i.suggested_form,
        i.suggested_form_title,
        int(i.provisional),
        int(i.advisory),
        i.handler,
        i.party,
        i.owed_fen,
        i.stage,
        int(i.answerable_by_contact),
    )


_STAGED = "reminder_staged"


def stage_board(db: Database, items: Iterable[ReminderItem], fresh: bool = False) -> None:
    """Keep lines of a board being built from every case in a temporary table of this connection
    (``fresh``: empty it first), so the lines need not all be held in memory until
    :func:`write_board` stores them (``staged=True``). Only the temporary table is written."""
    conn = db.conn
    conn.execute("BEGIN")  # one transaction for the lines (a temporary table: no lock on the database)
    try:
        if fresh:
            conn.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_STAGED} AS SELECT * FROM reminder_board WHERE 0 = 1"
            )
            conn.execute(f"DELETE FROM temp.{_STAGED}")
        conn.executemany(
            f"INSERT INTO temp.{_STAGED} ({_BOARD_COLUMNS}) VALUES ({', '.join('?' * 17)})",
            sorted(_board_row(i) for i in items),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# The lines of the cases in temp.reminder_recount, added to (sign "") or taken from (sign "-") the board's
# counts per due date and handler.
_DAYS_OF = (
    "INSERT INTO reminder_board_days (due_date, handler, lines) "
    "SELECT due_date, handler, {sign}count(*) FROM reminder_board "
    "WHERE case_id IN (SELECT id FROM temp.reminder_recount) GROUP BY due_date, handler "
    "ON CONFLICT (due_date, handler) DO UPDATE SET lines = reminder_board_days.lines + excluded.lines"
)


def write_board(
    db: Database,
    meta: BoardMeta,
    items: Iterable[ReminderItem],
    cases: set[int] | None,
    staged: bool = False,
    from_ahead: Iterable[int] = (),
    holidays: str | None = None,
    rules_of: Sequence[tuple[set[int], Iterable[str]]] = (),
) -> bool:
    """Store ``items`` as the board of ``meta`` (all of it, or replacing only ``cases``' lines);
    ``staged``: the whole board is the lines :func:`stage_board` kept; ``from_ahead``: cases (among
    ``cases``) whose new lines are those :func:`write_ahead` prepared; ``holidays``: the holiday table it
    is built with (None: the one kept before); ``rules_of``: cases (not among ``cases``) with rules, each
    case's lines of those rules alone replaced.

    Derived data, not audited. Returns False without raising when the database cannot be written now
    (read-only, or busy): the board is then simply computed again next time.
    """
    items = list(items)
    rows = sorted(_board_row(i) for i in items)  # in key order: appended to the b-tree, not scattered
    try:
        with _derived_write(db) as conn:
            if staged:
                conn.execute("DELETE FROM reminder_board")
                conn.execute(
                    f"INSERT INTO reminder_board ({_BOARD_COLUMNS}) SELECT {_BOARD_COLUMNS} "
                    f"FROM temp.{_STAGED} ORDER BY case_id, rule_id, due_date"
                )
                conn.execute(f"DELETE FROM temp.{_STAGED}")
            elif cases is None:
                conn.execute("DELETE FROM reminder_board")
            else:
                some = {c for group, _rules in rules_of for c in group}
                _fill_temp(conn, "reminder_recount", cases | some | {i.case_id for i in items})
                conn.execute(_DAYS_OF.format(sign="-"))  # their lines leave the day counts
                _fill_temp(conn, "reminder_changed", cases)
                conn.execute(
                    "DELETE FROM reminder_board WHERE case_id IN (SELECT id FROM temp.reminder_changed)"
                )
                for group, group_rules in rules_of:
                    rule_ids = sorted(group_rules)
                    if group and rule_ids:
                        _fill_temp(conn, "reminder_changed", group)
                        conn.execute(
                            "DELETE FROM reminder_board WHERE case_id IN (SELECT id FROM "
                            f"temp.reminder_changed) AND rule_id IN ({', '.join('?' * len(rule_ids))})",
                            rule_ids,
                        )
                _fill_temp(conn, "reminder_changed", from_ahead)
                conn.execute(
                    f"INSERT INTO reminder_board ({_BOARD_COLUMNS}) SELECT {_BOARD_COLUMNS} FROM "
                    "reminder_board_ahead WHERE case_id IN (SELECT id FROM temp.reminder_changed)"
                )
            conn.executemany(
                f"INSERT INTO reminder_board ({_BOARD_COLUMNS}) VALUES ({', '.join('?' * 17)}) "
                f"ON CONFLICT (case_id, rule_id, due_date) DO UPDATE SET {_BOARD_UPDATE}",
                rows,
            )
            if staged or cases is None:
                conn.execute("DELETE FROM reminder_board_days")
                conn.execute(
                    "INSERT INTO reminder_board_days (due_date, handler, lines) "
                    "SELECT due_date, handler, count(*) FROM reminder_board GROUP BY due_date, handler"
                )
            else:
                conn.execute(_DAYS_OF.format(sign=""))  # and their new lines come in
                conn.execute("DELETE FROM reminder_board_days WHERE lines = 0")
            conn.execute(
                "INSERT INTO reminder_board_meta (id, day, audit_id, max_case_id, fingerprint, holidays) "
                "VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET day = excluded.day, "
                "audit_id = excluded.audit_id, max_case_id = excluded.max_case_id, "
                "fingerprint = excluded.fingerprint, "
                "holidays = coalesce(excluded.holidays, reminder_board_meta.holidays)",
                (meta.day.isoformat(), meta.audit_id, meta.max_case_id, meta.fingerprint, holidays),
            )
    except _NotNow:
        return False
    return True


class BoardRows(Sequence[ReminderItem]):
    """The stored board's lines in display order, made into :class:`ReminderItem` only when looked at
    (a large board has tens of thousands of lines; a view shows thirty).

    Built either from all the full rows, read at once, or (``lazy``) from their number only: each page of
    rows is read by its position when first looked at, one statement a page (a server answers each
    statement over the network, and sends only what is shown).
    """

    PAGE = 100

    def __init__(
        self,
        today: date,
        rows: list[tuple[Any, ...]] | None = None,
        view: _BoardView | None = None,
        count: int = 0,
    ) -> None:
        self._rows: dict[int, tuple[Any, ...]] = dict(enumerate(rows)) if rows is not None else {}
        self._len = len(rows) if rows is not None else count
        self._view = view
        self._today = today
        self._dates = _Dates()
        self._index: dict[tuple[int, str, str], int] | None = None

    def __len__(self) -> int:
        return self._len

    def index_of(self, key: tuple[int, str, date]) -> int | None:
        """The position of the line (case id, rule id, due date), or None."""
        if self._view is not None:
            return self._view.position(key)
        if self._index is None:
            self._index = {(r[0], r[1], r[2]): i for i, r in self._rows.items()}
        return self._index.get((key[0], key[1], key[2].isoformat()))

    def _row(self, index: int) -> tuple[Any, ...]:
        row = self._rows.get(index)
        if row is None and self._view is not None:
            first = index - index % self.PAGE
            for n, found in enumerate(self._view.page(first, self.PAGE), start=first):
                self._rows[n] = found
            row = self._rows.get(index)
        if row is None:
            raise IndexError(f"line {index} left the board")
        return row

    def _item(self, r: tuple[Any, ...]) -> ReminderItem:
        dates = self._dates
        due = dates[r[2]]
        return ReminderItem(
            r[0],
            r[3],
            r[1],
            r[4],
            dates[r[5]],
            dates[r[6]],
            due,
            max((self._today - due).days, 0),
            r[7],
            r[8],
            r[9],
            bool(r[10]),
            bool(r[11]),
            r[12],
            r[13],
            r[14],
            r[15],
            bool(r[16]),
            _d(r[17], dates),
        )

    @overload
    def __getitem__(self, index: int) -> ReminderItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[ReminderItem]: ...
    def __getitem__(self, index: int | slice) -> ReminderItem | list[ReminderItem]:
        if isinstance(index, slice):
            return [self._item(self._row(i)) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._item(self._row(index))


class _BoardView:
    """The stored board's lines for one day, handler and search text, in display order: the statements
    a lazy :class:`BoardRows` reads its pages, its counts and a line's position with."""

    def __init__(self, db: Database, today: date, handler: str | None, text: str) -> None:
        self.db = db
        self.today = today
        self.sql = (
            "FROM reminder_board b "
            "LEFT JOIN reminder_state s ON s.case_id = b.case_id AND s.rule_id = b.rule_id "
            "AND s.due_date = b.due_date "
            "WHERE (s.state IS NULL OR (s.state = 'postponed' AND s.until <= ?))"
        )
        self.params: list[object] = [today.isoformat()]
        self.handler, self.text = handler, text
        if handler:
            self.sql += " AND b.handler = ?"
            self.params.append(handler)
        if text:
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            self.sql += " AND (b.case_number LIKE ? ESCAPE '\\' OR b.party LIKE ? ESCAPE '\\')"
            self.params += [like, like]
        # 案号 and rule compared character by character on both engines (a server's Chinese collation
        # would order them otherwise, and sort ten times slower)
        self.binary = "" if dialect(db) == "sqlite" else ' COLLATE "C"'
        self.order = f" ORDER BY b.due_date, b.case_number{self.binary}, b.rule_id{self.binary}"

    def select(self, columns: str, head: Sequence[object] = ()) -> tuple[str, list[object]]:
        """All the lines in display order (``head``: the parameters of ``columns``)."""
        return f"SELECT {columns} {self.sql}{self.order}", [*head, *self.params]

    def page(self, first: int, size: int) -> list[tuple[Any, ...]]:
        sql, params = self.select(_LINE_COLUMNS)
        return list(self.db.conn.execute(f"{sql} LIMIT ? OFFSET ?", [*params, size, first]))

    def counts(self) -> dict[Group, int]:
        """How many lines each group has: without a search text, the board's counts per due date (and
        handler) less the lines a stored state hides, not a count of every line."""
        day, week = self.today.isoformat(), (self.today + WEEK_AHEAD).isoformat()
        sums = (
            "SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN d < ? THEN n ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN d = ? THEN n ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN d > ? AND d <= ? THEN n ELSE 0 END), 0) "
        )
        if self.text:
            lines, params = f"(SELECT b.due_date AS d, 1 AS n {self.sql}) x", self.params
        else:
            mine, who = (" AND b.handler = ?", [self.handler]) if self.handler else ("", [])
            lines = (
                f"(SELECT b.due_date AS d, b.lines AS n FROM reminder_board_days b WHERE 1 = 1{mine} "
                "UNION ALL SELECT b.due_date, -1 FROM reminder_state s JOIN reminder_board b "
                "ON b.case_id = s.case_id AND b.rule_id = s.rule_id AND b.due_date = s.due_date "
                f"WHERE NOT (s.state = 'postponed' AND s.until IS NOT NULL AND s.until <= ?){mine}) x"
            )
            params = [*who, day, *who]
        row = self.db.conn.execute(f"{sums}FROM {lines}", [day, day, day, week, *params]).fetchone()
        total, overdue, due_today, week_ahead = (int(n) for n in row)
        return {
            Group.OVERDUE: overdue,
            Group.TODAY: due_today,
            Group.WEEK: week_ahead,
            Group.LATER: total - overdue - due_today - week_ahead,
        }

    def position(self, key: tuple[int, str, date]) -> int | None:
        """Where the line ``key`` is in display order, or None when it is not shown."""
        case_id, rule_id, due = key[0], key[1], key[2].isoformat()
        found = self.db.conn.execute(
            "SELECT b.due_date, b.case_number, b.rule_id "
            f"{self.sql} AND b.case_id = ? AND b.rule_id = ? AND b.due_date = ?",
            [*self.params, case_id, rule_id, due],
        ).fetchone()
        if found is None:
            return None
        c = self.binary
        before = self.db.conn.execute(
            f"SELECT count(*) {self.sql} AND (b.due_date < ? OR (b.due_date = ? AND "
            f"(b.case_number{c} < ?{c} OR (b.case_number = ? AND b.rule_id{c} < ?{c}))))",
            [*self.params, due, due, found[1], found[1], found[2]],
        ).fetchone()
        return int(before[0])


_LINE_COLUMNS = (
    ", ".join(f"b.{c.strip()}" for c in _BOARD_COLUMNS.split(","))
    + ", CASE WHEN s.state = 'postponed' THEN s.until END"
)


def read_board(
    db: Database, today: date, handler: str | None = None, lazy: bool = False, text: str = ""
) -> tuple[BoardRows, dict[Group, int]]:
    """The stored board's lines (for one handler) in display order, and how many each group has: by due
    date (overdue first, most overdue on top), then case number and rule; days overdue counted to
    ``today``. Lines marked done, or postponed to a later day, are left out (stored states apply as in
    :func:`desktop.core.reminders.apply_states`). ``lazy``: read only their number now, and the lines
    a page at a time as they are looked at (for a view). ``text``: only the lines whose 案号 or party
    contain it (the page's search box)."""
    view = _BoardView(db, today, handler, text)
    if lazy:
        counts = view.counts()
        return BoardRows(today, view=view, count=sum(counts.values())), counts
    sql, params = view.select(_LINE_COLUMNS)
    found = db.conn.execute(sql, params).fetchall()
    return BoardRows(today, rows=found), group_counts([r[2] for r in found], today)


def group_counts(due_dates: Sequence[str], today: date) -> dict[Group, int]:
    """Lines per group, from the ascending due dates (ISO text) of a board."""
    overdue = bisect.bisect_left(due_dates, today.isoformat())
    upto_today = bisect.bisect_right(due_dates, today.isoformat())
    week = bisect.bisect_right(due_dates, (today + WEEK_AHEAD).isoformat())
    return {
        Group.OVERDUE: overdue,
        Group.TODAY: upto_today - overdue,
        Group.WEEK: week - upto_today,
        Group.LATER: len(due_dates) - week,
    }


def board_json(db: Database, today: date, handler: str | None = None) -> Iterator[str]:
    """The stored board's lines as :func:`read_board` gives them, each as the JSON text of an object
    with the fields of :meth:`ReminderItem.as_json`, made by the database engine (a large board's tens
    of thousands of lines would take seconds as Python objects), read a few thousand at a time."""
    week = (today + WEEK_AHEAD).isoformat()
    sqlite = dialect(db) == "sqlite"
    obj = "json_object" if sqlite else "json_build_object"
    if sqlite:
        late = "max(CAST(julianday(?) - julianday(b.due_date) AS INTEGER), 0)"
        flag = "json(CASE WHEN b.{} THEN 'true' ELSE 'false' END)"
    else:
        late = "greatest(CAST(? AS date) - CAST(b.due_date AS date), 0)"
        flag = "(b.{} <> 0)"
    fields = [
        ("case_id", "b.case_id"),
        ("case_number", "b.case_number"),
        ("rule", "b.rule_id"),
        ("rule_title", "b.title"),
        (
            "group",
            "CASE WHEN b.due_date < ? THEN CAST(? AS TEXT) WHEN b.due_date = ? THEN CAST(? AS TEXT) "
            "WHEN b.due_date <= ? THEN CAST(? AS TEXT) ELSE CAST(? AS TEXT) END",
        ),
        ("event_date", "b.event_date"),
        ("due_date", "b.due_date"),
        ("window_start", "b.window_start"),
        ("window_end", "b.due_date"),
        ("days_overdue", late),
        ("handler", "b.handler"),
        ("party", "b.party"),
        ("owed_fen", "b.owed_fen"),
        ("stage", "b.stage"),
        ("suggested_form", "b.suggested_form"),
        ("suggested_form_title", "b.suggested_form_title"),
        ("reason", "b.reason"),
        ("provisional", flag.format("provisional")),
        ("advisory", flag.format("advisory")),
    ]
    day = today.isoformat()
    head = [day, Group.OVERDUE.value, day, Group.TODAY.value, week, Group.WEEK.value, Group.LATER.value, day]
    column = f"CAST({obj}(" + ", ".join(f"'{name}', {expr}" for name, expr in fields) + ") AS TEXT)"
    sql, params = _BoardView(db, today, handler, "").select(column, head)
    cursor = db.conn.execute(sql, params)
    while rows := cursor.fetchmany(2000):
        yield from (r[0] for r in rows)


def states_of(db: Database, case_ids: Iterable[int]) -> dict[tuple[int, str, date], ReminderState]:
    """The stored states of reminders of the cases ``case_ids``."""
    out: dict[tuple[int, str, date], ReminderState] = {}
    for cid, rule_id, due, state, until, reason in db.conn.execute(
        "SELECT case_id, rule_id, due_date, state, until, reason FROM reminder_state "
        "WHERE case_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(case_ids))),),
    ):
        st = ReminderState(cid, rule_id, date.fromisoformat(due), StateKind(state), _d(until), reason)
        out[st.key] = st
    return out
