"""Demo data: a realistic, varied case ledger for 七台河市新兴区人民法院 (长兴人民法庭), generated fast.

``tribunal-desk demo PATH [--cases N] [--seed S]`` calls :func:`generate`. The data looks like what a
tribunal really tracks (DOMAIN.md, seeds 001/002/004): canonical 案号 2023–2026 (民初; 民特 司法确认 and
实现担保物权; 黑09民终; 执 and 执恢; the local 执前督 / 执前调), every stage, disposition, procedure and
status; dates that follow the legal calendar (each party's own service date, appeal periods moved past
rest days by the product's holiday table, 公告送达, mediation agreements signed in court); amounts in
integer fen skewed small; installment plans with default and guarantee clauses; receiving accounts;
partial, full and late payments; the urging log answering the shipped reminder rules; the dated events
those rules count from (执前督促, 预纳入失信 notices, promises); people with valid 身份证号 and companies
with valid 统一社会信用代码, drawn again and again as repeat litigants are.

Every case passes :func:`desktop.core.validation.case_problems` and
:func:`desktop.core.case_dates.override_problems`, and the derived columns of ``cases`` (due_fen,
paid_fen, next_due_date, parties_text) are what :mod:`desktop.store.cases` computes for the same case,
and ``last_contact_at`` what the contacts triggers of db/0005 keep
(``tests/unit/test_demo.py`` checks all of it). The output depends only on ``cases``, ``seed`` and
``today``.

How it is fast (1,000,000 cases: 66–68 s on an idle two-core machine, 89 s in one process, 2.2 GB;
see ``tests/bench/bench_demo.py``):

* one ``random.Random(seed)`` stream; dates as day ordinals with precomputed ISO and Chinese text, month
  arithmetic and the §85 "next working day"; enumeration labels as plain strings;
* from 50,000 cases on, the rows are generated in a second process while this one writes them (same
  stream, same result);
* one transaction with explicit ids; lean INSERTs that bind only the columns a row sets; the secondary
  indexes and the search triggers dropped and recreated afterwards from the SQL SQLite recorded when
  the migrations created them; the FTS5 index filled batch by batch with INSERT … SELECT and a large
  pending-terms buffer (letting the triggers index row by row costs 60 % more CPU, one 'rebuild' at
  the end about the same but cannot overlap the generator); CHECK and foreign-key enforcement paused
  (the rows are valid by construction; the test runs ``integrity_check`` and ``foreign_key_check``);
  rollback journal in memory, 8 KiB pages; WAL restored at the end.

No Qt here: the CLI, the GUI's ``--demo`` and the tests import this module headless.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue as queue_module
import random
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from desktop.core.fee_relief import BASIS_EXAMPLE
from desktop.core.fees import acceptance_fee, reduced_acceptance_fee
from desktop.core.identifiers import make_id_number, make_uscc
from desktop.core.model import (
    CaseStatus,
    ContactMethod,
    CourtSettings,
    DefaultClause,
    Disposition,
    GuaranteeKind,
    LicenceStatus,
    ObligationKind,
    PartyKind,
    PartyRole,
    PaymentMethod,
    Procedure,
    Stage,
)
from desktop.core.reminders import CaseEventKind
from desktop.services.demo_screening import add_screening_examples
from desktop.services.reminders import Reminders
from desktop.services.workspace import Workspace
from desktop.store.audit import record
from desktop.store.database import StoreError, open_database
from desktop.store.settings import save_court_settings

__all__ = ["COURT", "DEMO_ACTOR", "HANDLERS", "DemoSummary", "generate"]

Progress = Callable[[int, int], None]

COURT = CourtSettings(
    court_name="七台河市新兴区人民法院",
    court_code="黑0902",
    tribunal_name="长兴人民法庭",
    departments=("民一庭", "民二庭", "长兴人民法庭", "立案庭", "执行局"),
)
INTERMEDIATE_COURT_CODE = "黑09"  # 七台河市中级人民法院: the court of the 民终 numbers
DEMO_ACTOR = "演示数据"

# (name, department, active): the 承办人 of the demo court. 马德胜 retired in mid-2024; his old cases stay.
HANDLERS: tuple[tuple[str, str, bool], ...] = (
    ("孙建华", "长兴人民法庭", True),
    ("王丽娜", "长兴人民法庭", True),
    ("李春雨", "长兴人民法庭", True),
    ("赵志刚", "民一庭", True),
    ("刘晓梅", "民二庭", True),
    ("陈淑芬", "立案庭", True),
    ("张振宇", "执行局", True),
    ("杨国庆", "执行局", True),
    ("马德胜", "民一庭", False),
)
_RETIRED_BEFORE = date(2024, 7, 1).toordinal()
_TRIBUNAL_HANDLERS = ("孙建华", "王丽娜", "李春雨", "孙建华", "王丽娜", "李春雨", "赵志刚", "刘晓梅")

CHUNK = 10_000  # cases per batch (and per progress report)
PARALLEL_FROM = 50_000  # generate in a second process from this many cases on
FIRST_FILING = date(2023, 1, 3)
LAST_FILING = date(2026, 12, 31)
PAGE_SIZE = 8192  # bytes; SQLite's default is 4096. Larger pages load about a fifth faster here.
CACHE_KIB = 262_144  # page cache while the rows go in: 256 MiB
INDEX_CACHE_KIB = 65_536  # and while the indexes are built: the sorter runs about a fifth faster with less
FTS_HASHSIZE = 128 * 1024 * 1024  # FTS5 pending-terms buffer during the load (bytes; default 1 MiB)
FTS_HASHSIZE_DEFAULT = 1024 * 1024

# ------------------------------------------------------------------------------------------ labels

S_AFTER, S_PRE, S_ENF = Stage.AFTER_JUDGMENT.value, Stage.PRE_ENFORCEMENT.value, Stage.ENFORCEMENT.value
D_JUDG, D_MED, D_RUL, D_CONF = (
    Disposition.JUDGMENT.value,
    Disposition.MEDIATION.value,
    Disposition.RULING.value,
    Disposition.JUDICIAL_CONFIRMATION.value,
)
P_ORD, P_SIMPLE, P_SMALL, P_SECOND, P_SPECIAL = (
    Procedure.ORDINARY.value,
    Procedure.SIMPLIFIED.value,
    Procedure.SMALL_CLAIMS.value,
    Procedure.SECOND_INSTANCE.value,
    Procedure.SPECIAL.value,
)
ST_OPEN, ST_DONE, ST_MOVED, ST_CLOSED = (
    CaseStatus.OPEN.value,
    CaseStatus.PERFORMED.value,
    CaseStatus.TRANSFERRED.value,
    CaseStatus.CLOSED.value,
)
K_PERSON, K_ORG = PartyKind.PERSON.value, PartyKind.ORGANISATION.value
NO_CLAUSE, ACCELERATE, RESTORE, PENALTY = (
    DefaultClause.NONE.value,
    DefaultClause.ACCELERATE.value,
    DefaultClause.RESTORE_CLAIM.value,
    DefaultClause.PENALTY.value,
)
NO_GUARANTEE, OWN_PROPERTY, PARTY_GUARANTEE, OUTSIDER_GUARANTEE = (
    GuaranteeKind.NONE.value,
    GuaranteeKind.OWN_PROPERTY.value,
    GuaranteeKind.PARTY_GUARANTEE.value,
    GuaranteeKind.OUTSIDER_GUARANTEE.value,
)
IN_COURT, PRESERVED = PaymentMethod.IN_COURT.value, PaymentMethod.PRESERVED_FUNDS.value
EV_PRE, EV_BLACKLIST, EV_FINE, EV_DETENTION, EV_CREDIT, EV_PROMISE = (
    CaseEventKind.PRE_ENFORCEMENT.value,
    CaseEventKind.PRE_BLACKLIST.value,
    CaseEventKind.PRE_FINE.value,
    CaseEventKind.DETENTION_RISK.value,
    CaseEventKind.CREDIT_PROMISE.value,
    CaseEventKind.COMMITMENT.value,
)
# the reminder rule that a notice's end brings (resources/rules/default-rules.json)
_NOTICE_RULES = {EV_BLACKLIST: "pre_blacklist", EV_FINE: "pre_fine", EV_DETENTION: "detention_risk"}
MONEY, ACT = ObligationKind.MONEY.value, ObligationKind.ACT.value
ROLES = {
    S_AFTER: (PartyRole.PLAINTIFF.value, PartyRole.DEFENDANT.value),
    S_PRE: (PartyRole.APPLICANT.value, PartyRole.RESPONDENT.value),
    S_ENF: (PartyRole.CREDITOR.value, PartyRole.DEBTOR.value),
}
SPECIAL_ROLES = (PartyRole.APPLICANT.value, PartyRole.RESPONDENT.value)
THIRD = PartyRole.THIRD_PARTY.value

# ------------------------------------------------------------------------------------------ pools

_COMMON_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
_LESS_COMMON = (
    "庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜"
    "詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边"
)
# Rarer ones, several typical of 黑龙江 (Manchu and Shandong-origin families), and compound surnames.
_RARE = "佟那富伊初宫衣修尚矫逄么仉亓宓禚蒯栾鞠隗郇扈厉仝佘敖綦訾逯笪粟闫郄暴战揭邸冷缪"
_COMPOUND = ("欧阳", "司马", "诸葛", "上官", "慕容", "东方", "公孙", "令狐", "皇甫", "尉迟")
_MALE = (
    "伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建国志海峰东文德成永"
    "春庆福生金山立新振家兴亮学云忠晓博彬松柏权胜利威毅"
)
_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰红梅琳婷雪慧颖佳倩燕萍莉洁丹妍欣悦璐琪彤萌瑶薇晶月凤荣淑珍玉洁蕾岩楠菲爽"

# Region codes (GB/T 2260) for ID numbers: mostly 七台河, then elsewhere in 黑龙江, a few from outside.
_REGIONS = (
    ("230902", 30), ("230903", 16), ("230904", 10), ("230921", 14),  # 新兴 桃山 茄子河 勃利
    ("230102", 2), ("230103", 2), ("230104", 1), ("230302", 3), ("230304", 1), ("230402", 2),
    ("230502", 2), ("230602", 2), ("230803", 3), ("231002", 2), ("231102", 1), ("230202", 1),
    ("220102", 1), ("210102", 1), ("370202", 1), ("130102", 1),
)  # fmt: skip
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "171", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "193", "195", "198",
    "199",
)  # fmt: skip
_DISTRICTS = (
    (
        "新兴区",
        ("长兴街道", "兴华街道", "新立街道", "越秀街道", "北山街道", "红旗街道", "新兴街道", "河南街道"),
        50,
    ),
    ("桃山区", ("桃南街道", "桃西街道", "桃东街道", "桃北街道", "万宝河镇"), 20),
    ("茄子河区", ("茄子河街道", "向阳街道", "东风街道", "龙湖街道", "中心河乡"), 15),
)
_COMMUNITIES = (
    "兴华小区", "欣源小区", "山湖名苑", "龙湖家园", "金桥小区", "和平小区", "幸福家园", "阳光花园",
    "桃源小区", "锦绣华城", "御景湾", "丽水华庭", "学府小区", "矿建小区", "东方家园", "中心小区",
    "滨河小区", "怡园小区", "新建小区", "富强小区", "铁东小区", "宏伟小区", "华府小区", "福地小区",
)  # fmt: skip
_TOWNS = ("勃利镇", "小五站镇", "大四站镇", "双河镇", "倭肯镇", "青山乡", "吉兴朝鲜族满族乡", "杏树朝鲜族乡")
_VILLAGES = (
    "新华", "永胜", "民主", "东升", "前进", "太平", "双山", "长山", "兴隆", "红星", "保安", "曙光",
    "通天", "新立", "胜利", "建国",
)  # fmt: skip
_ROADS = (
    "中心路", "山湖路", "大同街", "学府街", "桃源路", "兴安路", "铁西路", "华强街", "长兴路", "矿建街",
    "奋斗路", "光明街", "建设路", "民主路", "和平街", "工农路",
)  # fmt: skip
_NAME_CHARS = (
    "鑫源宏达恒泰华金鼎龙兴盛广聚瑞丰永昌福天成昊佳和润泽众凯越德顺东方北辰宝吉祥安利"
    "民宇腾飞锐通远诚信嘉禾万百川"
)
_INDUSTRIES = (
    "商贸", "建筑工程", "煤炭经销", "矿山机械", "汽车销售服务", "房地产开发", "餐饮管理", "农业科技", "物流",
    "装饰工程", "建材", "劳务派遣", "广告传媒", "电子科技", "医药连锁", "农机", "粮食贸易", "石材",
    "酒店管理",
    "文化传播",
)  # fmt: skip
_BUILDERS = ("建筑工程", "建筑安装工程", "市政工程", "路桥工程", "装饰工程")
_BANKS = (
    "中国工商银行股份有限公司七台河分行",
    "中国农业银行股份有限公司七台河分行",
    "中国银行股份有限公司七台河分行",
    "中国建设银行股份有限公司七台河分行",
    "中国邮政储蓄银行股份有限公司七台河市分行",
    "龙江银行股份有限公司七台河分行",
    "哈尔滨银行股份有限公司七台河分行",
)
_INSURERS = (
    "中国人民财产保险股份有限公司七台河市分公司",
    "中国平安财产保险股份有限公司七台河中心支公司",
    "中国太平洋财产保险股份有限公司七台河中心支公司",
    "中华联合财产保险股份有限公司七台河中心支公司",
    "中国人寿财产保险股份有限公司七台河市中心支公司",
)
# (bank, card BIN for personal cards, digits of a corporate account)
_ACCOUNT_BANKS = (
    ("中国农业银行七台河新兴支行", "622848", 15),
    ("中国农业银行七台河桃山支行", "622848", 15),
    ("中国工商银行七台河分行营业部", "621226", 19),
    ("中国工商银行七台河新兴支行", "622202", 19),
    ("中国建设银行七台河分行营业部", "621700", 20),
    ("中国建设银行七台河桃山支行", "621700", 20),
    ("中国邮政储蓄银行七台河市新兴区支行", "621799", 18),
    ("中国银行七台河分行营业部", "621661", 14),
    ("龙江银行七台河新兴支行", "623159", 17),
    ("七台河农村商业银行长兴支行", "623062", 19),
    ("勃利县农村信用合作联社", "621070", 19),
)

# ------------------------------------------------------------------------------------------ causes

# Party types: P person, C company, PC person 70 % else company, CP company 60 % else person,
# BANK bank branch, LEND 小额贷款 company, PROP 物业 company, HEAT 热力 company, BUILD construction
# company, OLD elderly person.
# (cause, weight, creditor type, debtor type, min yuan, max yuan, skew (higher: more small amounts),
#  installment share, co-debtor share (guarantors, spouses, partners), act kind, what the money is for)
_CAUSES: tuple[tuple[str, int, str, str, int, int, float, float, float, str, str], ...] = (
    ("民间借贷纠纷", 180, "P", "PC", 3_000, 800_000, 2.2, 0.25, 0.35, "", "借款本金及利息"),
    ("买卖合同纠纷", 120, "CP", "PC", 1_500, 3_000_000, 2.6, 0.2, 0.15, "", "货款"),
    ("金融借款合同纠纷", 70, "BANK", "P", 10_000, 1_500_000, 1.8, 0.15, 0.45, "", "借款本金、利息及罚息"),
    ("信用卡纠纷", 70, "BANK", "P", 2_000, 150_000, 1.6, 0.3, 0.0, "", "信用卡透支本金、利息及费用"),
    ("劳务合同纠纷", 60, "P", "PC", 1_500, 120_000, 2.0, 0.15, 0.1, "", "劳务费"),
    ("追索劳动报酬纠纷", 50, "P", "BUILD", 2_000, 80_000, 1.8, 0.15, 0.0, "", "拖欠的劳动报酬"),
    ("机动车交通事故责任纠纷", 70, "P", "P", 2_000, 500_000, 2.0, 0.1, 0.0, "",
     "医疗费、误工费、护理费等各项损失"),
    ("租赁合同纠纷", 50, "PC", "PC", 2_000, 400_000, 2.2, 0.2, 0.1, "vacate", "租金"),
    ("物业服务合同纠纷", 60, "PROP", "P", 400, 9_000, 1.5, 0.1, 0.0, "", "物业服务费"),
    ("供用热力合同纠纷", 50, "HEAT", "P", 800, 15_000, 1.5, 0.1, 0.0, "", "供暖费"),
    ("离婚纠纷", 40, "P", "P", 5_000, 400_000, 2.0, 0.3, 0.0, "transfer", "财产分割折价款"),
    ("抚养费纠纷", 20, "P", "P", 6_000, 60_000, 1.2, 0.9, 0.0, "", "抚养费"),
    ("赡养费纠纷", 10, "OLD", "P", 3_000, 30_000, 1.2, 0.9, 0.3, "", "赡养费"),
    ("建设工程施工合同纠纷", 20, "BUILD", "C", 50_000, 5_000_000, 2.0, 0.25, 0.2, "", "工程款"),
    ("装饰装修合同纠纷", 20, "PC", "P", 3_000, 200_000, 2.0, 0.2, 0.1, "", "装修工程款"),
    ("服务合同纠纷", 20, "C", "PC", 1_000, 100_000, 2.0, 0.1, 0.05, "", "服务费"),
    ("承揽合同纠纷", 20, "PC", "C", 2_000, 300_000, 2.0, 0.15, 0.1, "", "加工费"),
    ("生命权、身体权、健康权纠纷", 30, "P", "P", 1_000, 200_000, 2.0, 0.2, 0.2, "",
     "医疗费、护理费等各项损失"),
    ("财产损害赔偿纠纷", 10, "PC", "P", 500, 100_000, 2.0, 0.1, 0.15, "", "财产损失"),
    ("不当得利纠纷", 10, "PC", "P", 1_000, 200_000, 2.0, 0.1, 0.05, "", "不当得利款"),
    ("劳动争议", 20, "P", "C", 3_000, 150_000, 1.8, 0.15, 0.0, "", "经济补偿金及拖欠工资"),
    ("房屋买卖合同纠纷", 10, "P", "PC", 10_000, 600_000, 1.8, 0.2, 0.2, "transfer", "购房款"),
    ("合伙合同纠纷", 10, "P", "P", 10_000, 500_000, 2.0, 0.2, 0.3, "", "合伙投资款"),
    ("排除妨害纠纷", 5, "P", "P", 0, 0, 1.0, 0.0, 0.1, "clear", ""),
    ("相邻关系纠纷", 5, "P", "P", 0, 0, 1.0, 0.0, 0.1, "neighbour", ""),
    ("返还原物纠纷", 5, "PC", "P", 0, 0, 1.0, 0.0, 0.0, "return", ""),
)  # fmt: skip
_SECURITY_CAUSE = (
    "申请实现担保物权",
    0,
    "BANK",
    "PC",
    50_000,
    2_000_000,
    1.8,
    0.0,
    0.3,
    "",
    "借款本金及利息",
)
_CONFIRMATION_CAUSES = ("民间借贷纠纷", "买卖合同纠纷", "劳务合同纠纷", "机动车交通事故责任纠纷", "离婚纠纷",
                        "租赁合同纠纷", "追索劳动报酬纠纷", "生命权、身体权、健康权纠纷")  # fmt: skip

# Kinds of record: what the case number is and how the dates run.
KIND_JUDGMENT, KIND_MEDIATION, KIND_CONFIRM, KIND_SECURITY, KIND_APPEAL = 0, 1, 2, 3, 4
KIND_EXEC, KIND_RESUMED, KIND_PRE_DU, KIND_PRE_TIAO = 5, 6, 7, 8
_KIND_WEIGHTS = ((KIND_JUDGMENT, 470), (KIND_MEDIATION, 330), (KIND_CONFIRM, 50), (KIND_SECURITY, 15),
                 (KIND_APPEAL, 15), (KIND_EXEC, 80), (KIND_RESUMED, 15), (KIND_PRE_DU, 12),
                 (KIND_PRE_TIAO, 13))  # fmt: skip

_DEFAULT_TEXTS = {
    DefaultClause.ACCELERATE.value: "如{d}有任何一期未按期足额履行，{c}可就剩余全部款项一并申请强制执行。",
    DefaultClause.RESTORE_CLAIM.value: "如{d}未按上述期限履行，{c}有权恢复原诉讼请求。",
    DefaultClause.PENALTY.value: (
        "如{d}未按期足额履行任何一期，应自逾期之日起按未付款项每日万分之五向{c}支付违约金。"
    ),
}
_GUARANTEE_TEXTS = {
    GuaranteeKind.OWN_PROPERTY.value: "{d}以其所有的位于{a}的房屋为上述债务提供抵押担保，已办理抵押登记。",
    GuaranteeKind.PARTY_GUARANTEE.value: "{g}自愿对上述债务承担连带保证责任。",
    GuaranteeKind.OUTSIDER_GUARANTEE.value: "案外人{g}自愿对上述债务承担连带保证责任。",
}
_ACT_TEXTS = {
    "vacate": "{d}于{t}前腾退位于{a}的房屋并交还{c}",
    "transfer": "{d}于{t}前协助{c}办理位于{a}房屋的不动产转移登记手续",
    "clear": "{d}于{t}前拆除其在{a}东侧搭建的彩钢棚，恢复{c}通行",
    "neighbour": "{d}于{t}前清除堆放于{a}楼道及公共通道的杂物",
    "return": "{d}于{t}前返还{c}车牌号为黑K{p}的小型轿车一辆",
}
_OUTCOMES = {
    ContactMethod.PHONE.value: (
        "已接通，义务人表示将于期限内履行",
        "已接通，义务人称资金困难，请求宽限至月底",
        "已接通，已告知拒不履行的法律后果",
        "未接通，已另行发送短信",
        "号码已停机",
        "已接通，义务人表示已在筹款",
    ),
    ContactMethod.SMS.value: ("已发送履行提示短信", "已发送催告短信", "已发送履行期限届满提醒"),
    ContactMethod.VISIT.value: (
        "上门送达《自动履行催告书》，义务人签收",
        "上门未遇，已留置通知",
        "上门释法，义务人承诺分期履行",
    ),
    ContactMethod.HOTLINE_12368.value: ("通过12368平台发送履行提示",),
    ContactMethod.MOBILE_COURT.value: (
        "通过移动微法院推送《自动履行提示书》",
        "通过移动微法院推送《自动履行催告书》",
    ),
    ContactMethod.GRID_WORKER.value: (
        "委托网格员上门督促，义务人承诺月底前履行",
        "网格员反映义务人外出务工，已联系其家属",
    ),
    ContactMethod.MAIL.value: ("邮寄《自动履行催告书》，已妥投", "邮寄《执前督促履行告知书》，已妥投"),
}
_CONTACT_METHODS = (
    (ContactMethod.PHONE.value, 45), (ContactMethod.SMS.value, 20), (ContactMethod.VISIT.value, 8),
    (ContactMethod.HOTLINE_12368.value, 6), (ContactMethod.MOBILE_COURT.value, 10),
    (ContactMethod.GRID_WORKER.value, 5), (ContactMethod.MAIL.value, 6),
)  # fmt: skip
_PAY_METHODS = (
    (PaymentMethod.TRANSFER.value, 72), (PaymentMethod.CASH.value, 9),
    (PaymentMethod.COURT_ACCOUNT.value, 14), (PaymentMethod.OTHER.value, 2),
    (PaymentMethod.PRESERVED_FUNDS.value, 3),
)  # fmt: skip
_EVIDENCE = {
    PaymentMethod.TRANSFER.value: ("银行转账凭证", "手机银行转账截图", "网银回单"),
    PaymentMethod.CASH.value: ("收条", "债权人出具的收条"),
    PaymentMethod.COURT_ACCOUNT.value: ("法院代管款收据",),
    PaymentMethod.OTHER.value: ("以物抵债协议",),
    PaymentMethod.PRESERVED_FUNDS.value: ("扣划裁定书",),
    PaymentMethod.IN_COURT.value: ("庭审笔录",),
}
_TERMS = {10: "十", 15: "十五", 30: "三十", 60: "六十"}
_TIMES = tuple(
    f"{h:02d}:{m:02d}:00" for h in (8, 9, 10, 11, 13, 14, 15, 16) for m in (5, 12, 20, 31, 38, 46, 53)
)


_ENFORCEMENT_TYPES = ("执", "执恢", "执前督", "执前调")  # KIND_EXEC … KIND_PRE_TIAO
_NEW_CPL = date(2024, 1, 1).toordinal()  # the 2023 revision of 民事诉讼法 (公告送达 30 days instead of 60)
_BIRTHS = (date(1952, 1, 1).toordinal(), date(2004, 6, 30).toordinal())
_OLD_BIRTHS = (date(1936, 1, 1).toordinal(), date(1962, 12, 31).toordinal())
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LICENCES = tuple(s.value for s in LicenceStatus)  # 存续, 吊销, 注销, 未知

_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _weighted(pairs: Any) -> tuple[Any, ...]:
    """A lookup tuple holding each value ``weight`` times: ``t[int(random() * len(t))]`` draws by weight."""
    return tuple(v for v, w in pairs for _ in range(w))


def _yuan(fen: int) -> str:
    """Amounts as judgments write them: 50000, 1234.50."""
    return str(fen // 100) if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


# ------------------------------------------------------------------------------------------ calendar


def _holiday_table() -> Any:
    """The product's shipped holiday table (``HolidayTable``), or None (weekends only) when missing."""
    from desktop import paths
    from desktop.core import calendar as legal

    try:
        text = (paths.resources_dir() / "holidays" / "cn-holidays.json").read_text(encoding="utf-8")
        return legal.parse_holiday_json(text)
    except (OSError, ValueError):
        return None


class _Days:
    """Day ordinals from ``first`` to ``last`` with their ISO and Chinese text, year, day of month, month
    number, and the §85 roll to the first working day on or after each day."""

    def __init__(self, first: date, last: date) -> None:
        if first.day != 1:
            raise ValueError("the day table must start on the first of a month")
        table = _holiday_table()
        self.base = first.toordinal()
        n = last.toordinal() - self.base + 1
        days = [date.fromordinal(self.base + i) for i in range(n)]
        self.iso = [d.isoformat() for d in days]
        self.cn = [f"{d.year}年{d.month}月{d.day}日" for d in days]
        self.year = [d.year for d in days]
        self.day = [d.day for d in days]
        self.month = [(d.year - first.year) * 12 + d.month - 1 for d in days]
        self.month_start = [self.base + i for i, d in enumerate(days) if d.day == 1]
        rest = [table.is_rest_day(d) for d in days] if table is not None else [d.weekday() >= 5 for d in days]
        roll = [0] * n
        following = self.base + n - 1
        for i in range(n - 1, -1, -1):
            if not rest[i]:
                following = self.base + i
            roll[i] = following
        self.roll = roll


# ------------------------------------------------------------------------------------------ rows

# Each table has a full INSERT and, where most rows leave several columns at their defaults, a lean one:
# binding values is most of the cost of a bulk load, so rows bind only what they set.
_CASE_LEAN = (
    "id, case_number, cn_year, cn_court_code, cn_type_code, cn_seq, cause, stage, disposition, procedure, "
    "status, handler_id, filing_date, judgment_date, effective_date, deadline, "
    "due_fen, paid_fen, next_due_date, parties_text, created_at, updated_at, last_contact_at"
)
_CASE_FULL = (
    _CASE_LEAN + ", cn_local, public_notice, enforcement_case_number, notes, "
    "effective_override_reason, deadline_override_reason, enforcement_filing_date, enforcement_notice_date"
)
_PARTY_LEAN = "case_id, position, role, kind, name, id_number, phone, address, service_date"
_PARTY_FULL = (
    "case_id, position, role, kind, name, id_number, uscc, phone, address, legal_representative, "
    "registered_capital_fen, licence_status, service_date, publication_consent, consent_date"
)
_OBLIGATION_LEAN = (
    "id, case_id, position, kind, description, amount_fen, due_date, debtor, creditor, "
    "account_name, account_number, account_bank"
)
_OBLIGATION_FULL = _OBLIGATION_LEAN + ", default_clause, default_clause_text, guarantee, guarantee_text"
_INSTALLMENT = "obligation_id, seq, due_date, amount_fen"
_PAYMENT_LEAN = "case_id, paid_on, amount_fen, method, payer, evidence, creditor_confirmed"
_PAYMENT_FULL = _PAYMENT_LEAN + ", note"
_CONTACT = "case_id, at, method, by, party, outcome, rule_id"
_EVENT = "case_id, kind, start_date, end_date, note, created_at, created_by"


def _insert_sql(table: str, columns: str) -> str:
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * (columns.count(',') + 1))})"


# (table, INSERT statement): a Chunk holds one list of rows for each, in this order.
INSERTS: tuple[tuple[str, str], ...] = (
    ("cases", _insert_sql("cases", _CASE_LEAN)),
    ("cases", _insert_sql("cases", _CASE_FULL)),
    ("parties", _insert_sql("parties", _PARTY_LEAN)),
    ("parties", _insert_sql("parties", _PARTY_FULL)),
    ("obligations", _insert_sql("obligations", _OBLIGATION_LEAN)),
    ("obligations", _insert_sql("obligations", _OBLIGATION_FULL)),
    ("installments", _insert_sql("installments", _INSTALLMENT)),
    ("payments", _insert_sql("payments", _PAYMENT_LEAN)),
    ("payments", _insert_sql("payments", _PAYMENT_FULL)),
    ("contacts", _insert_sql("contacts", _CONTACT)),
    ("case_events", _insert_sql("case_events", _EVENT)),
)
TABLES = ("cases", "parties", "obligations", "installments", "payments", "contacts", "case_events")

Chunk = tuple[list[tuple[Any, ...]], ...]  # one list of rows per statement of INSERTS, in that order
# A party as drawn from a pool: (its full row's kind … licence_status values, receiving account number,
# bank, its lean row's kind … address values or None for an organisation).
Entity = tuple[tuple[Any, ...], str, str, tuple[Any, ...] | None]

# Plans for the first cases, so that even a small demo shows every stage, status and disposition:
# (kind, stage, outcome, archive, transfer)
_PLANS = (
    (KIND_JUDGMENT, S_AFTER, "full", False, False),
    (KIND_MEDIATION, S_AFTER, "partial", False, False),
    (KIND_JUDGMENT, S_AFTER, "none", False, True),
    (KIND_CONFIRM, S_AFTER, "full", True, False),
    (KIND_SECURITY, S_AFTER, "none", False, False),
    (KIND_JUDGMENT, S_PRE, "full", False, False),
    (KIND_MEDIATION, S_ENF, "partial", False, False),
    (KIND_EXEC, S_ENF, "none", False, False),
    (KIND_APPEAL, S_AFTER, "full", False, False),
    (KIND_PRE_DU, S_PRE, "partial", False, False),
    (KIND_PRE_TIAO, S_PRE, "full", False, False),
    (KIND_RESUMED, S_ENF, "none", False, False),
)


class _Generator:
    """One deterministic stream of demo cases: build it, then iterate :meth:`chunks`."""

    def __init__(self, cases: int, seed: int, today: date) -> None:
        _check_today(today)
        self.n = cases
        self.today = today.toordinal()
        self.rng = random.Random(seed)
        self.days = _Days(date(2020, 1, 1), date(2031, 12, 31))
        self.counters: dict[tuple[int, str, str], int] = {}
        self.first_filing = FIRST_FILING.toordinal()
        self.last_filing = min(self.today - 20, LAST_FILING.toordinal())
        self.handler_ids = {name: i for i, (name, _, _) in enumerate(HANDLERS, start=1)}
        self.surnames = tuple(_COMMON_SURNAMES) * 6 + tuple(_LESS_COMMON) * 2 + tuple(_RARE) + _COMPOUND
        self.regions = _weighted(_REGIONS)
        self.districts = _weighted((d, w) for d, _, w in _DISTRICTS) + ("勃利县",) * 15
        self.streets = {d: s for d, s, _ in _DISTRICTS}
        self.kinds = _weighted(_KIND_WEIGHTS)
        self.causes = _weighted((c, c[1]) for c in _CAUSES)
        by_name = {c[0]: c for c in _CAUSES}
        self.confirmation_causes = tuple(by_name[c] for c in _CONFIRMATION_CAUSES)
        self.contact_methods = _weighted(_CONTACT_METHODS)
        self.pay_methods = _weighted(_PAY_METHODS)
        # People and most companies are created on first draw, up to a cap that grows with the demo's
        # size: early cases bring new faces, later ones more and more repeat litigants (and the cost of
        # making them is spread over the run).
        n = cases
        self.people: list[Entity] = []
        self.people_cap = min(3 * n + 500, 200_000)
        self.elderly: list[Entity] = []
        self.elderly_cap = min(n // 50 + 20, 5_000)
        self.companies: list[Entity] = []
        self.companies_cap = min(n // 8 + 100, 40_000)
        self.builders: list[Entity] = []
        self.builders_cap = min(n // 60 + 20, 6_000)
        self.used_names: set[str] = set()
        self.used_codes: set[str] = set()
        self.property_cos = [self._company("物业服务") for _ in range(12)]
        self.heat_cos = [self._company("热力", city=True) for _ in range(4)]
        self.lenders = [self._company("小额贷款", city=True) for _ in range(3)]
        self.banks = [self._company("", name=b, branch=True) for b in _BANKS]
        self.insurers = [self._company("", name=b, branch=True) for b in _INSURERS]

    # -------------------------------------------------------------------- people and companies

    def _name(self, male: bool) -> str:
        r = self.rng.random
        chars = _MALE if male else _FEMALE
        given = chars[int(r() * len(chars))]
        if r() < 0.86:  # most given names have two characters
            given += chars[int(r() * len(chars))]
        return self.surnames[int(r() * len(self.surnames))] + given

    def _address(self) -> str:
        r = self.rng.random
        district = self.districts[int(r() * len(self.districts))]
        if district == "勃利县":
            town = _TOWNS[int(r() * len(_TOWNS))]
            village = _VILLAGES[int(r() * len(_VILLAGES))]
            return f"黑龙江省七台河市勃利县{town}{village}村{1 + int(r() * 9)}组"
        streets = self.streets[district]
        street = streets[int(r() * len(streets))]
        community = _COMMUNITIES[int(r() * len(_COMMUNITIES))]
        return (
            f"黑龙江省七台河市{district}{street}{community}{1 + int(r() * 30)}号楼"
            f"{1 + int(r() * 6)}单元{1 + int(r() * 7)}0{1 + int(r() * 4)}室"
        )

    def _account(self, personal: bool) -> tuple[str, str]:
        """(bank, account number): a debit card with a Luhn check digit, or a corporate account."""
        r = self.rng.random
        bank, bin6, corporate_len = _ACCOUNT_BANKS[int(r() * len(_ACCOUNT_BANKS))]
        if not personal:
            tail = corporate_len - 10
            return bank, f"{1 + int(r() * 9)}{int(r() * 10**9):09d}{int(r() * 10**tail):0{tail}d}"
        body = f"{bin6}{int(r() * 10**12):012d}"
        digits = [ord(ch) - 48 for ch in reversed(body)]  # from the right, every other digit is doubled
        total = sum(_LUHN_DOUBLE[v] for v in digits[0::2]) + sum(digits[1::2])
        return bank, body + str((10 - total % 10) % 10)

    def _person(self, male: bool, old: bool = False) -> Entity:
        r = self.rng.random
        name = self._name(male)
        lo, hi = _OLD_BIRTHS if old else _BIRTHS
        birth = date.fromordinal(lo + int(r() * (hi - lo)))
        seq = int(r() * 500) * 2 + (1 if male else 0)  # the 17th digit is odd for men, even for women
        id_number = make_id_number(self.regions[int(r() * len(self.regions))], birth, seq)
        phone = _MOBILE_PREFIXES[int(r() * len(_MOBILE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"
        bank, account = self._account(True)
        address = self._address()
        row = (K_PERSON, name, id_number, "", phone, address, "", None, None)
        return row, account, bank, (K_PERSON, name, id_number, phone, address)

    def _org_code(self) -> str:
        """A 9-character organisation code: 'MA' + 7 characters + the GB 11714 check character."""
        r = self.rng.random
        body = "MA" + "".join(_USCC_ALPHABET[int(r() * 31)] for _ in range(6))
        total = sum(int(ch, 36) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        check = 11 - total % 11
        return body + ("X" if check == 10 else "0" if check == 11 else str(check))

    def _company(self, industry: str, name: str = "", city: bool = False, branch: bool = False) -> Entity:
        r = self.rng.random
        while not name or name in self.used_names:
            a, b = int(r() * len(_NAME_CHARS)), int(r() * len(_NAME_CHARS))
            if a == b:
                continue
            prefix = "七台河市" if city or r() < 0.6 else ("七台河" if r() < 0.6 else "黑龙江省")
            suffix = "有限公司" if r() < 0.72 else ("有限责任公司" if r() < 0.9 else "股份有限公司")
            name = f"{prefix}{_NAME_CHARS[a]}{_NAME_CHARS[b]}{industry}{suffix}"
        self.used_names.add(name)
        region = ("230902", "230903", "230904", "230921", "230900")[int(r() * 5)]
        uscc = ""
        while not uscc or uscc in self.used_codes:
            uscc = make_uscc("91" + region + self._org_code())
        self.used_codes.add(uscc)
        if r() < 0.6:
            phone = f"0464-{8_000_000 + int(r() * 999_999)}"  # 七台河 landline
        else:
            phone = _MOBILE_PREFIXES[int(r() * len(_MOBILE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"
        road = _ROADS[int(r() * len(_ROADS))]
        district = ("新兴区", "新兴区", "桃山区", "茄子河区", "勃利县")[int(r() * 5)]
        address = f"黑龙江省七台河市{district}{road}{1 + int(r() * 300)}号"
        representative = self._name(r() < 0.75)
        bank, account = self._account(False)
        if branch:  # a branch has no capital of its own and receives on its own books
            capital, licence = None, LICENCES[0]
            bank = name.replace("股份有限公司", "") + "营业部"
        else:
            capital = int(10 ** (5 + r() ** 1.5 * 3.5)) // 10_000 * 1_000_000  # 10万 … 3000万 yuan, in fen
            x = r()
            licence = LICENCES[0 if x < 0.88 else 1 if x < 0.93 else 2 if x < 0.96 else 3]
        row = (K_ORG, name, "", uscc, phone, address, representative, capital, licence)
        return row, account, bank, None

    def _pick(self, kind: str) -> Entity:
        """A party of ``kind`` (see _CAUSES): a repeat litigant, or a new one while the pool grows."""
        r = self.rng.random
        if kind == "PC":
            kind = "P" if r() < 0.7 else "C"
        elif kind == "CP":
            kind = "C" if r() < 0.6 else "P"
        if kind == "P":
            i = int(r() * self.people_cap)
            if i < len(self.people):
                return self.people[i]
            entity = self._person(r() < 0.55)
            self.people.append(entity)
        elif kind == "C":
            i = int(r() * self.companies_cap)
            if i < len(self.companies):
                return self.companies[i]
            entity = self._company(_INDUSTRIES[int(r() * len(_INDUSTRIES))])
            self.companies.append(entity)
        elif kind == "BUILD":
            i = int(r() * self.builders_cap)
            if i < len(self.builders):
                return self.builders[i]
            entity = self._company(_BUILDERS[int(r() * len(_BUILDERS))])
            self.builders.append(entity)
        elif kind == "OLD":
            i = int(r() * self.elderly_cap)
            if i < len(self.elderly):
                return self.elderly[i]
            entity = self._person(r() < 0.5, old=True)
            self.elderly.append(entity)
        else:
            pool = {
                "BANK": self.banks, "LEND": self.lenders, "PROP": self.property_cos, "HEAT": self.heat_cos,
                "INS": self.insurers,
            }[kind]  # fmt: skip
            entity = pool[int(r() * len(pool))]
        return entity

    # -------------------------------------------------------------------- numbers and dates

    def _number(self, year: int, type_code: str, court: str = "黑0902") -> tuple[str, int]:
        """The next 案号 of (year, court, type): increasing, with gaps for cases outside the ledger."""
        key = (year, court, type_code)
        seq = self.counters.get(key, 0) + 1 + int(self.rng.random() ** 3 * 4)
        self.counters[key] = seq
        return f"（{year}）{court}{type_code}{seq}号", seq

    def _add_month(self, ordinal: int, months: int, day: int) -> int:
        """Day ``day`` (1…28) of the month ``months`` after the month of ``ordinal``."""
        d = self.days
        return d.month_start[d.month[ordinal - d.base] + months] + day - 1

    def _stamp(self, day: int, who: str) -> tuple[str, str]:
        """created_at and created_by of a row recorded on ``day``."""
        return f"{self.days.iso[day - self.days.base]}T16:40:00+08:00", who

    def _handler(self, stage: str, f: int) -> str:
        x = self.rng.random()
        if stage == S_ENF:
            return "张振宇" if x < 0.5 else "杨国庆"
        if stage == S_PRE and x < 0.6:
            return "陈淑芬"
        if f < _RETIRED_BEFORE and x < 0.15:
            return "马德胜"
        return _TRIBUNAL_HANDLERS[int(x * len(_TRIBUNAL_HANDLERS))]

    # -------------------------------------------------------------------- the stream

    def chunks(self, size: int = CHUNK) -> Iterator[Chunk]:
        for start in range(0, self.n, size):
            yield self._chunk(start, min(size, self.n - start))

    def _chunk(self, start: int, count: int) -> Chunk:
        out: Chunk = tuple([] for _ in INSERTS)
        n = self.n
        first, last = self.first_filing, self.last_filing
        span = last - first
        roll, base = self.days.roll, self.days.base
        for i in range(start, start + count):
            # Filings spread over the years, a little denser lately, on working days; ids follow them.
            f = min(roll[first + int(span * ((i + 0.5) / n) ** 0.9) - base], last)
            self._case(i + 1, f, _PLANS[i] if i < len(_PLANS) else None, out)
        return out

    def _case(self, cid: int, f: int, plan: tuple[Any, ...] | None, out: Chunk) -> None:
        """Generate case ``cid``, filed on day ``f``, and append its rows to ``out``.

        One long method on purpose: it runs a million times, and the calls and attribute lookups that
        splitting it would add are a good part of its cost. The sections follow the life of a case.
        """
        r = self.rng.random
        d = self.days
        iso, roll, base, cn = d.iso, d.roll, d.base, d.cn
        today = self.today
        (cases_lean, cases_full, parties_lean, parties_full, obligations_lean, obligations_full,
         installments, payments_lean, payments_full, contacts, events) = out  # fmt: skip

        # ---- what kind of record, which cause, how much
        kind = plan[0] if plan else self.kinds[int(r() * len(self.kinds))]
        if kind == KIND_CONFIRM:
            spec = self.confirmation_causes[int(r() * len(self.confirmation_causes))]
        elif kind == KIND_SECURITY:
            spec = _SECURITY_CAUSE
        else:
            spec = self.causes[int(r() * len(self.causes))]
        cause, _, cred_type, debt_type, lo, hi, skew, p_inst, p_codebtor, act_kind, subject = spec
        if kind == KIND_CONFIRM:
            cause = "申请司法确认调解协议"
        elif kind == KIND_SECURITY and r() < 0.4:
            cred_type = "LEND"
        year = d.year[f - base]
        amount = 0
        if hi:
            yuan = lo * (hi / lo) ** (r() ** skew)
            if cause == "信用卡纠纷" or r() < 0.15:
                amount = int(yuan * 100)
            elif yuan > 20_000 and r() < 0.5:
                amount = int(yuan / 100) * 10_000
            else:
                amount = int(yuan) * 100
        has_act = bool(act_kind) and (not hi or r() < 0.3)

        # ---- the case number, the document and its procedure
        notes = effective_reason = deadline_reason = term = ""
        local = public_notice = 0
        court = "黑0902"
        judgment = effective = None
        if kind == KIND_JUDGMENT:
            type_code, disposition, doc_roles = "民初", D_JUDG, ROLES[S_AFTER]
            x = r()
            if amount and amount <= 5_000_000 and x < 0.35:
                procedure, dur = P_SMALL, 15 + int(r() * 30)
            elif x < 0.78:
                procedure, dur = P_SIMPLE, 25 + int(r() * 65)
            else:
                procedure, dur = P_ORD, 60 + int(r() * 140)
            if procedure != P_SMALL and r() < 0.09:  # a defendant who cannot be found: 公告送达
                public_notice, procedure, dur = 1, P_ORD, 70 + int(r() * 120)
        elif kind == KIND_MEDIATION:
            type_code, disposition, doc_roles = "民初", D_MED, ROLES[S_AFTER]
            x = r()
            procedure = P_SIMPLE if x < 0.84 else (P_ORD if x < 0.95 else P_SMALL)
            dur = 7 + int(r() * 50)
        elif kind == KIND_APPEAL:
            type_code, court, procedure, doc_roles = "民终", INTERMEDIATE_COURT_CODE, P_SECOND, ROLES[S_AFTER]
            disposition = D_JUDG if r() < 0.8 else D_MED
            dur = 30 + int(r() * 70)
        elif kind == KIND_CONFIRM:
            type_code, procedure, disposition, doc_roles = "民特", P_SPECIAL, D_CONF, SPECIAL_ROLES
            dur = 1 + int(r() * 14)
        elif kind == KIND_SECURITY:
            type_code, procedure, disposition, doc_roles = "民特", P_SPECIAL, D_RUL, SPECIAL_ROLES
            dur = 10 + int(r() * 20)
        else:  # 执 / 执恢 / 执前督 / 执前调: registered after the document it enforces took effect
            type_code = _ENFORCEMENT_TYPES[kind - KIND_EXEC]
            local = int(kind >= KIND_PRE_DU)
            disposition = D_JUDG if r() < 0.6 else D_MED
            procedure = P_SIMPLE if r() < 0.75 else P_ORD
            doc_roles = ROLES[S_ENF] if kind < KIND_PRE_DU else SPECIAL_ROLES
            dur = 0
        case_number, seq = self._number(year, type_code, court)

        # ---- parties: pool entities; the same one twice in a case is replaced
        creditor = self._pick(cred_type)
        debtor = self._pick(debt_type)
        creditors, debtors = [creditor], [debtor]
        if cause == "追索劳动报酬纠纷" and r() < 0.3:  # several workers sue together
            creditors.append(self._pick("P"))
        if cause == "机动车交通事故责任纠纷":
            debtors.append(self._pick("INS"))
        elif p_codebtor and r() < p_codebtor:  # a guarantor, a spouse, a partner
            debtors.append(self._pick("P"))
        third = self._pick("PC") if kind == KIND_JUDGMENT and r() < 0.01 else None
        if len(creditors) == 1 and len(debtors) == 1 and third is None:
            if debtor is creditor:
                debtor = self._person(r() < 0.5)
                debtors = [debtor]
        else:
            seen: set[int] = set()
            for group in (creditors, debtors):
                kept = [e for e in group if id(e) not in seen]
                seen.update(id(e) for e in kept)
                group[:] = kept
            if not debtors:
                debtors.append(self._person(r() < 0.5))
            if third is not None and id(third) in seen:
                third = None
            debtor = debtors[0]
        cred_names = creditor[0][1] if len(creditors) == 1 else "、".join(e[0][1] for e in creditors)
        debt_names = debtor[0][1] if len(debtors) == 1 else "、".join(e[0][1] for e in debtors)
        c_word, d_word = doc_roles
        cred_text, debt_text = c_word + cred_names, d_word + debt_names
        n_parties = len(creditors) + len(debtors) + (third is not None)

        # ---- service, effect, deadline (民诉法 §85: rest days at the end of a period move it on)
        if dur:
            j = min(f + dur, today - 3)
            if kind in (KIND_MEDIATION, KIND_CONFIRM) or (kind == KIND_APPEAL and disposition == D_MED):
                # signed for together, or within a few days; takes effect when the last party has signed
                same_day = r() < 0.75
                services = [j if same_day else min(j + int(r() * 4), today) for _ in range(n_parties)]
                eff = max(services)
            else:
                services = [j if r() < 0.3 else min(j + int(r() ** 2 * 12), today) for _ in range(n_parties)]
                if public_notice:  # deemed served 30 days after publication (60 before the 2024 revision)
                    days = 30 if j >= _NEW_CPL else 60
                    services[len(creditors)] = min(j + 5 + int(r() * 20) + days, today)
                    notes = f"被告{debtor[0][1]}下落不明，裁判文书公告送达"
                if kind == KIND_JUDGMENT and procedure != P_SMALL:  # 15 days to appeal from each service
                    eff = max(roll[s + 15 - base] for s in services) + 1
                else:  # small claims, second instance, special procedure: effective on service
                    eff = max(services)
            judgment, effective = j, eff
            in_court = False
            if disposition == D_JUDG:
                x = r()
                period = 10 if x < 0.7 else 15 if x < 0.8 else 30 if x < 0.95 else 60
                deadline = roll[eff + period - base]
                term = _TERMS[period]
                if r() < 0.015:  # the parties agreed a later date: the ledger records why it differs
                    deadline += 30 + int(r() * 30)
                    deadline_reason = f"经双方当事人同意，履行期限顺延至{cn[deadline - base]}"
            elif disposition == D_RUL:
                deadline = roll[eff + 30 + int(r() * 31) - base]
                effective_reason = "实现担保物权案件适用特别程序，实行一审终审，裁定送达即发生法律效力"
            else:
                in_court = kind == KIND_MEDIATION and r() < 0.12  # paid at the mediation itself
                if in_court:
                    services = [j] * n_parties
                    eff = effective = deadline = j
                else:
                    deadline = eff + 5 + int(r() ** 1.5 * 110)
            start = j if disposition in (D_MED, D_CONF) else eff
        else:
            # The notice or agreement of the 执 / 执前 case fixes the performance; the document it
            # enforces is named in the notes and its date is the 裁判日期 (判决/调解日期, months before
            # this case was filed); 生效日期 stays empty.
            j = start = f
            in_court = False
            services = [min(f + 1 + int(r() * 10), today) for _ in range(n_parties)]
            if kind >= KIND_PRE_DU:  # 执前督促 lasts one month
                deadline = roll[self._add_month(f, 1, min(d.day[f - base], 28)) - base]
            else:
                deadline = roll[f + 10 + int(r() * 20) - base]
            back = 120 + int(r() * 500)
            origin, _ = self._number(d.year[f - back - base], "民初")
            judgment = f - back
            notes = f"执行依据：{origin}民事{'判决书' if disposition == D_JUDG else '调解书'}"

        # ---- obligations: money (one sum or installments), an act, the acceptance fee
        ob_id = cid * 3  # unique without a counter: at most three obligations per case
        n_obligations = 0
        items: list[tuple[int, int]] = []  # (due day, fen) of every money slice, for the balance
        plan_dues: list[int] = []
        plan_amounts: list[int] = []
        if amount:
            n_inst = 0
            if not in_court and amount >= 50_000 and (r() < p_inst or (kind >= KIND_EXEC and r() < 0.35)):
                n_inst = (
                    6 + int(r() * 7) if cause in ("抚养费纠纷", "赡养费纠纷") else 2 + int(r() ** 1.4 * 11)
                )
                n_inst = min(n_inst, amount // 10_000)
            default_clause = guarantee = ""
            if n_inst >= 2:
                day = (5, 10, 15, 20, 25, 28)[int(r() * 6)]
                first_due = self._add_month(start + 10, 0 if d.day[start + 10 - base] <= day else 1, day)
                if r() < 0.3 and n_inst > 2:  # a larger first installment
                    head = amount // 3 // 100 * 100
                    per = (amount - head) // (n_inst - 1) // 100 * 100
                    plan_amounts = [head] + [per] * (n_inst - 2) + [amount - head - per * (n_inst - 2)]
                else:
                    per = amount // n_inst // 100 * 100
                    plan_amounts = [per] * (n_inst - 1) + [amount - per * (n_inst - 1)]
                for k in range(n_inst):
                    due_day = self._add_month(first_due, k, day)
                    plan_dues.append(due_day)
                    installments.append((ob_id, k + 1, iso[due_day - base], plan_amounts[k]))
                    items.append((due_day, plan_amounts[k]))
                deadline = plan_dues[-1]
                text = (
                    f"{debt_text}给付{cred_text}{subject}共计{_yuan(amount)}元，分{n_inst}期于每月{day}日前给付，"
                    f"首期于{cn[first_due - base]}前给付{_yuan(plan_amounts[0])}元"
                )
                x = r()
                default_clause = (
                    ACCELERATE if x < 0.45 else RESTORE if x < 0.6 else PENALTY if x < 0.75 else ""
                )
                x = r()
                if x < 0.08 and debtor[3] is not None:
                    guarantee = OWN_PROPERTY
                    guarantee_text = _GUARANTEE_TEXTS[guarantee].format(d=debt_text, a=self._address()[4:])
                elif x < 0.14 and len(debtors) > 1:
                    guarantee = PARTY_GUARANTEE
                    guarantee_text = _GUARANTEE_TEXTS[guarantee].format(g=d_word + debtors[-1][0][1])
                elif x < 0.22:
                    guarantee = OUTSIDER_GUARANTEE
                    guarantee_text = _GUARANTEE_TEXTS[guarantee].format(g=self._name(r() < 0.6))
                ob_due = None
            else:
                if in_court:
                    when = "于调解时当庭"
                elif term and not deadline_reason:
                    when = f"于本判决生效之日起{term}日内"  # the term case_dates.propose_dates reads
                else:
                    when = f"于{cn[deadline - base]}前"
                text = f"{debt_text}{when}给付{cred_text}{subject}{_yuan(amount)}元"
                ob_due = iso[deadline - base] if not term and r() < 0.5 else None
                items.append((deadline, amount))
            account = r() < 0.85  # the creditor's receiving account (从化 收款账户)
            holder, number, bank = (creditor[0][1], creditor[1], creditor[2]) if account else ("", "", "")
            ob_row = (
                ob_id,
                cid,
                0,
                MONEY,
                text,
                amount,
                ob_due,
                debt_names,
                cred_names,
                holder,
                number,
                bank,
            )
            if default_clause or guarantee:
                obligations_full.append((
                    *ob_row, default_clause or NO_CLAUSE,
                    _DEFAULT_TEXTS[default_clause].format(d=debt_text, c=cred_text) if default_clause else "",
                    guarantee or NO_GUARANTEE, guarantee_text if guarantee else "",
                ))  # fmt: skip
            else:
                obligations_lean.append(ob_row)
            n_obligations = 1
        if has_act:
            act_due = deadline if amount else max(deadline, start + 15 + int(r() * 45))
            deadline = act_due
            text = _ACT_TEXTS[act_kind].format(
                d=debt_text, c=cred_text, t=cn[act_due - base], a=self._address()[4:],
                p=f"{chr(65 + int(r() * 8))}{int(r() * 90000) + 10000}",
            )  # fmt: skip
            obligations_lean.append(
                (
                    ob_id + 1,
                    cid,
                    n_obligations,
                    ACT,
                    text,
                    0,
                    iso[act_due - base],
                    debt_names,
                    cred_names,
                    "",
                    "",
                    "",
                )
            )
            n_obligations += 1
        if dur and disposition in (D_JUDG, D_MED) and r() < 0.3:  # 案件受理费 the plaintiff advanced
            fee = reduced_acceptance_fee(
                acceptance_fee(amount),
                mediated_or_withdrawn=disposition == D_MED,
                simplified=procedure in (P_SIMPLE, P_SMALL),
            )
            fee_due = plan_dues[0] if plan_dues else deadline
            obligations_lean.append((
                ob_id + 2, cid, n_obligations, MONEY,
                f"案件受理费{_yuan(fee)}元由{debt_text}负担，{cred_text}已预交，{debt_text}于履行时一并给付{cred_text}",
                fee, iso[fee_due - base], debt_names, cred_names, "", "", "",
            ))  # fmt: skip
            items.append((fee_due, fee))
        due = 0
        for item in items:
            due += item[1]

        # ---- how far it went: stage, and what was paid when
        if plan:
            stage, outcome = plan[1], plan[2]
        else:
            if kind in (KIND_EXEC, KIND_RESUMED):
                stage = S_ENF
            elif kind >= KIND_PRE_DU:
                stage = S_PRE
            else:
                x = r()
                stage = S_PRE if x < 0.14 else S_ENF if x < 0.26 else S_AFTER
            x = r()
            if stage == S_AFTER:
                outcome = "full" if x < 0.62 else "partial" if x < 0.76 else "none"
            elif stage == S_PRE:
                outcome = "full" if x < 0.45 else "partial" if x < 0.65 else "none"
            else:
                outcome = "full" if x < 0.3 else "partial" if x < 0.6 else "none"
        items.sort()
        escalate_from = deadline  # the missed date the creditor acted on
        paid_plan = len(plan_dues)  # installments paid on schedule
        if plan_dues and (outcome != "full" or stage != S_AFTER):
            paid_plan = 0 if outcome == "none" and stage == S_AFTER else int(r() * len(plan_dues))
            escalate_from = plan_dues[paid_plan]
        if not dur:
            stage_start = f
        else:
            stage_start = escalate_from + (10 + int(r() * 50) if stage == S_PRE else 20 + int(r() * 200))
            if stage != S_AFTER and stage_start > today:
                stage = S_AFTER  # too recent to have gone further

        pays: list[tuple[int, int, str]] = []  # (day, fen, method)
        if due and in_court:
            pays.append((j, due, IN_COURT))
        elif due:
            method = self.pay_methods[int(r() * len(self.pay_methods))]
            scheduled = 0
            for k in range(paid_plan if plan_dues else 0):
                due_day = plan_dues[k]
                when_paid = due_day - int(r() * 6) if r() < 0.85 else due_day + 1 + int(r() * 20)
                pays.append((max(when_paid, start), plan_amounts[k], method))
                scheduled += plan_amounts[k]
            rest = due - scheduled
            if rest and outcome != "none" and not (plan_dues and stage == S_AFTER and scheduled):
                if stage == S_AFTER and dur:
                    lo_day = start
                    hi_day = deadline if r() < 0.8 else deadline + 1 + int(r() * 90)  # a fifth pay late
                else:
                    lo_day = stage_start
                    hi_day = stage_start + (40 if stage == S_PRE else 150)
                first_day = lo_day + int(r() * (hi_day - lo_day + 1))
                if outcome == "partial":
                    if rest >= 1_000:
                        pays.append((first_day, rest * (1 + int(r() * 7)) // 10, method))
                elif r() < 0.8 or rest < 20_000:
                    pays.append((first_day, rest, method))
                else:
                    part = rest * (3 + int(r() * 5)) // 10
                    pays.append((first_day, part, method))
                    pays.append((first_day + 5 + int(r() * 55), rest - part, method))
        paid = last_pay = 0
        for when_paid, fen, _ in pays:
            if when_paid <= today:
                paid += fen
                if when_paid > last_pay:
                    last_pay = when_paid

        # ---- status, the enforcement case number, notes
        enforcement = ""
        enforcement_filed = f if not dur else None  # 执行立案日期 (执前督促: the day it was registered)
        status = ST_OPEN
        archive = plan[3] if plan else r() < 0.45
        transfer = plan[4] if plan else r() < (0.55 if stage == S_PRE else 0.2)
        if due and paid >= due:
            status = ST_CLOSED if archive and last_pay < today - 180 else ST_DONE
        elif not due:  # only an act to perform
            if deadline < today and (plan is None or outcome == "full") and r() < 0.7:
                last_pay = deadline
                status = ST_CLOSED if archive and deadline < today - 180 else ST_DONE
        elif stage == S_ENF and not plan and r() < 0.05:
            status = ST_CLOSED
            notes = f"{notes}；终结本次执行程序" if notes else "终结本次执行程序"
        elif stage != S_ENF and transfer and escalate_from + 45 < today:
            status = ST_MOVED
        if stage == S_ENF or status == ST_MOVED:
            if kind == KIND_EXEC:
                enforcement = case_number
            elif kind == KIND_RESUMED:
                enforcement, _ = self._number(d.year[f - 200 - int(r() * 500) - base], "执")
                notes += f"；原执行案件{enforcement}终结本次执行程序后恢复执行"
            else:
                moved = min(max(stage_start, escalate_from + 45), today)
                enforcement, _ = self._number(d.year[moved - base], "执")
                enforcement_filed = moved
                if status == ST_MOVED:
                    moved_note = f"督促期满未履行，已移送执行（{enforcement}）"
                    notes = f"{notes}；{moved_note}" if notes else moved_note
        if stage == S_PRE and dur:
            # registered as a 执前督 case that day: its number from the counter, no random draw (the
            # stream, and so every other case of a seed, stays as it was)
            begun = min(stage_start, today)
            key = (d.year[begun - base], "黑0902", "执前督")
            self.counters[key] = self.counters.get(key, 0) + 1
            enforcement_filed = begun
            pre_note = (
                f"申请执行人于{cn[begun - base]}申请执前督促履行"
                f"（执前督促案号：（{key[0]}）黑0902执前督{self.counters[key]}号）"
            )
            notes = f"{notes}；{pre_note}" if notes else pre_note
        # 执行通知书送达日期: a few days after the enforcement case was registered (no random draw)
        notice_served = None
        if stage == S_ENF and enforcement_filed is not None:
            notice_served = min(enforcement_filed + 2 + cid % 9, today)
        if kind == KIND_APPEAL:
            first_instance, _ = self._number(d.year[f - 60 - int(r() * 200) - base], "民初")
            notes = f"一审案号：{first_instance}；{notes}" if notes else f"一审案号：{first_instance}"

        # ---- payment rows (only what happened by today)
        confirmed_all = status in (ST_DONE, ST_CLOSED)
        debtor_name = debtor[0][1]
        for when_paid, fen, method in pays:
            if when_paid > today:
                continue
            evidence = _EVIDENCE[method]
            pay_row = (
                cid, iso[when_paid - base], fen, method, debtor_name, evidence[int(r() * len(evidence))],
                1 if confirmed_all or r() < 0.7 else 0,
            )  # fmt: skip
            if method == PRESERVED:
                payments_full.append((*pay_row, "经双方同意，将保全冻结款项扣划至法院账户作为履行款"))
            else:
                payments_lean.append(pay_row)

        # ---- the urging log, answering the shipped reminder rules (resources/rules/default-rules.json)
        handler = self._handler(stage, f)
        last_contact = 0
        last_at = None  # cases.last_contact_at: the newest contacts.at (db/0005)

        def log(moment: int, rule: str) -> str:
            """A contact on day ``moment`` (answering ``rule``, or none); its outcome."""
            nonlocal last_contact, last_at
            method = self.contact_methods[int(r() * len(self.contact_methods))]
            outcomes = _OUTCOMES[method]
            outcome_text = outcomes[int(r() * len(outcomes))]
            at = f"{iso[moment - base]}T{_TIMES[int(r() * len(_TIMES))]}"
            contacts.append((cid, at, method, handler, debtor_name, outcome_text, rule))
            last_contact = max(last_contact, moment)
            last_at = max(last_at or at, at)
            return outcome_text

        if r() < (0.25 if confirmed_all else 0.6):
            moments = [deadline - 7 + int(r() * 7)]
            if paid < due or not due:
                moments.append(deadline + 1 + int(r() * 7))
            if stage == S_PRE:
                moments.append(stage_start + 1 + int(r() * 25))
            for moment in moments:
                if start <= moment <= today:
                    rule = ""
                    if dur:
                        rule = (
                            "prompt"
                            if deadline - 7 <= moment <= deadline
                            else "urge"
                            if moment <= deadline + 7
                            else ""
                        )
                    outcome_text = log(moment, rule)
                    if "承诺" in outcome_text and paid < due and r() < 0.6:
                        promised = iso[moment + 7 + int(r() * 24) - base]
                        events.append(
                            (
                                cid,
                                EV_PROMISE,
                                iso[moment - base],
                                promised,
                                outcome_text,
                                *self._stamp(moment, handler),
                            )
                        )

        # ---- dated events the reminder rules count from (and when a rule of their own was followed up)
        own_rule_follow_ups: list[tuple[int, str]] = []
        if stage == S_PRE:
            begun = min(stage_start, today)
            own_rule_follow_ups.append((begun + 40 + int(r() * 20), "pre_enforcement_expiry"))
            events.append(
                (cid, EV_PRE, iso[begun - base], None, "申请执行人同意执前督促", *self._stamp(begun, handler))
            )
        elif stage == S_ENF and paid < due and status == ST_OPEN:
            x = r()
            served = stage_start + 20 + int(r() * 60)
            if notice_served is not None:  # after the 执行通知书 it follows
                served = max(served, min(notice_served + 1, today))
            if x < 0.3 and served <= today:  # 预纳入失信 / 预罚款 / 拘留风险 notice with its 限期
                notice = EV_BLACKLIST if x < 0.15 else EV_FINE if x < 0.24 else EV_DETENTION
                end = roll[served + (7 if notice == EV_DETENTION else 10) - base]
                own_rule_follow_ups.append((end + 1 + int(r() * 10), _NOTICE_RULES[notice]))
                events.append(
                    (cid, notice, iso[served - base], iso[end - base], "", *self._stamp(served, handler))
                )
            elif x > 0.9 and paid:  # partly paid, then a temporary credit repair (信用承诺)
                begun = min(last_pay + 1, today)
                own_rule_follow_ups.append((begun + 85 + int(r() * 10), "credit_repair_end"))
                events.append((
                    cid, EV_CREDIT, iso[begun - base], iso[begun + 90 - base], "部分履行后申请临时信用修复",
                    *self._stamp(begun, handler),
                ))  # fmt: skip

        # ---- a tribunal that works its board: what fell due over a month ago has mostly been followed
        # up since (a reminder stays on the board until handled); what fell due lately waits, and about
        # one case in thirty has been left alone ("cases nobody has urged stand out").
        if status == ST_OPEN and (paid < due or not due) and r() < 0.97:
            # one contact answers every rule that any contact answers; the others want their own
            follow_ups = [(today - 20 - int(r() * 25), ""), *own_rule_follow_ups]
            for moment, rule in follow_ups:
                if max(start, deadline + 8) <= moment <= today - 15:
                    log(moment, rule)
        # 房县方案九（四）: most debtors are warned when they pay the first installment
        if plan_dues and paid_plan and not in_court and r() < 0.9:
            moment = pays[0][0] + int(r() * 4)
            if moment <= today:
                log(moment, "installment_first_paid")

        # ---- party rows: roles by stage, each party's own service date, consent to publication
        creditor_role, debtor_role = (
            SPECIAL_ROLES if stage == S_AFTER and kind in (KIND_CONFIRM, KIND_SECURITY) else ROLES[stage]
        )
        consent = confirmed_all and r() < 0.15
        consent_day = iso[min(max(last_pay, start) + int(r() * 10), today) - base] if consent else None
        position = 0
        for member in creditors:
            served_on = iso[services[position] - base]
            if member[3] is not None:
                parties_lean.append((cid, position, creditor_role, *member[3], served_on))
            else:
                parties_full.append((cid, position, creditor_role, *member[0], served_on, 0, None))
            position += 1
        for member in debtors:
            served_on = iso[services[position] - base]
            if member[3] is not None and not consent:
                parties_lean.append((cid, position, debtor_role, *member[3], served_on))
            else:
                parties_full.append(
                    (cid, position, debtor_role, *member[0], served_on, int(consent), consent_day)
                )
            position += 1
        parties_text = f"{creditor_role}：{cred_names}；{debtor_role}：{debt_names}"
        if third is not None:
            served_on = iso[services[position] - base]
            parties_full.append((cid, position, THIRD, *third[0], served_on, 0, None))
            parties_text += f"；{THIRD}：{third[0][1]}"

        # ---- the case row; the derived columns as desktop.store.cases computes them (ledger.balance)
        next_due = None
        remaining = paid
        for due_day, fen in items:
            if remaining >= fen:
                remaining -= fen
            else:
                next_due = iso[due_day - base]
                break
        updated = min(max(f, j, last_pay, last_contact), today)
        case_row = (
            cid, case_number, year, court, type_code, seq, cause, stage, disposition, procedure, status,
            self.handler_ids[handler], iso[f - base], iso[judgment - base] if judgment else None,
            iso[effective - base] if effective else None, iso[deadline - base], due, paid, next_due,
            parties_text, f"{iso[f - base]}T{_TIMES[cid % len(_TIMES)]}+08:00",
            f"{iso[updated - base]}T17:30:00+08:00", last_at,
        )  # fmt: skip
        if (
            local
            or public_notice
            or enforcement
            or notes
            or effective_reason
            or deadline_reason
            or enforcement_filed
        ):
            cases_full.append((
                *case_row, local, public_notice, enforcement, notes, effective_reason, deadline_reason,
                iso[enforcement_filed - base] if enforcement_filed is not None else None,
                iso[notice_served - base] if notice_served is not None else None,
            ))  # fmt: skip
        else:
            cases_lean.append(case_row)


# ------------------------------------------------------------------------------------------ writing


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate` wrote, for the CLI to print."""

    path: Path
    seed: int
    cases: int
    parties: int
    obligations: int
    installments: int
    payments: int
    contacts: int
    case_events: int
    handlers: int
    seconds: float
    by_stage: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_disposition: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase of the load
    reminders: int | None = None  # lines of the kept reminder board (None: not built)

    def lines(self) -> list[str]:
        """A short report in Chinese."""

        def counts(d: dict[str, int]) -> str:
            return "，".join(f"{k} {v:,}" for k, v in d.items())

        return [
            f"已生成演示数据：{self.path}（随机种子 {self.seed}，用时 {self.seconds:.1f} 秒）",
            f"案件 {self.cases:,} 件，当事人 {self.parties:,} 名，履行义务 {self.obligations:,} 项，"
            f"分期 {self.installments:,} 期，履行记录 {self.payments:,} 条，督促记录 {self.contacts:,} 条，"
            f"督促事项 {self.case_events:,} 项",
            f"阶段：{counts(self.by_stage)}",
            f"状态：{counts(self.by_status)}",
            f"结案方式：{counts(self.by_disposition)}",
            *([] if self.reminders is None else [f"今日督促看板：{self.reminders:,} 条"]),
        ]


def generate(
    path: Path,
    cases: int = 2000,
    seed: int = 1,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    parallel: bool | None = None,
    search: str = "batch",
    board: bool = True,
) -> DemoSummary:
    """Write a new demo database of ``cases`` cases at ``path`` and say what was written.

    ``progress(done, total)`` is called after every batch of 10,000 cases (once for a smaller demo);
    after the last batch the indexes are built, which takes about a fifth of the time of a large run.
    ``today`` (default: the real today) decides what is in the past: nothing is filed, served or paid
    after it. The data depends only on ``cases``, ``seed`` and ``today``.

    ``parallel`` (default: from 50,000 cases on, on a machine with more than one CPU, not in a frozen
    bundle) generates the rows in a second process; the data is the same. ``board`` (default) ends by
    building and keeping the day's reminder board (and the next working day's changes to it), as the app
    does on its first look at a database: the demo then opens on its dashboard, and answers
    ``tribunal-desk reminders``, without computing it from every case first (about 4 s for a million).
    ``search`` says how the FTS5 index is filled, kept for measurement (tests/bench/bench_demo.py):
    ``"batch"`` (default) drops the search triggers and indexes each batch of cases with one INSERT …
    SELECT; ``"rebuild"`` drops them and runs one ``'rebuild'`` at the end; ``"triggers"`` lets the
    schema's triggers index row by row.

    Refuses (``StoreError``) an existing file that is not empty; a failed run removes the file it made.
    """
    if cases < 0:
        raise ValueError(f"cases must not be negative, got {cases}")
    if search not in ("batch", "rebuild", "triggers"):
        raise ValueError(f"search must be 'batch', 'rebuild' or 'triggers', got {search!r}")
    path = Path(path)
    _refuse_existing(path)
    today = today or date.today()
    _check_today(today)
    if parallel is None:
        parallel = cases >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and not getattr(sys, "frozen", False)
    started = time.perf_counter()
    existed = path.exists()
    try:
        _create_file(path)
        db = open_database(path)
    except BaseException:
        if not existed:
            _remove(path)
        raise
    try:
        save_court_settings(db, COURT, DEMO_ACTOR)
        chunks = _chunks_in_child(cases, seed, today) if parallel else _Generator(cases, seed, today).chunks()
        summary = _load(db.conn, chunks, cases, seed, today, progress, search)
        if board:
            mark = time.perf_counter()
            service = Reminders(Workspace(db, DEMO_ACTOR, lambda: today))
            summary["reminders"] = len(service.board(today, lazy=True).items)
            service.prepare_ahead(today)  # as the dashboard does while idle: the next working day's lines
            summary["timings"]["board"] = time.perf_counter() - mark
    except BaseException:
        db.conn.close()
        if not existed:
            _remove(path)
        raise
    db.conn.close()
    return DemoSummary(path=path, seconds=time.perf_counter() - started, **summary)


def _check_today(today: date) -> None:
    if today < date(FIRST_FILING.year, 6, 1):
        raise ValueError(f"today ({today}) is too early: the demo's cases are filed from {FIRST_FILING}")


def _refuse_existing(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal")):
        if candidate.exists() and (candidate.is_dir() or candidate.stat().st_size > 0):
            raise StoreError(
                f"文件 {candidate} 已存在且不是空文件。为避免覆盖已有数据，演示数据只写入新文件："
                "请换一个文件名，或确认不再需要后先删除该文件。"
            )


def _create_file(path: Path) -> None:
    """An empty database with the demo's page size, before the migrations create the schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path))
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("VACUUM")  # writes the header, and with it the page size
    finally:
        conn.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _worker(cases: int, seed: int, today: date, channel: Any) -> None:  # pragma: no cover - child process
    try:
        for chunk in _Generator(cases, seed, today).chunks():
            channel.put(chunk)
        channel.put(None)
    except BaseException:
        channel.put(RuntimeError(f"演示数据生成进程出错：\n{traceback.format_exc()}"))


def _chunks_in_child(cases: int, seed: int, today: date) -> Iterator[Chunk]:
    """The same stream as ``_Generator(...).chunks()``, generated in a second process."""
    # spawn, not fork: safe when the caller has threads (the GUI), and the same on every platform.
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=6)
    process = context.Process(target=_worker, args=(cases, seed, today, channel), daemon=True)
    process.start()
    try:
        while True:
            try:
                item = channel.get(timeout=1.0)
            except queue_module.Empty:
                if not process.is_alive():
                    raise RuntimeError(f"演示数据生成进程意外退出（退出码 {process.exitcode}）") from None
                continue
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
        process.join()
    finally:
        if process.is_alive():
            process.terminate()
            process.join()
        channel.close()


def _schema_objects(conn: sqlite3.Connection, kind: str, table: str) -> list[tuple[str, str]]:
    """(name, SQL) of the triggers or explicit indexes on ``table``, exactly as the migrations made them."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = ? AND tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY rowid",
        (kind, table),
    ).fetchall()
    return [(str(name), str(sql)) for name, sql in rows]


# What the schema's insert trigger on cases does, for a batch of consecutive ids.
_SEARCH_BATCH = (
    "INSERT INTO case_search(rowid, case_number, parties_text, cause) "
    "SELECT id, case_number, parties_text, cause FROM cases WHERE id BETWEEN ? AND ?"
)
_SET_HASHSIZE = "INSERT INTO case_search(case_search, rank) VALUES('hashsize', ?)"


def _spaced(column: str) -> str:
    """``column``'s text one character per token, as db/sqlite/0011_short_search.sql indexes it."""
    return (
        f"(SELECT group_concat(substr({column}, key + 1, 1), ' ') "
        f"FROM json_each('[' || replace(hex(zeroblob(length({column}))), '00', '0,') || '0]'))"
    )


# The same for the per-character index (migration 0011): contentless, so no 'rebuild'.
_CHARS_BATCH = (
    "INSERT INTO case_chars(rowid, case_number, parties_text, cause) "
    f"SELECT id, {_spaced('case_number')}, {_spaced('parties_text')}, {_spaced('cause')} "
    "FROM cases WHERE id BETWEEN ? AND ?"
)
_SET_CHARS_HASHSIZE = "INSERT INTO case_chars(case_chars, rank) VALUES('hashsize', ?)"


# 诉讼费减免: one in four debtors who paid in full (and owed the acceptance fee) applies three days after
# the last payment; ten days later the court decides: one in nine refused, else waived (one in three
# halved). Applications of the last ten days are still pending. From the rows, so deterministic.
_FEE_RELIEFS = """
INSERT INTO fee_reliefs (case_id, applicant, applied_on, fee_fen, outcome, decided_on, relieved_fen, basis,
                         decided_by)
SELECT id, debtor, applied, fee,
       CASE WHEN decided > :today THEN '待决定' WHEN id % 9 = 0 THEN '不予减免' ELSE '准予减免' END,
       CASE WHEN decided > :today THEN NULL ELSE decided END,
       CASE WHEN decided > :today OR id % 9 = 0 THEN 0 WHEN id % 3 = 0 THEN (fee + 1) / 2 ELSE fee END,
       CASE WHEN decided > :today THEN '' WHEN id % 9 = 0 THEN '申请人不符合减免条件' ELSE :basis END,
       CASE WHEN decided > :today THEN '' ELSE '院长' END
FROM (SELECT c.id, o.debtor, o.amount_fen AS fee, date(p.done, '+3 days') AS applied,
             date(p.done, '+13 days') AS decided
      FROM cases c
      JOIN obligations o ON o.case_id = c.id AND o.description LIKE '案件受理费%' AND o.amount_fen > 0
      JOIN (SELECT case_id, max(paid_on) AS done FROM payments GROUP BY case_id) p ON p.case_id = c.id
      WHERE c.id % 4 = 0 AND c.due_fen > 0 AND c.paid_fen >= c.due_fen AND c.status <> '移送执行')
WHERE applied <= :today
"""


def _load(
    conn: sqlite3.Connection,
    chunks: Iterator[Chunk],
    cases: int,
    seed: int,
    today: date,
    progress: Progress | None,
    search: str,
) -> dict[str, Any]:
    counts = dict.fromkeys(TABLES, 0)
    timings: dict[str, float] = {}
    # Bulk-load settings: no WAL (one big transaction would be written twice), the rollback journal in
    # memory, no fsync, a large page cache, constraint enforcement paused (the rows are valid by
    # construction). All are set back below, WAL included.
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # The secondary indexes and the triggers go, and come back from the SQL SQLite kept
            # when the migrations created them: exactly the schema's, whatever later migrations change.
            # The contacts triggers keeping cases.last_contact_at go too: the case rows carry it.
            triggers = _schema_objects(conn, "trigger", "cases") if search != "triggers" else []
            triggers += _schema_objects(conn, "trigger", "contacts")
            indexes = [obj for table in TABLES for obj in _schema_objects(conn, "index", table)]
            for name, _ in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            # A large pending-terms buffer: FTS5 writes a few big segments instead of thousands of small
            # ones merged again and again. Set back to the default below.
            conn.execute(_SET_HASHSIZE, (FTS_HASHSIZE,))
            conn.execute(_SET_CHARS_HASHSIZE, (FTS_HASHSIZE,))
            conn.executemany(
                "INSERT INTO handlers (id, name, department, active) VALUES (?, ?, ?, ?)",
                [(i, n, dept, int(active)) for i, (n, dept, active) in enumerate(HANDLERS, start=1)],
            )
            mark = time.perf_counter()
            waiting = 0.0  # time spent waiting for the generator (for the bench)
            while True:
                asked = time.perf_counter()
                chunk = next(chunks, None)
                waiting += time.perf_counter() - asked
                if chunk is None:
                    break
                first_id = counts["cases"] + 1
                for (table, sql), rows in zip(INSERTS, chunk, strict=True):
                    conn.executemany(sql, rows)
                    counts[table] += len(rows)
                if search == "batch":
                    conn.execute(_SEARCH_BATCH, (first_id, counts["cases"]))
                    conn.execute(_CHARS_BATCH, (first_id, counts["cases"]))
                if progress is not None:
                    progress(counts["cases"], cases)
            timings["rows"], mark = time.perf_counter() - mark, time.perf_counter()
            timings["rows_waiting"] = waiting
            if search == "rebuild":
                conn.execute("INSERT INTO case_search(case_search) VALUES('rebuild')")
                conn.execute(_CHARS_BATCH, (1, counts["cases"]))
            conn.execute(_SET_HASHSIZE, (FTS_HASHSIZE_DEFAULT,))
            conn.execute(_SET_CHARS_HASHSIZE, (FTS_HASHSIZE_DEFAULT,))
            for _, sql in triggers:
                conn.execute(sql)
            timings["search"], mark = time.perf_counter() - mark, time.perf_counter()
            conn.execute(f"PRAGMA cache_size = -{INDEX_CACHE_KIB}")
            for _, sql in indexes:
                conn.execute(sql)
            timings["indexes"], mark = time.perf_counter() - mark, time.perf_counter()
            conn.execute(_FEE_RELIEFS, {"today": today.isoformat(), "basis": BASIS_EXAMPLE})
            timings["fee_reliefs"], mark = time.perf_counter() - mark, time.perf_counter()
            add_screening_examples(conn, today, DEMO_ACTOR, HANDLERS[0][0])
            timings["screening"], mark = time.perf_counter() - mark, time.perf_counter()
            detail = {"cases": cases, "seed": seed, "today": today.isoformat()}
            record(conn, DEMO_ACTOR, "demo.generate", "database", None, "", detail)
            conn.execute("COMMIT")
            timings["commit"] = time.perf_counter() - mark
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL")
    if progress is not None and cases == 0:
        progress(0, 0)

    def group(column: str) -> dict[str, int]:
        rows = conn.execute(f"SELECT {column}, count(*) FROM cases GROUP BY {column} ORDER BY 2 DESC")
        return {str(value): int(n) for value, n in rows}

    return {
        "seed": seed,
        **counts,
        "handlers": len(HANDLERS),
        "by_stage": group("stage"),
        "by_status": group("status"),
        "by_disposition": group("disposition"),
        "timings": timings,
    }
