-- The applied schema version, recorded the same way on both engines: one row per migration applied
-- (desktop/store/database.py writes it with each migration, in the migration's transaction). SQLite also
-- keeps PRAGMA user_version equal to the newest row, which its backups and older programs read.
-- Version 7 is recorded by the program like every later version.
CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);
INSERT INTO schema_migrations (version, applied_at) VALUES
    (1, ''), (2, ''), (3, ''), (4, ''), (5, ''), (6, '');

-- Several PCs on one server: the audit log says from which computer a change came, and a member of staff
-- may sign in with a password the 庭长 or administrator sets (PBKDF2, desktop/core/staff.py; '' = none).
ALTER TABLE audit_log ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE handlers ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
