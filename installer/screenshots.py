"""Screenshots of the main window on the demo, for checking high-DPI scaling and the UI font by eye.

    QT_SCALE_FACTOR=1.5 xvfb-run -a -s "-screen 0 1920x1080x24" python installer/screenshots.py OUT.png [PAGE]

The window is shown as the program shows it (maximized when the screen is smaller than its preferred
size: a 1920×1080 screen at 150% is 1280×720 logical pixels) and grabbed at the screen's pixel ratio.
PAGE is the navigation row to show (0 台账, 1 督促看板, …; default: the page it opens on). The demo is
generated in TRIBUNAL_DESK_HOME (or a temporary folder).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TRIBUNAL_DESK_HOME", tempfile.mkdtemp(prefix="tribunal-desk-shots-"))


def main() -> int:
    from desktop.cli import _demo_database
    from desktop.gui.app import application
    from desktop.gui.backup_dialog import open_workspace, release_workspace
    from desktop.gui.main_window import MainWindow

    out = Path(sys.argv[1])
    app = application()
    workspace = open_workspace(_demo_database())
    assert workspace is not None
    window = MainWindow(workspace)
    if len(sys.argv) > 2:
        window.nav.setCurrentRow(int(sys.argv[2]))
    window.show_on_screen()
    settled = time.monotonic() + 2  # the board and the layout settle
    while time.monotonic() < settled:
        app.processEvents()
        time.sleep(0.02)
    screen = window.screen()
    window.grab().save(str(out))
    print(
        f"{out}: window {window.width()}×{window.height()} logical, screen "
        f"{screen.geometry().width()}×{screen.geometry().height()} logical, "
        f"ratio {screen.devicePixelRatio():g}, "
        f"font {app.font().family()} {app.font().pointSizeF():g} pt"
    )
    window.close()
    workspace.close()
    release_workspace(workspace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
