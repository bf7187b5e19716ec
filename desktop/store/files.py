"""Files the program hands to people (PDFs, exports): written whole or not at all, readable by their
owner only (desktop.store.private_files)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from desktop.store.database import StoreError
from desktop.store.private_files import make_private


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, flushed, then renamed:
    a crash or a full disk leaves the old file or none, never half of one. Refused with a message."""
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=".tdwrite-", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise StoreError(f"无法写入 {path}（{exc.strerror or exc}）") from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        make_private(tmp)  # mkstemp made it 0600: notices and exports hold personal data, so it stays so
        os.replace(tmp, path)
    except PermissionError as exc:
        # Windows refuses to replace a file another program holds open (a PDF reader showing it).
        raise StoreError(
            f"无法写入 {path}（{exc.strerror or exc}）：该文件可能正被其他程序（如 PDF 阅读器、Excel）打开，"
            "请关闭后重试，或换一个文件名。"
        ) from exc
    except OSError as exc:
        raise StoreError(f"无法写入 {path}（{exc.strerror or exc}）") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
