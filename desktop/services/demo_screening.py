"""The demo's 审破衔接 examples (房县方案十): enterprises that meet each ground, so the 筛查 list and
``tribunal-desk screening`` have something true to show.

Run once on the freshly loaded demo rows, in the loading transaction; deterministic (SQL ordered by id):

（一）the enterprise (with a registered capital) owing in the most money cases of one year gets those
     cases up to ten by taking over the owing side of one-off companies' cases of that year, and a
     registered capital below their total;
（二）the archived enforcement cases the generator closed by 终结本次执行程序 are recorded as such;
（三）the generator already gives some companies a revoked licence (吊销);
（四）a judge enters another ground for a company with open cases that meets none of the others.
"""

from __future__ import annotations

from datetime import date, timedelta

from desktop.core.screening import MIN_CASES
from desktop.store.engine import Connection
from desktop.store.screening import COUNTED, KEY_SQL, OWING_ORG

OTHER_REASON = "该企业已停产停业，拖欠职工工资六个月以上，明显缺乏清偿能力"


def add_screening_examples(conn: Connection, today: date, actor: str, judge: str) -> None:
    _terminations(conn, today, actor)
    _many_cases(conn)
    _other_ground(conn, today, judge)


def _terminations(conn: Connection, today: date, actor: str) -> None:
    rows = conn.execute(
        "SELECT id, filing_date FROM cases WHERE status = '已归档' AND stage = '执行' "
        "AND notes LIKE '%终结本次执行程序' ORDER BY id"
    ).fetchall()
    stamp = today.isoformat() + "T17:00:00+08:00"
    conn.executemany(
        "INSERT INTO enforcement_terminations (case_id, terminated_on, note, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                cid,
                min(date.fromisoformat(filed) + timedelta(days=180), today).isoformat(),
                "经财产调查未发现可供执行的财产",
                actor,
                stamp,
            )
            for cid, filed in rows
            if filed
        ],
    )


def _many_cases(conn: Connection) -> None:
    per_year = conn.execute(
        f"SELECT k.ekey, c.cn_year, count(*), sum(c.due_fen) FROM (SELECT DISTINCT {KEY_SQL} AS ekey, "
        f"p.case_id FROM parties p WHERE {OWING_ORG} AND p.registered_capital_fen IS NOT NULL) k "
        f"JOIN cases c ON c.id = k.case_id WHERE {COUNTED} GROUP BY k.ekey, c.cn_year "
        "ORDER BY count(*) DESC, k.ekey, c.cn_year LIMIT 1"
    ).fetchone()
    if per_year is None:
        return
    key, year, count, _total = per_year
    uscc = key[5:] if key.startswith("uscc:") else ""
    target = conn.execute(
        "SELECT name, uscc, phone, address, legal_representative, registered_capital_fen, licence_status "
        f"FROM parties p WHERE {OWING_ORG} AND p.uscc <> '' AND p.uscc = ? ORDER BY p.id LIMIT 1",
        (uscc,),
    ).fetchone()
    if target is None:
        return
    # one-off companies (one party row in the whole ledger) owing in a counted case of that year
    donors = conn.execute(
        f"SELECT p.id, p.case_id, p.name FROM parties p JOIN cases c ON c.id = p.case_id "
        f"WHERE {OWING_ORG} AND {COUNTED} AND c.cn_year = ? AND p.uscc <> '' AND p.uscc <> ? "
        "AND p.registered_capital_fen IS NOT NULL "
        "AND (SELECT count(*) FROM parties q WHERE q.uscc <> '' AND q.uscc = p.uscc) = 1 "
        "AND NOT EXISTS (SELECT 1 FROM parties q WHERE q.case_id = p.case_id AND q.uscc = ?) "
        "ORDER BY p.id LIMIT ?",
        (year, uscc, uscc, max(MIN_CASES + 2 - count, 0)),
    ).fetchall()
    name = target[0]
    for party_id, case_id, old_name in donors:
        conn.execute(
            "UPDATE parties SET name = ?, uscc = ?, phone = ?, address = ?, legal_representative = ?, "
            "registered_capital_fen = ?, licence_status = ? WHERE id = ?",
            (*target, party_id),
        )
        conn.execute(
            "UPDATE obligations SET debtor = ? WHERE case_id = ? AND debtor = ?", (name, case_id, old_name)
        )
        text = conn.execute("SELECT parties_text FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
        conn.execute(
            "UPDATE cases SET parties_text = ? WHERE id = ?", (str(text).replace(old_name, name), case_id)
        )
    total = conn.execute(
        f"SELECT sum(c.due_fen) FROM cases c WHERE {COUNTED} AND c.cn_year = ? AND c.id IN "
        f"(SELECT p.case_id FROM parties p WHERE {OWING_ORG} AND p.uscc <> '' AND p.uscc = ?)",
        (year, uscc),
    ).fetchone()[0]
    capital = max(total // 3 // 10_000_00 * 10_000_00, 10_000_00)  # a third, in whole 万元
    if capital < total:
        conn.execute(
            f"UPDATE parties SET registered_capital_fen = ? WHERE uscc <> '' AND uscc = ? AND id IN "
            f"(SELECT p.id FROM parties p WHERE {OWING_ORG})",
            (capital, uscc),
        )


def _other_ground(conn: Connection, today: date, judge: str) -> None:
    """A company with open cases and a live licence, of those owing in the most open cases."""
    ended = {
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT {KEY_SQL} FROM enforcement_terminations t "
            "JOIN parties p ON p.case_id = t.case_id"
        )
    }
    rows = conn.execute(
        f"SELECT {KEY_SQL}, p.name, count(*) FROM parties p JOIN cases c ON c.id = p.case_id "
        f"WHERE {OWING_ORG} AND c.status = '在办' AND p.licence_status = '存续' AND p.uscc <> '' "
        "AND p.registered_capital_fen IS NOT NULL "
        f"GROUP BY {KEY_SQL}, p.name ORDER BY count(*) DESC, p.name LIMIT 10"
    ).fetchall()
    live = [r for r in rows if r[0] not in ended]
    if len(live) < 3:
        return
    key, name, _n = live[2]  # the first two may meet ground (一) already
    conn.execute(
        "INSERT INTO screening_grounds (enterprise_key, name, reason, entered_by, entered_on) "
        "VALUES (?, ?, ?, ?, ?)",
        (key, name, OTHER_REASON, judge, (today - timedelta(days=12)).isoformat()),
    )
