"""统计: the ledger read once into day-by-day tallies (:mod:`desktop.core.statistics`), then any period's
report from them. Definitions: ``docs/statistics.md``.

One pass over the cases and their payments; on the 1,000,000-case demo it takes seconds
(``tests/bench/bench_statistics.py``), so the page runs it off the GUI thread and keeps the result until
a case changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from desktop.core.chinese_dates import format_date_cn
from desktop.core.statistics import (
    FIGURE_HEADER,
    HANDLER_HEADER,
    Metric,
    Period,
    Report,
    Tallies,
    Tally,
    report,
)
from desktop.documents.fonts import HEADING, TITLE, FontSet, default_fonts
from desktop.documents.layout import A4_NOTICE, CENTER, LEFT, MM, RIGHT, Page, TextStyle, Typesetter
from desktop.documents.pdf import PdfPart, write_pdf
from desktop.store.database import open_reader
from desktop.store.engine import Connection
from desktop.store.files import write_whole

# A case performed before enforcement: not a formal enforcement number (执, 执恢 …; the local 执前 numbers
# are before enforcement), money due and paid in full, any act marked done, never transferred.
_BEFORE_ENFORCEMENT = "(c.cn_local = 1 OR c.cn_type_code NOT LIKE '执%')"
_TRANSFERRED = "(c.status = '移送执行' OR c.enforcement_case_number <> '')"
_ACTS_DONE = (
    "(c.status IN ('履行完毕', '已归档') OR NOT EXISTS "
    "(SELECT 1 FROM obligations o WHERE o.case_id = c.id AND o.kind = '行为履行'))"
)

# (metrics, query): each row is (day, handler id, one value per metric)
_QUERIES: tuple[tuple[tuple[Metric, ...], str], ...] = (
    # the day the payments (in date order, as desktop.core.eligibility.performed_on) reached the amount due
    (
        (Metric.VOLUNTARY, Metric.VOLUNTARY_FEN),
        f"""WITH run AS (SELECT case_id, paid_on,
                                sum(amount_fen) OVER (PARTITION BY case_id ORDER BY paid_on, id) AS total
                         FROM payments)
            SELECT day, handler_id, count(*), sum(due_fen) FROM (
              SELECT c.handler_id, c.due_fen, min(r.paid_on) AS day
              FROM cases c JOIN run r ON r.case_id = c.id AND r.total >= c.due_fen
              WHERE c.due_fen > 0 AND c.paid_fen >= c.due_fen AND {_BEFORE_ENFORCEMENT}
                AND NOT {_TRANSFERRED} AND {_ACTS_DONE}
              GROUP BY c.id) AS performed
            GROUP BY 1, 2""",
    ),
    (
        (Metric.FIRST_ENFORCEMENT,),
        """SELECT filing_date, handler_id, count(*) FROM cases
           WHERE cn_type_code = '执' AND cn_local = 0 AND filing_date IS NOT NULL GROUP BY 1, 2""",
    ),
    (
        (Metric.DUE, Metric.DUE_VOLUNTARY, Metric.DUE_TRANSFERRED),
        f"""SELECT c.deadline, c.handler_id, count(*),
                   sum(CASE WHEN c.paid_fen < c.due_fen OR {_TRANSFERRED} THEN 0 WHEN {_ACTS_DONE} THEN 1
                            ELSE 0 END),
                   sum(CASE WHEN {_TRANSFERRED} THEN 1 ELSE 0 END)
            FROM cases c
            WHERE c.due_fen > 0 AND c.deadline IS NOT NULL AND {_BEFORE_ENFORCEMENT}
            GROUP BY 1, 2""",
    ),
    (
        (Metric.URGINGS,),
        """SELECT substr(t.at, 1, 10), c.handler_id, count(*) FROM contacts t JOIN cases c ON c.id = t.case_id
           GROUP BY 1, 2""",
    ),
    (
        (Metric.CERTIFICATES,),
        """SELECT d.issued_on, c.handler_id, count(*) FROM documents d LEFT JOIN cases c ON c.id = d.case_id
           WHERE d.series = '自动履行证明书' GROUP BY 1, 2""",
    ),
    (
        (Metric.FEE_RELIEVED,),
        """SELECT f.decided_on, c.handler_id, sum(f.relieved_fen)
           FROM fee_reliefs f JOIN cases c ON c.id = f.case_id
           WHERE f.outcome = '准予减免' GROUP BY 1, 2""",
    ),
    (
        (Metric.WHITELIST_BATCHES, Metric.WHITELIST_ENTRIES),
        """SELECT b.published_on, NULL, count(*), sum(coalesce(e.n, 0))
           FROM whitelist_batches b
           LEFT JOIN (SELECT batch_id, count(*) AS n FROM whitelist_entries GROUP BY batch_id) e
             ON e.batch_id = b.id
           GROUP BY 1""",
    ),
)


def load_tallies(conn: Connection) -> Tallies:
    """Everything the statistics count, by day and handler, in one read transaction."""
    tallies: list[Tally] = []
    own = not conn.in_transaction  # one snapshot for every query
    if own:
        conn.execute("BEGIN")
    try:
        names = dict(conn.execute("SELECT id, name FROM handlers"))
        for metrics, sql in _QUERIES:
            for day, handler_id, *values in conn.execute(sql):
                when, handler = date.fromisoformat(day[:10]), names.get(handler_id, "")
                for metric, value in zip(metrics, values, strict=True):
                    if value:
                        tallies.append(Tally(metric, when, handler, int(value)))
    finally:
        if own:
            conn.execute("COMMIT")
    return Tallies(tallies)


def read_tallies(target: str, password: str | None = None) -> Tallies:
    """The tallies of the database at ``target`` (a file or a server), on a read-only connection of
    their own: for a worker thread, beside the program's connection."""
    conn = open_reader(target, password)
    try:
        return load_tallies(conn)
    finally:
        conn.close()


def statistics(conn: Connection, period: Period) -> Report:
    return report(load_tallies(conn), period)


# ------------------------------------------------------------------------------------------------ print

# A4 landscape: the six columns of figures fit with amounts of a million cases in full.
PAGE = replace(
    A4_NOTICE, width=297 * MM, height=210 * MM, top=20 * MM, bottom=22 * MM, left=20 * MM, right=20 * MM,
    lines_per_page=16, page_numbers="of_total", page_number_size=10.5, page_number_gap=8 * MM,
)  # fmt: skip
TITLE_STYLE = TextStyle(role=TITLE, size=18, align=CENTER, first_indent=0, grid=False)
TEXT = TextStyle(size=12, align=LEFT, first_indent=0, grid=False)
HEAD = TextStyle(role=HEADING, size=12, align=LEFT, first_indent=0, grid=False)
CELL = TextStyle(size=10.5, align=CENTER, first_indent=0, grid=False)
CELL_HEAD = TextStyle(role=HEADING, size=10.5, align=CENTER, first_indent=0, grid=False)
SIGN = TextStyle(size=12, align=RIGHT, first_indent=0, grid=False)
FIGURE_WIDTHS = (0.22, 0.16, 0.16, 0.15, 0.16, 0.15)
HANDLER_WIDTHS = (0.2, 0.16, 0.16, 0.16, 0.16, 0.16)


def layout_report(r: Report, court_name: str, made_on: date, fonts: FontSet | None = None) -> list[Page]:
    """The printed report: court and title, the periods compared, the figures, the handlers, the date."""
    ts = Typesetter(fonts or default_fonts(), PAGE)
    ts.paragraph(court_name, TITLE_STYLE)
    ts.paragraph(f"{r.period.label}自动履行工作统计", TITLE_STYLE)
    ts.paragraph(
        f"本期：{r.period.start.isoformat()}至{r.period.end.isoformat()}；"
        f"上期：{r.previous.label}（{r.previous.start.isoformat()}至{r.previous.end.isoformat()}）；"
        f"去年同期：{r.year_before.label}",
        TEXT,
    )
    rows = [FIGURE_HEADER, *(line.cells for line in r.lines)]
    ts.table(rows, FIGURE_WIDTHS, CELL, header_rows=1, padding=3, header_style=CELL_HEAD)
    if r.handlers:
        ts.skip(1)
        ts.paragraph("按承办人（履行期限在本期届满的案件）", HEAD)
        rows = [HANDLER_HEADER, *(h.cells for h in sorted(r.handlers, key=lambda h: -h.due))]
        ts.table(rows, HANDLER_WIDTHS, CELL, header_rows=1, padding=3, header_style=CELL_HEAD)
    ts.skip(1)
    ts.paragraph(f"制表日期：{format_date_cn(made_on)}", SIGN)
    return ts.finish()


def report_pdf(r: Report, court_name: str, made_on: date, fonts: FontSet | None = None) -> bytes:
    title = f"{court_name}{r.period.label}自动履行工作统计"
    return write_pdf([PdfPart(title, layout_report(r, court_name, made_on, fonts))], title=title,
                     author=court_name)  # fmt: skip


def write_report_pdf(path: Path, r: Report, court_name: str, made_on: date) -> None:
    """Write the printed report to ``path``, whole or not at all."""
    write_whole(path, report_pdf(r, court_name, made_on))
