"""Worker threads that read or build on a connection of their own (the reminder board, the statistics).

A QThread must not be destroyed while it runs: :func:`keep` holds one until it has finished, and the
program waits for them all before it exits (:func:`wait_for_all`)."""

from __future__ import annotations

from PySide6.QtCore import QThread

_RUNNING: set[QThread] = set()


def keep(thread: QThread) -> None:
    """Hold ``thread`` (from the garbage collector) until it has finished."""
    _RUNNING.add(thread)
    thread.finished.connect(lambda: _RUNNING.discard(thread))


def wait_for_all() -> None:
    """Let every kept thread finish (at exit)."""
    for thread in list(_RUNNING):
        thread.wait()
