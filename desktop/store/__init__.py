"""SQLite through sqlite-utils: schema migrations, queries that return core dataclasses, backups."""
