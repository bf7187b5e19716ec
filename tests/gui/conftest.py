"""GUI tests never block: message boxes are replaced by a recorder that answers like a careful user."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox


class Dialogs:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Discard

    def question(self, _parent: object, title: str, text: str, *_a: object, **_k: object) -> object:
        self.shown.append((title, text))
        return self.answer

    def message(self, _parent: object, title: str, text: str, *_a: object, **_k: object) -> object:
        self.shown.append((title, text))
        return QMessageBox.StandardButton.Ok


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    recorder = Dialogs()
    monkeypatch.setattr(QMessageBox, "question", recorder.question)
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, recorder.message)
    return recorder
