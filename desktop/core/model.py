"""The case ledger's domain model: frozen dataclasses, no Qt, no SQL.

One case (案件) carries its parties (当事人), the obligations the judgment or mediation agreement
imposes (履行义务, money in fen or an act), each obligation's installments (分期), the payments made
(履行记录) and the urging log (督促记录). The store turns rows into these; services and the GUI pass them
around; the rules in ``core`` read them.

Enumerations store their Chinese label as value: the database stays readable to a court's IT staff and
the label shown in the GUI is the stored value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Stage(StrEnum):
    """Where the case stands in the three-stage mechanism (从化)."""

    AFTER_JUDGMENT = "判后"
    PRE_ENFORCEMENT = "执前督促"
    ENFORCEMENT = "执行"


class Disposition(StrEnum):
    """How the case ended: decides when the document takes effect."""

    JUDGMENT = "判决"
    MEDIATION = "调解"
    RULING = "裁定"
    JUDICIAL_CONFIRMATION = "司法确认"


class Procedure(StrEnum):
    """The procedure the document came out of (second instance and small claims take effect on service)."""

    ORDINARY = "普通程序"
    SIMPLIFIED = "简易程序"
    SMALL_CLAIMS = "小额诉讼"
    SECOND_INSTANCE = "二审"
    SPECIAL = "特别程序"


class CaseStatus(StrEnum):
    """Workflow status. Whether money is partly paid is derived from the amounts, not stored."""

    OPEN = "在办"
    PERFORMED = "履行完毕"
    TRANSFERRED = "移送执行"
    CLOSED = "已归档"


class PartyRole(StrEnum):
    PLAINTIFF = "原告"
    DEFENDANT = "被告"
    APPLICANT = "申请人"
    RESPONDENT = "被申请人"
    CREDITOR = "申请执行人"
    DEBTOR = "被执行人"
    THIRD_PARTY = "第三人"

    @property
    def owes(self) -> bool:
        """The side that usually owes performance (被告, 被申请人, 被执行人)."""
        return self in (PartyRole.DEFENDANT, PartyRole.RESPONDENT, PartyRole.DEBTOR)


class PartyKind(StrEnum):
    PERSON = "自然人"
    ORGANISATION = "法人或其他组织"


class LicenceStatus(StrEnum):
    ACTIVE = "存续"
    REVOKED = "吊销"
    CANCELLED = "注销"
    UNKNOWN = "未知"


class ObligationKind(StrEnum):
    MONEY = "金钱给付"
    ACT = "行为履行"


class DefaultClause(StrEnum):
    """The three kinds of default clause in mediation agreements (七台河 细则 §8)."""

    NONE = "无"
    ACCELERATE = "一并申请强制执行"
    RESTORE_CLAIM = "恢复原诉讼请求"
    PENALTY = "支付违约金或变更利息"


class GuaranteeKind(StrEnum):
    """The three kinds of guarantee clause (七台河 细则 §9)."""

    NONE = "无"
    OWN_PROPERTY = "义务人自有财产抵（质）押"
    PARTY_GUARANTEE = "案内其他当事人担保"
    OUTSIDER_GUARANTEE = "案外人担保"


class PaymentMethod(StrEnum):
    TRANSFER = "转账"
    CASH = "现金"
    IN_COURT = "当庭履行"
    PRESERVED_FUNDS = "扣划保全款"
    COURT_ACCOUNT = "交法院账户"
    OTHER = "其他"


class ContactMethod(StrEnum):
    PHONE = "电话"
    SMS = "短信"
    VISIT = "上门"
    HOTLINE_12368 = "12368"
    MOBILE_COURT = "移动微法院"
    GRID_WORKER = "网格员"
    MAIL = "邮寄"
    OTHER = "其他"


@dataclass(frozen=True)
class Handler:
    """承办人 (judge, assistant or clerk) who handles cases and urges parties."""

    name: str
    department: str = ""
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class CourtSettings:
    """The court this installation serves. Set once at first run, edited in 设置."""

    court_name: str
    court_code: str
    tribunal_name: str = ""
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    role: PartyRole
    kind: PartyKind
    name: str
    id_number: str = ""
    uscc: str = ""
    phone: str = ""
    address: str = ""
    legal_representative: str = ""
    registered_capital_fen: int | None = None
    licence_status: LicenceStatus | None = None
    service_date: date | None = None
    publication_consent: bool = False
    consent_date: date | None = None
    id: int | None = None

    @property
    def identifier(self) -> str:
        return self.id_number if self.kind is PartyKind.PERSON else self.uscc


@dataclass(frozen=True)
class Installment:
    seq: int
    due_date: date
    amount_fen: int
    id: int | None = None


@dataclass(frozen=True)
class Obligation:
    kind: ObligationKind
    description: str = ""
    amount_fen: int = 0
    due_date: date | None = None
    debtor: str = ""
    creditor: str = ""
    installments: tuple[Installment, ...] = ()
    default_clause: DefaultClause = DefaultClause.NONE
    default_clause_text: str = ""
    guarantee: GuaranteeKind = GuaranteeKind.NONE
    guarantee_text: str = ""
    account_name: str = ""
    account_number: str = ""
    account_bank: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Payment:
    paid_on: date
    amount_fen: int
    method: PaymentMethod = PaymentMethod.TRANSFER
    payer: str = ""
    evidence: str = ""
    creditor_confirmed: bool = False
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Contact:
    """One entry of the urging log (督促记录)."""

    at: datetime
    method: ContactMethod
    by: str
    outcome: str = ""
    note: str = ""
    party: str = ""
    rule_id: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Case:
    """A case with something to perform, as the ledger knows it."""

    case_number: str
    cause: str = ""
    stage: Stage = Stage.AFTER_JUDGMENT
    disposition: Disposition = Disposition.JUDGMENT
    procedure: Procedure = Procedure.SIMPLIFIED
    status: CaseStatus = CaseStatus.OPEN
    handler: str = ""
    filing_date: date | None = None
    judgment_date: date | None = None
    effective_date: date | None = None
    effective_override_reason: str = ""
    deadline: date | None = None
    deadline_override_reason: str = ""
    public_notice: bool = False
    enforcement_case_number: str = ""
    enforcement_filing_date: date | None = None  # 执行立案日期 (执前督促: the day it was registered)
    enforcement_notice_date: date | None = None  # 执行通知书送达日期
    notes: str = ""
    parties: tuple[Party, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    payments: tuple[Payment, ...] = ()
    contacts: tuple[Contact, ...] = field(default=(), compare=False)
    id: int | None = None
    version: int = 0
