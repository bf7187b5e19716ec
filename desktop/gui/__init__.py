"""Thin PySide6 widgets over the services: no business rule lives here."""
