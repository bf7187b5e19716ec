"""Two versions of a case side by side (the conflict dialog of server mode)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.core.compare import differences
from desktop.core.model import Payment, Stage
from tests.conftest import make_case


@pytest.mark.parametrize(
    ("change", "label", "mine", "theirs"),
    [
        ({"cause": "买卖合同纠纷"}, "案由", "买卖合同纠纷", "民间借贷纠纷"),
        ({"stage": Stage.ENFORCEMENT}, "阶段", "执行", "判后"),
        ({"deadline": date(2025, 7, 31)}, "履行期限", "2025-07-31", "2025-06-30"),
        ({"public_notice": True}, "公告送达", "是", "否"),
        ({"notes": ""}, "备注", "（空）", "已电话联系"),
    ],
)
def test_a_changed_field_is_named_with_both_values(
    change: dict[str, object], label: str, mine: str, theirs: str
) -> None:
    base = make_case(notes="已电话联系")
    (diff,) = differences(replace(base, **change), base)  # type: ignore[arg-type]
    assert (diff.label, diff.mine, diff.theirs) == (label, mine, theirs)


def test_children_compare_as_wholes_ignoring_ids() -> None:
    base = make_case()
    with_ids = replace(base, parties=tuple(replace(p, id=i + 7) for i, p in enumerate(base.parties)))
    assert differences(with_ids, base) == []
    paid = replace(base, payments=(*base.payments, Payment(date(2025, 6, 10), 6_000_000)))
    (diff,) = differences(paid, base)
    assert diff.label == "履行记录"
    assert diff.mine == "2笔，共100,000.00元，最近一笔2025-06-10"


def test_the_same_case_has_no_differences() -> None:
    assert differences(make_case(), make_case()) == []
