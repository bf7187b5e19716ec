"""A batch asks for the 审破衔接 screening only when the form reads it (issue 19 §5: a batch costs the
same on a large ledger). The screening's findings must therefore reach exactly the rules and sources
listed as reading them: any other rule or source that changed with the findings would be fed nothing."""

from __future__ import annotations

from desktop.core.eligibility import RULES, SCREENING_RULES, CaseFacts, check
from desktop.core.model import CaseStatus, Party, PartyKind, PartyRole
from desktop.core.screening import Finding, Ground
from desktop.documents.sources import SOURCES, SourceContext, value
from desktop.services.documents import SCREENING_SOURCES
from tests.conftest import TODAY, make_case

CASE = make_case(status=CaseStatus.OPEN)
ORG_CASE = make_case(
    parties=(
        Party(PartyRole.PLAINTIFF, PartyKind.PERSON, "张三丰"),
        Party(
            PartyRole.DEFENDANT, PartyKind.ORGANISATION, "七台河市宏达商贸有限公司", uscc="91230902MA1C2D3EXP"
        ),
    )
)
FOUND = CaseFacts(screening=(Finding(Ground.REVOKED, "营业执照于2024年吊销"),))


def test_only_the_listed_sources_read_the_screening() -> None:
    reading = {
        name
        for name in SOURCES
        for case in (CASE, ORG_CASE)
        if value(name, SourceContext(case, TODAY, FOUND))
        != value(name, SourceContext(case, TODAY, CaseFacts()))
    }
    assert reading == SCREENING_SOURCES


def test_only_the_listed_rules_read_the_screening() -> None:
    reading = {
        rule
        for rule in RULES
        for case in (CASE, ORG_CASE)
        if check(rule, case, TODAY, FOUND) != check(rule, case, TODAY, CaseFacts())
    }
    assert reading == SCREENING_RULES
