"""The reminder use cases (督促看板): list the day's reminders, act on them, keep the calendar and rules.

Every write runs in one transaction, is audited, and is followed by ``workspace.notify`` so every view
refreshes. Reading the board never loads every case: :mod:`desktop.store.reminders` selects each rule's
candidate cases with indexed date ranges, and the pure engine (:mod:`desktop.core.reminders`) decides.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from desktop import paths
from desktop.core.calendar import HolidayTable, parse_holiday_json, to_json, validate_dates
from desktop.core.case_dates import DateProposal, override_problems, propose_dates
from desktop.core.errors import ValidationError
from desktop.core.model import Case, Contact, ContactMethod
from desktop.core.reminders import (
    ENGINE_VERSION,
    CaseEvent,
    Group,
    ReminderItem,
    ReminderState,
    Rule,
    StateKind,
    apply_settings,
    apply_states,
    check_event,
    evaluate,
    giving_way,
    group_of,
    holiday_change,
    parse_rules,
    rule_settings,
    suppress_covered,
    table_looks,
)
from desktop.core.validation import check_text
from desktop.services import operator
from desktop.services.workspace import CaseInvalid, Change, Workspace
from desktop.store import holidays as holiday_store
from desktop.store import reminders as store
from desktop.store import settings as settings_store
from desktop.store.audit import record
from desktop.store.cases import CaseNotFound
from desktop.store.convert import to_row
from desktop.store.database import transaction
from desktop.store.lock import is_read_only

RULES_KEY = "reminder_rules"


@functools.cache
def default_rules() -> tuple[Rule, ...]:
    """The shipped defaults (resources/rules/default-rules.json)."""
    path = paths.resources_dir() / "rules" / "default-rules.json"
    return parse_rules(path.read_text(encoding="utf-8"))


@functools.cache
def _seed_table() -> HolidayTable:
    text = (paths.resources_dir() / "holidays" / "cn-holidays.json").read_text(encoding="utf-8")
    return parse_holiday_json(text)


# More changed cases than this since the board was kept, and than the kept board has lines: rebuild it
# whole (a build from every case computes about as many cases, each rule's candidates, at about the same
# cost a case; below that, case by case is cheaper).
REBUILD_FROM = 20_000
# A board kept for a day further away than this is rebuilt rather than rolled forward.
ROLL_DAYS = 31
# Cases whose facts are loaded at once while building a board from every case (bounds the memory).
FACTS_CHUNK = 8_000
# From this many cases a view builds a board from every case off its thread (it takes seconds), and so
# it brings a kept board up to date when more than SLOW_CASES cases are to be computed again (about a
# tenth of a second a thousand cases).
BACKGROUND_FROM = 50_000
SLOW_CASES = 2_000


class _Roll(NamedTuple):
    """How a kept board is brought to today case by case (see :func:`_rolls`)."""

    rules: frozenset[str]  # the rules whose settings changed since it was kept
    holidays: HolidayTable | None  # the holiday table it was kept with, when that changed since


def _rolls(db: Any, stored: store.BoardMeta | None, fingerprint_: str, today: date) -> _Roll | None:
    """Whether the kept board can be brought to ``today`` case by case (else it is built from every case):
    kept by this engine for a day near enough, and for this holiday table or one kept with it (to compare
    with). None: build it whole."""
    if stored is None or abs((today - stored.day).days) > ROLL_DAYS:
        return None
    rules = changed_rules(stored.fingerprint, fingerprint_)
    if rules is None:
        return None
    kept_table = _table_part(stored.fingerprint)
    if kept_table == _table_part(fingerprint_):
        return _Roll(rules, None)
    text = store.board_holidays(db)
    if text is None or _digest(text)[:16] != kept_table:
        return None
    return _Roll(rules, parse_holiday_json(text))


def _merge(plan: dict[int, set[str]], more: Mapping[int, set[str]]) -> None:
    """Add ``more``'s rules of each case to ``plan``'s."""
    for case_id, rule_ids in more.items():
        plan.setdefault(case_id, set()).update(rule_ids)


def _digest(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _described(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "stages": sorted(s.value for s in r.stages),
        "event": r.event.value,
        "exclusions": sorted(e.value for e in r.exclusions),
        "answered_by": r.answered_by.value,
        "notice": r.notice.value if r.notice else None,
        "advisory": r.advisory,
        "form": [r.form_id, r.form_title],
        **rule_settings(r),
    }


def fingerprint(rules: Sequence[Rule], table: HolidayTable) -> str:
    """What a stored board was built with: the engine version, the holiday table, then each rule with its
    settings (``<engine>.<table>;<rule id>=<rule>,…``), so that a board kept under other rule settings
    tells which rules changed (:func:`changed_rules`), and whether it was kept with another holiday table."""
    rules_part = ",".join(f"{r.id}={_digest(_described(r))[:24]}" for r in rules)
    return f"{_digest(ENGINE_VERSION)[:16]}.{_digest(to_json(table))[:16]};{rules_part}"


def _table_part(fingerprint_: str) -> str:
    return fingerprint_.partition(";")[0].partition(".")[2]


def changed_rules(before: str, after: str) -> frozenset[str] | None:
    """The ids of the rules enabled, disabled or set otherwise between the fingerprints ``before`` and
    ``after``; None when the engine version differs, the rules come in another order, or ``before`` is of
    an older form: then no line of a board kept under ``before`` can be trusted."""
    base_before, sep, rules_before = before.partition(";")
    base_after, _sep, rules_after = after.partition(";")
    engine_before, dot, _table = base_before.partition(".")
    if not sep or not dot or engine_before != base_after.partition(".")[0]:
        return None
    old = dict(part.split("=", 1) for part in rules_before.split(",") if part)
    new = dict(part.split("=", 1) for part in rules_after.split(",") if part)
    if [r for r in old if r in new] != [r for r in new if r in old]:
        return None
    return frozenset(r for r in old.keys() | new.keys() if old.get(r) != new.get(r))


@dataclass(frozen=True)
class Board:
    """The reminders of one day in display order: by due date, so overdue first (most overdue on top),
    then 今日, 7日内, 以后; then by case number and rule. ``counts`` has the size of each group."""

    today: date
    items: Sequence[ReminderItem]
    handler: str | None = None
    counts: Mapping[Group, int] = field(default_factory=dict)

    def group(self, group: Group) -> list[ReminderItem]:
        return [i for i in self.items if group_of(i, self.today) is group]

    def index_of(self, key: tuple[int, str, date]) -> int | None:
        """The position of the reminder (case id, rule id, due date), or None."""
        if isinstance(self.items, store.BoardRows):
            return self.items.index_of(key)
        return next((n for n, i in enumerate(self.items) if i.key == key), None)


def _sorted_board(today: date, items: Iterable[ReminderItem], handler: str | None) -> Board:
    ordered = sorted(items, key=lambda i: (i.due_date, i.case_number, i.rule_id))
    return Board(
        today, ordered, handler, store.group_counts([i.due_date.isoformat() for i in ordered], today)
    )


def _invalid(exc: ValidationError) -> CaseInvalid:
    return CaseInvalid([exc])


class Reminders:
    """The reminder use cases on one workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @property
    def db(self) -> Any:
        return self.workspace.db

    # ------------------------------------------------------------ calendar and rules
    def holiday_table(self) -> HolidayTable:
        """The database's holiday table, given the years of the shipped file it does not cover yet (all
        of them on a fresh database)."""
        seed = _seed_table()
        if not seed.years <= holiday_store.stored_years(self.db):
            if is_read_only(self.db):  # another program holds the database: seed in memory only
                return holiday_store.seeded_table(self.db, seed)
            holiday_store.seed_missing_years(self.db, seed, self.workspace.actor)
        return holiday_store.load_table(self.db)

    def import_holidays(self, text: str, file_name: str = "") -> HolidayTable:
        """Import a holiday file as a whole (CaseInvalid with the line and reason: nothing changes)."""
        self.holiday_table()  # seed first, so an import never replaces the seed by accident
        try:
            table = holiday_store.import_file(self.db, text, self.workspace.actor, file_name)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        self.workspace.notify(Change("holidays"))
        return table

    def rules(self) -> tuple[Rule, ...]:
        """The defaults with this court's changes."""
        stored = settings_store.get_value(self.db, RULES_KEY, {})
        return apply_settings(default_rules(), stored if isinstance(stored, dict) else {})

    def set_rules(self, rules: Sequence[Rule]) -> None:
        """Store the editable settings of ``rules`` (only what differs from the defaults)."""
        defaults = {r.id: rule_settings(r) for r in default_rules()}
        changes: dict[str, dict[str, Any]] = {}
        for rule in rules:
            mine = rule_settings(rule)
            base = defaults.get(rule.id)
            if base is None:
                continue
            diff = {k: v for k, v in mine.items() if v != base[k]}
            if diff:
                changes[rule.id] = diff
        try:
            apply_settings(default_rules(), changes)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        settings_store.set_value(self.db, RULES_KEY, changes, self.workspace.actor)
        self.workspace.notify(Change("settings"))

    def me(self) -> str:
        """Whose cases 我的 shows: the person using the program (see :mod:`desktop.services.operator`)."""
        return operator.me(self.workspace)

    # ------------------------------------------------------------ the board
    def board(
        self, today: date | None = None, handler: str | None = None, lazy: bool = False, text: str = ""
    ) -> Board:
        """Every reminder due ``today`` (default: the workspace's today), optionally for one handler.

        The board is kept in the database (``reminder_board``). It is built from every case once (for the
        engine version), then kept up to date case by case: the cases the audit log shows changed since;
        on another day, the cases whose reminders enter or leave their windows; after a rules change, the
        changed rules' cases; after a holiday change, the cases whose reminders may read a changed day.
        Reopening the dashboard, acting on a reminder, starting a new day or importing a holiday file does
        not recompute a million cases.
        ``lazy``: the lines are read from the database as they are looked at (for a view). ``text``: only
        the lines whose 案号 or party contain it (spaces ignored).
        """
        text = "".join(text.split())
        today = today or self.workspace.today()
        unkept = self._keep(today)
        if unkept is not None:
            return self._board_of(today, unkept, handler, text)
        rows, counts = store.read_board(self.db, today, handler, lazy, text)
        return Board(today, rows, handler, counts)

    def board_json_lines(self, today: date | None = None, handler: str | None = None) -> Iterator[str]:
        """The lines of :meth:`board`, each as the JSON text of its :meth:`ReminderItem.as_json`, in order,
        made by the database from the kept board: a million-case ledger's tens of thousands of lines are
        not turned into Python objects one by one."""
        today = today or self.workspace.today()
        unkept = self._keep(today)
        if unkept is not None:
            board = self._board_of(today, unkept, handler)
            return (json.dumps(item.as_json(today), ensure_ascii=False) for item in board.items)
        return store.board_json(self.db, today, handler)

    def _keep(self, today: date) -> list[ReminderItem] | None:
        """Bring the kept board to ``today`` (case by case where it can, else from every case). Returns
        None when the kept board is the day's, or the day's reminders (before stored states) when they
        could not be kept (the database is read-only or busy)."""
        table = self.holiday_table()
        rules = [r for r in self.rules() if r.enabled]
        audit_id, max_case = store.current_marks(self.db)
        stored = store.board_meta(self.db)
        since = stored.audit_id if stored is not None else None
        audit_id = store.settled_mark(self.db, since, audit_id)  # a server's later commits: next look
        meta = store.BoardMeta(today, audit_id, max_case, fingerprint(rules, table))
        changed: set[int] | None = None
        prepared: set[int] = set()  # cases whose lines for today were prepared the day before
        plan: dict[int, set[str]] = {}  # cases (not changed) whose lines of these rules alone may differ
        roll = _rolls(self.db, stored, meta.fingerprint, today)
        # the table to keep with the board: None keeps the one it has (the same)
        holidays = None if roll is not None and roll.holidays is None else to_json(table)
        if roll is not None:
            assert stored is not None
            changed = store.changed_cases(self.db, stored.audit_id, stored.max_case_id)
            if roll.rules:  # their lines kept, and the cases they may now remind about
                again = [r for r in rules if r.id in roll.rules]
                by_rules = store.board_cases(self.db, roll.rules)
                by_rules.update(
                    c for ids in store.candidates(self.db, again, today, table).values() for c in ids
                )
                _merge(plan, {c: set(roll.rules) for c in by_rules})
            kept_table = table
            if roll.holidays is not None:  # the cases whose reminders may read a changed day
                kept_table = roll.holidays
                _merge(plan, self._near_holiday_change(rules, roll.holidays, table, today))
            ahead = store.ahead_meta(self.db) if stored.day != today else None
            if (
                ahead is not None
                and ahead[:2] == (today, stored.day)
                and ahead.fingerprint == meta.fingerprint
            ):
                changed |= store.changed_cases(self.db, ahead.audit_id, ahead.max_case_id)
                prepared = set(ahead.cases) - changed
            else:  # the kept board rolled to today with its own table, then to this one (above)
                _merge(plan, store.edge_cases(self.db, rules, stored.day, today, kept_table))
            for case_id in changed | prepared:
                plan.pop(case_id, None)
        if changed is None or (
            len(changed) + len(plan) > REBUILD_FROM and len(changed) + len(plan) > store.board_size(self.db)
        ):
            if self.db.conn.in_transaction or is_read_only(self.db):
                return self.compute(rules, table, today)
            store.stage_board(self.db, (), fresh=True)
            for chunk in self._chunks(rules, table, today):  # a chunk's lines in memory at a time
                store.stage_board(self.db, chunk)
            if store.write_board(self.db, meta, (), None, staged=True, holidays=holidays):
                return None
            return self.compute(rules, table, today)
        if changed or plan or prepared or stored != meta:
            fresh = self.compute_cases(changed, rules, table, today)
            redone, groups = self._redo(plan, rules, table, today)
            written = store.write_board(
                self.db, meta, [*fresh, *redone], changed | prepared, from_ahead=prepared,
                holidays=holidays, rules_of=groups,
            )  # fmt: skip
            if not written:
                # read-only, or busy: the kept lines with these cases' computed now (not every case's)
                redone_cases = changed | prepared | set(plan)
                fresh = self.compute_cases(redone_cases, rules, table, today)
                return [*store.kept_lines(self.db, today, redone_cases), *fresh]
        return None

    def _redo(
        self, plan: Mapping[int, set[str]], rules: Sequence[Rule], table: HolidayTable, today: date
    ) -> tuple[list[ReminderItem], list[tuple[set[int], set[str]]]]:
        """The lines of cases unchanged since the board was kept (kept for today, or rolled to it) when
        only some rules may give them other lines (``plan``: case id → rule ids, as after a rules change,
        a holiday change or on another day): those rules applied again, with the rules that give way to
        another's reminder (the kept board dropped their lines) where the case's other kept lines have
        none to give way to. Returns the lines and the groups of cases with the rules they replace (the
        other rules' kept lines stand as they are)."""
        yielding = giving_way(rules)
        answerable = store.answerable_lines(self.db, set(plan))
        groups: dict[tuple[frozenset[str], bool], set[int]] = {}
        for case_id, rule_ids in plan.items():
            redo = frozenset(rule_ids | yielding)
            answered = bool(answerable.get(case_id, set()) - redo)
            groups.setdefault((redo, answered), set()).add(case_id)
        found: list[ReminderItem] = []
        for (redo, answered), cases in groups.items():
            applying = [r for r in rules if r.id in redo and not (answered and r.id in yielding)]
            if not applying:
                continue
            schedules = any(store.needs_schedule(r) for r in applying)
            contact = any(r.needs_contact for r in applying)
            ids = sorted(cases)
            for start in range(0, len(ids), FACTS_CHUNK):
                chunk = ids[start : start + FACTS_CHUNK]
                facts = store.load_facts(
                    self.db, chunk, chunk if schedules else (), chunk if contact else ()
                ).values()
                for rule in applying:
                    found.extend(evaluate(rule, facts, table, today))
        answered_cases = {c for (_redo, answered), cases in groups.items() if answered for c in cases}
        return suppress_covered(found, rules, answered_cases), [
            (cases, set(redo)) for (redo, _answered), cases in groups.items()
        ]

    def _near_holiday_change(
        self, rules: Sequence[Rule], before: HolidayTable, after: HolidayTable, today: date
    ) -> dict[int, set[str]]:
        """The cases whose reminders today may differ between the holiday tables ``before`` (the kept
        board's) and ``after``, each with the rules whose: those with a kept line that read a changed
        day, and those a rule with a period may now remind about (see
        :func:`desktop.core.reminders.table_looks`)."""
        change = holiday_change(before, after)
        if not change.days:
            return {}
        by_id = {r.id: r for r in rules}
        plan: dict[int, set[str]] = {}
        for case_id, rule_id, event, due in store.board_lines_near(self.db, change.near()):
            if rule_id not in by_id or change.meets(table_looks(by_id[rule_id], event, due, before)):
                plan.setdefault(case_id, set()).add(rule_id)
        ends = [(t, change.period_ends(t)) for t in (before, after)]
        _merge(plan, store.period_cases_near(self.db, rules, today, ends))
        return plan

    def prepare_ahead(self, today: date | None = None) -> date | None:
        """Prepare the next working day's changes to the kept board of ``today`` (see :meth:`board`), so
        that the first look that day is at once; a view does it while idle. Returns that day, or None
        when the kept board is not ``today``'s or the database cannot be written now."""
        today = today or self.workspace.today()
        table = self.holiday_table()
        rules = [r for r in self.rules() if r.enabled]
        stored = store.board_meta(self.db)
        marks = store.current_marks(self.db)
        fingerprint_ = fingerprint(rules, table)
        if stored is None or stored.day != today or stored.fingerprint != fingerprint_:
            return None
        day = table.next_working_day(today)
        kept = store.ahead_meta(self.db)
        if kept is not None and kept.serves(today, day, fingerprint_):
            return day  # already prepared (the cases changed since are computed on the day)
        audit_id = store.settled_mark(self.db, stored.audit_id, marks[0])
        cases = set(store.edge_cases(self.db, rules, today, day, table))
        lines = self.compute_cases(cases, rules, table, day)
        meta = store.AheadMeta(day, today, audit_id, marks[1], fingerprint_, frozenset(cases))
        return day if store.write_ahead(self.db, meta, lines) else None

    def change_mark(self) -> tuple[int, int]:
        """What has been written so far (the newest audit entry and case): it differs once anyone, on
        any PC, has changed something since (a server's other PCs do not notify this program)."""
        return store.current_marks(self.db)

    def slow_build_ahead(self, today: date) -> bool:
        """Whether :meth:`board` for ``today`` would take seconds on a large ledger: built from every case
        (no board kept by this engine, or kept for a day too far away), or many cases computed again
        (rules or holidays changed, or more than :data:`SLOW_CASES` cases changed since, as after an
        import): a view runs that off its thread."""
        if store.current_marks(self.db)[1] < BACKGROUND_FROM:
            return False
        rules = [r for r in self.rules() if r.enabled]
        stored = store.board_meta(self.db)
        roll = _rolls(self.db, stored, fingerprint(rules, self.holiday_table()), today)
        if roll is None or roll.rules or roll.holidays is not None:
            return True
        assert stored is not None
        return len(store.changed_cases(self.db, stored.audit_id, stored.max_case_id)) > SLOW_CASES

    def _board_of(self, today: date, items: list[ReminderItem], handler: str | None, text: str = "") -> Board:
        mine = [
            i
            for i in items
            if (not handler or i.handler == handler)
            and (not text or text in i.case_number or text in i.party)
        ]
        states = store.states_of(self.db, {i.case_id for i in mine})
        return _sorted_board(today, apply_states(mine, states, today), handler)

    def compute(self, rules: Sequence[Rule], table: HolidayTable, today: date) -> list[ReminderItem]:
        """The whole board computed now, before stored states: each rule looks only at the cases its
        window selects."""
        return [item for chunk in self._chunks(rules, table, today) for item in chunk]

    def _chunks(
        self, rules: Sequence[Rule], table: HolidayTable, today: date
    ) -> Iterator[list[ReminderItem]]:
        """The whole board computed now (see :meth:`compute`), a chunk of cases at a time: a million-case
        ledger's tens of thousands of candidates would hold a quarter of a gigabyte of facts at once.
        Each chunk is complete for its cases (:func:`suppress_covered` looks within one case)."""
        by_rule = store.candidates(self.db, rules, today, table)
        ids = sorted({cid for ids in by_rule.values() for cid in ids})
        detail = {cid for r in rules if store.needs_schedule(r) for cid in by_rule.get(r.id, ())}
        contact = {cid for r in rules if r.needs_contact for cid in by_rule.get(r.id, ())}
        wanted = {rule.id: set(by_rule.get(rule.id, ())) for rule in rules}
        for start in range(0, len(ids), FACTS_CHUNK):
            chunk = ids[start : start + FACTS_CHUNK]
            facts = store.load_facts(self.db, chunk, detail.intersection(chunk), contact.intersection(chunk))
            found: list[ReminderItem] = []
            for rule in rules:
                mine = wanted[rule.id]
                found.extend(evaluate(rule, (f for c, f in facts.items() if c in mine), table, today))
            yield suppress_covered(found, rules)

    def compute_cases(
        self, case_ids: Iterable[int], rules: Sequence[Rule], table: HolidayTable, today: date
    ) -> list[ReminderItem]:
        """The reminders of some cases before stored states, every rule applied to each (the facts of
        :data:`FACTS_CHUNK` cases in memory at a time)."""
        ids = sorted(case_ids)
        found: list[ReminderItem] = []
        for start in range(0, len(ids), FACTS_CHUNK):
            facts = list(store.load_facts(self.db, ids[start : start + FACTS_CHUNK]).values())
            for rule in rules:
                found.extend(evaluate(rule, facts, table, today))
        return suppress_covered(found, rules)

    # ------------------------------------------------------------ acting on reminders
    def record_contact(
        self,
        items: Sequence[ReminderItem],
        method: ContactMethod,
        outcome: str = "",
        note: str = "",
    ) -> list[Contact]:
        """Log one contact per reminder (answering its rule), in one transaction."""
        try:
            outcome = check_text("督促结果", outcome, max_len=200)
            note = check_text("备注", note, max_len=500)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        if not items:
            return []
        at = datetime.combine(self.workspace.today(), datetime.now().time().replace(microsecond=0))
        saved = []
        with transaction(self.db) as conn:
            for item in items:
                number = self._case_number(conn, item.case_id)
                contact = Contact(
                    at=at,
                    method=method,
                    by=self.workspace.actor,
                    outcome=outcome,
                    note=note,
                    party=item.party,
                    rule_id=item.rule_id,
                )
                row = to_row(contact, exclude=("id",))
                cur = conn.execute(
                    f"INSERT INTO contacts (case_id, {', '.join(row)}) "
                    f"VALUES (?{', ?' * len(row)}) RETURNING id",
                    [item.case_id, *row.values()],
                )
                contact_id = int(cur.fetchone()[0])
                record(conn, self.workspace.actor, "contact.create", "contact", contact_id, number, row)
                saved.append(replace(contact, id=contact_id))
        self.workspace.notify(Change("contact", tuple(sorted({i.case_id for i in items}))))
        return saved

    def postpone(self, items: Sequence[ReminderItem], until: date, reason: str) -> None:
        """Hide reminders until ``until`` (a later day), with the reason recorded; one transaction."""
        try:
            reason = check_text("推迟理由", reason, required=True, max_len=200)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        if until <= self.workspace.today():
            raise _invalid(ValidationError("推迟至", f"应晚于今天（{self.workspace.today().isoformat()}）"))
        self._set_states(items, StateKind.POSTPONED, until, reason)

    def mark_done(self, items: Sequence[ReminderItem], reason: str = "") -> None:
        """Mark reminders handled (they do not come back; a new cause has a new due date)."""
        try:
            reason = check_text("说明", reason, max_len=200)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        self._set_states(items, StateKind.DONE, None, reason)

    def _set_states(
        self, items: Sequence[ReminderItem], kind: StateKind, until: date | None, reason: str
    ) -> None:
        if not items:
            return
        with transaction(self.db) as conn:
            for item in items:
                number = self._case_number(conn, item.case_id)
                state = ReminderState(item.case_id, item.rule_id, item.due_date, kind, until, reason)
                store.write_state(conn, state, self.workspace.actor, number)
        self.workspace.notify(Change("reminder", tuple(sorted({i.case_id for i in items}))))

    @staticmethod
    def _case_number(conn: Any, case_id: int) -> str:
        number = store.case_number(conn, case_id)
        if number is None:
            raise CaseNotFound(f"案件不存在（编号 {case_id}），可能已被删除。")
        return number

    def states_of_case(self, case_id: int) -> Mapping[tuple[int, str, date], ReminderState]:
        return store.states_of(self.db, [case_id])

    # ------------------------------------------------------------ dated events (notices, periods, promises)
    def events(self, case_id: int) -> list[CaseEvent]:
        return store.events_of_case(self.db, case_id)

    def add_event(self, case_id: int, event: CaseEvent) -> CaseEvent:
        try:
            check_event(event)
            note = check_text("备注", event.note, max_len=200)
        except ValidationError as exc:
            raise _invalid(exc) from exc
        event = replace(event, note=note)
        with transaction(self.db) as conn:
            number = self._case_number(conn, case_id)
            event_id = store.insert_event(conn, case_id, event, self.workspace.actor, number)
        self.workspace.notify(Change("case_event", (case_id,)))
        return replace(event, id=event_id)

    def delete_event(self, event_id: int) -> None:
        with transaction(self.db) as conn:
            case_id = store.delete_event(conn, event_id, self.workspace.actor)
        if case_id is not None:
            self.workspace.notify(Change("case_event", (case_id,)))

    # ------------------------------------------------------------ effective date and deadline
    def propose_dates(self, case: Case) -> DateProposal:
        """The effective date and deadline computed from ``case``'s service dates and terms
        (ValidationError naming the field when they do not allow it)."""
        return propose_dates(case, self.holiday_table())

    def date_problems(self, case: Case) -> list[ValidationError]:
        """What is wrong with ``case``'s stored dates: inconsistent with service and judgment, or an
        override of the computed date without a recorded reason."""
        try:
            proposal = self.propose_dates(case)
        except ValidationError:
            served = [p.service_date for p in case.parties if p.service_date is not None]
            try:
                validate_dates(served, case.effective_date, case.deadline, case.judgment_date)
            except ValidationError as exc:
                return [exc]
            return []
        return override_problems(case, proposal)


def board_json(board: Board) -> list[dict[str, Any]]:
    return [item.as_json(board.today) for item in board.items]
