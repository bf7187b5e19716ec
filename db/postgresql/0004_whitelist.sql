-- PostgreSQL only, applied with db/0004_whitelist.sql in its transaction (SQLite: db/sqlite/0004_whitelist.sql).

-- A published list never changes: entries, withdrawals and the export log are append-only, and a batch
-- may only change its status from 已发布 to 已全部撤回 (when its last entry is withdrawn).
CREATE TRIGGER whitelist_entries_no_update BEFORE UPDATE ON whitelist_entries
FOR EACH ROW EXECUTE FUNCTION td_refuse('已发布的诚信履行名单条目不能修改，只能撤回');
CREATE TRIGGER whitelist_entries_no_delete BEFORE DELETE ON whitelist_entries
FOR EACH ROW EXECUTE FUNCTION td_refuse('已发布的诚信履行名单条目不能删除，只能撤回');
CREATE TRIGGER whitelist_batches_no_update
BEFORE UPDATE OF court_code, court_name, year, number, published_on, approved_by, published_by,
                 period_start, period_end, created_at, id ON whitelist_batches
FOR EACH ROW EXECUTE FUNCTION td_refuse('已发布的诚信履行名单批次不能修改');
CREATE TRIGGER whitelist_batches_status BEFORE UPDATE OF status ON whitelist_batches
FOR EACH ROW WHEN (NOT (OLD.status = '已发布' AND NEW.status = '已全部撤回'))
EXECUTE FUNCTION td_refuse('名单批次的状态只能由“已发布”变为“已全部撤回”');
CREATE TRIGGER whitelist_batches_no_delete BEFORE DELETE ON whitelist_batches
FOR EACH ROW EXECUTE FUNCTION td_refuse('已发布的诚信履行名单批次不能删除');
CREATE TRIGGER whitelist_withdrawals_no_update BEFORE UPDATE ON whitelist_withdrawals
FOR EACH ROW EXECUTE FUNCTION td_refuse('撤回记录不能修改');
CREATE TRIGGER whitelist_withdrawals_no_delete BEFORE DELETE ON whitelist_withdrawals
FOR EACH ROW EXECUTE FUNCTION td_refuse('撤回记录不能删除');
CREATE TRIGGER whitelist_exports_no_update BEFORE UPDATE ON whitelist_exports
FOR EACH ROW EXECUTE FUNCTION td_refuse('报送记录不能修改');
CREATE TRIGGER whitelist_exports_no_delete BEFORE DELETE ON whitelist_exports
FOR EACH ROW EXECUTE FUNCTION td_refuse('报送记录不能删除');
