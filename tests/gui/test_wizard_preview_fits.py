"""The wizard's page preview shrinks with the window instead of being cut off (1366 × 768 screens)."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from desktop.gui.wizard import PREVIEW_WIDTH, DocumentWizard
from desktop.services.documents import DocumentService
from desktop.services.workspace import Workspace
from tests.gui.test_documents_gui import prompt_case


def test_preview_page_is_whole_in_a_short_window(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    case = workspace.save_case(prompt_case())
    service = DocumentService(workspace)
    wiz = DocumentWizard(service, service.start("performance_prompt", case.id))
    qtbot.addWidget(wiz)
    wiz.show()
    for height in (860, 680):
        wiz.resize(1280, height)
        while wiz.currentPage() is not wiz.review:
            wiz.setCurrentId(wiz.pageIds()[-1])
        qtbot.wait(50)
        view = wiz.preview.image
        rect = view.page_rect()
        # The whole A4 page is inside the view, in A4 proportions, and the view is inside the wizard.
        assert rect.top() >= 0 and rect.bottom() < view.height(), (height, rect, view.size())
        assert abs(rect.height() / rect.width() - 297 / 210) < 0.01
        assert rect.width() <= PREVIEW_WIDTH
        bottom = view.mapTo(wiz, QPoint(0, rect.bottom())).y()
        buttons = wiz.preview.prev_button.mapTo(wiz, QPoint(0, 0)).y()
        assert bottom < buttons, "the page-turn buttons must not cover the page"
        assert (
            wiz.preview.prev_button.mapTo(wiz, QPoint(0, wiz.preview.prev_button.height())).y()
            <= wiz.height()
        )
    # Rendered at the size shown: the cached image has the page's size.
    assert view._cache is not None and view._cache[1] == view.page_rect().size()
