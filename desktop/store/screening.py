"""审破衔接 screening in SQL: the facts :func:`desktop.core.screening.screen` reads, per enterprise.

Portable SQL only (the store runs on PostgreSQL too): ``?`` placeholders, ``||`` to build the enterprise
key, every non-aggregated column in GROUP BY, ``ON CONFLICT … DO UPDATE`` for upserts. The candidates are
found first (enterprises with enough money cases in one year, a 终本 case, a revoked licence, or a ground
entered by a judge); only their facts are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from desktop.core.model import LicenceStatus
from desktop.core.screening import (
    MIN_CASES,
    Enterprise,
    Finding,
    OtherGround,
    Termination,
    YearCount,
    enterprise_key,
    notice_findings,
    screen,
)
from desktop.store.audit import record
from desktop.store.engine import Connection

KEY_SQL = "CASE WHEN p.uscc <> '' THEN 'uscc:' || p.uscc ELSE 'name:' || p.name END"
OWING_ORG = "p.kind = '法人或其他组织' AND p.role IN ('被告', '被申请人', '被执行人')"
# the cases counted for ground (一): money owed, a year in the number, not a second number for the same debt
COUNTED = (
    "c.due_fen > 0 AND c.cn_year IS NOT NULL AND c.cn_type_code NOT LIKE '执%' AND c.cn_type_code <> '民终'"
)
_CHUNK = 400


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def candidate_keys(conn: Connection, min_cases: int = MIN_CASES) -> set[str]:
    """Enterprises that may meet a ground: enough counted cases in one year, a 终本 case, a revoked
    licence on any of its cases, or a ground entered by a judge."""
    keys: set[str] = set()
    # The cases drive both lookups (CROSS JOIN keeps SQLite's order; PostgreSQL plans it as a join):
    # walking the debtor-name index over every party and fetching each row took seconds on a large
    # ledger (3.8 s instead of 13 s for ground (一), 0.6 s instead of 10 s for the 终本 cases).
    keys.update(
        r[0]
        for r in conn.execute(
            f"SELECT {KEY_SQL} AS ekey FROM cases c CROSS JOIN parties p "
            f"WHERE p.case_id = c.id AND {OWING_ORG} AND {COUNTED} "
            f"GROUP BY {KEY_SQL}, c.cn_year HAVING count(DISTINCT c.id) >= ?",
            (min_cases,),
        )
    )
    keys.update(
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT {KEY_SQL} FROM enforcement_terminations t "
            f"CROSS JOIN parties p WHERE p.case_id = t.case_id AND {OWING_ORG}"
        )
    )
    keys.update(
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT {KEY_SQL} FROM parties p WHERE p.licence_status = ? AND {OWING_ORG}",
            (LicenceStatus.REVOKED.value,),
        )
    )
    keys.update(r[0] for r in conn.execute("SELECT enterprise_key FROM screening_grounds"))
    return keys


def _key_filter(keys: Sequence[str]) -> tuple[str, list[str]]:
    codes = [k[5:] for k in keys if k.startswith("uscc:")]
    names = [k[5:] for k in keys if k.startswith("name:")]
    parts, params = [], []
    if codes:
        parts.append(f"(p.uscc <> '' AND p.uscc IN ({', '.join('?' for _ in codes)}))")
        params += codes
    if names:
        parts.append(f"(p.uscc = '' AND p.name IN ({', '.join('?' for _ in names)}))")
        params += names
    return "(" + " OR ".join(parts or ["1 = 0"]) + ")", params


def enterprises(conn: Connection, keys: Iterable[str]) -> list[Enterprise]:
    """The facts of each enterprise of ``keys`` that owes in some case (in key order)."""
    wanted = sorted(set(keys))
    attrs: dict[str, dict[str, object]] = {}
    years: dict[str, list[YearCount]] = {}
    ends: dict[str, list[Termination]] = {}
    for i in range(0, len(wanted), _CHUNK):
        where, params = _key_filter(wanted[i : i + _CHUNK])
        rows = conn.execute(
            f"SELECT {KEY_SQL}, p.name, p.uscc, p.registered_capital_fen, p.licence_status, p.case_id "
            f"FROM parties p WHERE {OWING_ORG} AND {where} ORDER BY p.case_id, p.id",
            params,
        )
        for key, name, uscc, capital, licence, _case_id in rows:
            a = attrs.setdefault(key, {"name": name, "uscc": uscc, "capital": None, "licence": None})
            a["name"] = name  # the latest case's spelling
            if capital is not None:
                a["capital"] = int(capital)
            if licence:
                a["licence"] = LicenceStatus(licence)
        for key, year, count, total in conn.execute(
            f"SELECT k.ekey, c.cn_year, count(*), sum(c.due_fen) FROM (SELECT DISTINCT {KEY_SQL} AS ekey, "
            f"p.case_id FROM parties p WHERE {OWING_ORG} AND {where}) k JOIN cases c ON c.id = k.case_id "
            f"WHERE {COUNTED} GROUP BY k.ekey, c.cn_year",
            params,
        ):
            years.setdefault(key, []).append(YearCount(int(year), int(count), int(total)))
        for key, case_id, number, day in conn.execute(
            f"SELECT DISTINCT {KEY_SQL}, t.case_id, CASE WHEN c.enforcement_case_number <> '' "
            "THEN c.enforcement_case_number ELSE c.case_number END, t.terminated_on "
            "FROM parties p JOIN enforcement_terminations t ON t.case_id = p.case_id "
            f"JOIN cases c ON c.id = t.case_id WHERE {OWING_ORG} AND {where}",
            params,
        ):
            ends.setdefault(key, []).append(Termination(int(case_id), number, date.fromisoformat(day)))
    other = {
        key: OtherGround(reason, by, date.fromisoformat(on))
        for key, reason, by, on in conn.execute(
            "SELECT enterprise_key, reason, entered_by, entered_on FROM screening_grounds"
        )
    }
    out = []
    for key in wanted:
        if key not in attrs:
            continue
        found = attrs[key]
        capital, licence = found["capital"], found["licence"]
        out.append(
            Enterprise(
                key=key,
                name=str(found["name"]),
                uscc=str(found["uscc"]),
                registered_capital_fen=capital if isinstance(capital, int) else None,
                licence_status=licence if isinstance(licence, LicenceStatus) else None,
                years=tuple(sorted(years.get(key, ()), key=lambda y: y.year)),
                terminations=tuple(ends.get(key, ())),
                other=other.get(key),
            )
        )
    return out


def case_enterprise_keys(conn: Connection, case_id: int) -> list[str]:
    """The enterprises that owe in ``case_id``."""
    return [
        r[0]
        for r in conn.execute(
            f"SELECT {KEY_SQL} FROM parties p WHERE p.case_id = ? AND {OWING_ORG} ORDER BY p.position",
            (case_id,),
        )
    ]


def case_findings(conn: Connection, case_id: int) -> tuple[Finding, ...]:
    """What the screening finds for the enterprises that owe in ``case_id``, as support for a notice in
    it (房县方案十; ground (二) needs a 终本 in another case)."""
    found: list[Finding] = []
    for e in enterprises(conn, case_enterprise_keys(conn, case_id)):
        found.extend(notice_findings(screen(e), case_id))
    return tuple(found)


def open_cases_of(conn: Connection, key: str) -> list[tuple[int, str]]:
    """The open cases (在办) in which the enterprise ``key`` owes: (id, case number)."""
    return open_cases_by_key(conn, [key]).get(key, [])


def open_cases_by_key(conn: Connection, keys: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """The open cases (在办) of each enterprise of ``keys`` that has any, by case id: a query per few
    hundred enterprises instead of one per enterprise."""
    wanted = sorted(set(keys))
    found: dict[str, list[tuple[int, str]]] = {}
    for i in range(0, len(wanted), _CHUNK):
        where, params = _key_filter(wanted[i : i + _CHUNK])
        # The enterprises' parties drive (CROSS JOIN keeps SQLite's order): with ORDER BY c.id the
        # planner walked every open case of the ledger instead (8 s on a million cases).
        for key, case_id, number in conn.execute(
            f"SELECT DISTINCT {KEY_SQL}, c.id, c.case_number FROM parties p CROSS JOIN cases c "
            f"WHERE c.id = p.case_id AND {OWING_ORG} AND {where} AND c.status = '在办'",
            params,
        ):
            found.setdefault(str(key), []).append((int(case_id), str(number)))
    for cases in found.values():
        cases.sort()
    return found


def case_by_number(conn: Connection, canonical: str) -> int | None:
    """The case whose own or enforcement number is ``canonical`` (its own first)."""
    row = conn.execute(
        "SELECT id FROM cases WHERE case_number = ? OR enforcement_case_number = ? "
        "ORDER BY CASE WHEN case_number = ? THEN 0 ELSE 1 END, id LIMIT 1",
        (canonical, canonical, canonical),
    ).fetchone()
    return int(row[0]) if row else None


def set_termination(
    conn: Connection, case_id: int, on: date, note: str, actor: str, case_number: str
) -> None:
    """Record that enforcement case ``case_id`` was closed by 终结本次执行程序 on ``on``."""
    conn.execute(
        "INSERT INTO enforcement_terminations (case_id, terminated_on, note, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET terminated_on = excluded.terminated_on, "
        "note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        (case_id, on.isoformat(), note, actor, _now()),
    )
    record(conn, actor, "termination.set", "case", case_id, case_number, {"terminated_on": on.isoformat()})


def delete_termination(conn: Connection, case_id: int, actor: str, case_number: str) -> bool:
    gone = conn.execute("DELETE FROM enforcement_terminations WHERE case_id = ?", (case_id,)).rowcount
    if gone:
        record(conn, actor, "termination.delete", "case", case_id, case_number)
    return bool(gone)


def set_other(conn: Connection, uscc: str, name: str, reason: str, actor: str, on: date) -> str:
    """Enter ground (四) for an enterprise (replacing an earlier reason); returns its key."""
    key = enterprise_key(uscc, name)
    conn.execute(
        "INSERT INTO screening_grounds (enterprise_key, name, reason, entered_by, entered_on) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (enterprise_key) DO UPDATE SET name = excluded.name, "
        "reason = excluded.reason, entered_by = excluded.entered_by, entered_on = excluded.entered_on",
        (key, name, reason, actor, on.isoformat()),
    )
    record(conn, actor, "screening.other", "enterprise", None, "", {"enterprise": key, "reason": reason})
    return key


def delete_other(conn: Connection, key: str, actor: str) -> bool:
    gone = conn.execute("DELETE FROM screening_grounds WHERE enterprise_key = ?", (key,)).rowcount
    if gone:
        record(conn, actor, "screening.other.delete", "enterprise", None, "", {"enterprise": key})
    return bool(gone)
