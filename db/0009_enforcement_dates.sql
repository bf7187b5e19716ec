-- The dates the enforcement-stage forms print (执前督促履行告知书, 预纳入失信/预罚款/拘留风险通知书, 信用承诺书,
-- 执行阶段自动履行证明书), which the ledger did not carry:
--   enforcement_filing_date: 执行立案日期, the day the 执 case (for 执前督促: the 执前督/执前调 case) was
--     registered. Empty for a case registered under its own enforcement number means its filing_date.
--   enforcement_notice_date: 执行通知书送达日期, the day the enforcement notice reached the debtor.
-- The judgment or mediation date (判决/调解日期) is cases.judgment_date (0001); for a case registered under
-- an enforcement number it is the date of the document enforced, earlier than the case's own filing date.
-- Both nullable, no default: adding them rewrites no row on either engine.
ALTER TABLE cases ADD COLUMN enforcement_filing_date TEXT;
ALTER TABLE cases ADD COLUMN enforcement_notice_date TEXT;
