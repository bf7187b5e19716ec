"""``tribunal-desk doctor``: what this PC lacks to run the program, said in Chinese with the fix.

On a bare Debian / 统信UOS / 麒麟 machine Qt's window system plugin (xcb) needs X libraries that a
minimal install lacks; without them Qt aborts the program (exit 134) with a message that names the wrong
library. The doctor loads each library the plugin links to, by name, and names the Debian packages of the
missing ones in a single ``apt-get install`` line. It runs before Qt is imported (QtGui itself needs
libGL, libEGL and fontconfig), and ``tribunal-desk`` runs the same library check before it opens the
window, so that a missing library is explained rather than an abort.

Also checked: a Chinese system font (the program ships one, so this is advice), a display, the data
folder and its free space.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass

# Libraries Qt 6's xcb platform plugin and QtGui load (ldd of libqxcb.so and libQt6XcbQpa.so), with the
# Debian package of each (same names on 统信UOS 20 and 麒麟 V10, which are Debian-based).
X_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libGL.so.1", "libgl1"),
    ("libEGL.so.1", "libegl1"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libfreetype.so.6", "libfreetype6"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libgthread-2.0.so.0", "libglib2.0-0"),
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb.so.1", "libxcb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
)
CJK_FONT_PACKAGES = "fonts-noto-cjk 或 fonts-wqy-microhei"


def _loads(name: str) -> bool:
    import ctypes  # here: the window's start checks only on an X display (issue 23)

    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(loads: Callable[[str], bool] = _loads) -> list[tuple[str, str]]:
    """The (library, package) pairs that cannot be loaded; always [] off Linux."""
    if not sys.platform.startswith("linux"):
        return []
    return [(lib, pkg) for lib, pkg in X_LIBRARIES if not loads(lib)]


def install_line(missing: list[tuple[str, str]]) -> str:
    packages = " ".join(dict.fromkeys(pkg for _lib, pkg in missing))
    return f"sudo apt-get install -y {packages}"


def missing_message(missing: list[tuple[str, str]]) -> str:
    """What to tell a person whose PC lacks libraries (Chinese, with the command that fixes it)."""
    names = "、".join(lib for lib, _pkg in missing)
    return (
        f"本机缺少图形界面所需的系统库：{names}。\n"
        f"请由管理员安装后再启动：\n  {install_line(missing)}\n"
        "（统信UOS、麒麟可在终端中执行同一命令。）"
    )


def wants_xcb(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """True when Qt is about to use its xcb plugin (Linux, an X display, no other platform chosen)."""
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(":")[0] == "xcb"
    return sys.platform.startswith("linux") and bool(environ.get("DISPLAY"))


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str
    needed: bool = True  # False: advice only (does not fail the doctor)


def _system_cjk_fonts() -> list[str] | None:
    """Family names of the system's Chinese fonts (fontconfig), None when fc-list is not there."""
    import subprocess

    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


def findings() -> list[Finding]:
    from desktop import __version__, paths

    out = [Finding(True, f"程序版本 {__version__}，Python {sys.version.split()[0]}，{sys.platform}")]
    missing = missing_libraries()
    if missing:
        out.append(Finding(False, missing_message(missing)))
    elif sys.platform.startswith("linux"):
        out.append(Finding(True, f"图形界面所需的 {len(X_LIBRARIES)} 个系统库齐全"))
    if sys.platform.startswith("linux"):
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            out.append(Finding(False, "没有图形显示（DISPLAY 未设置）：请在桌面环境中启动程序", needed=False))
        fonts = _system_cjk_fonts()
        if fonts == []:
            out.append(
                Finding(
                    False,
                    f"系统没有中文字体：界面用程序自带的宋体显示；安装 {CJK_FONT_PACKAGES} 后界面更清晰",
                    needed=False,
                )
            )
        elif fonts:
            out.append(Finding(True, f"系统中文字体：{'、'.join(fonts[:3])}"))
    try:
        home = paths.user_data_dir()
        probe = home / ".doctor-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
        free = shutil.disk_usage(home).free
        out.append(Finding(True, f"数据目录可写：{home}（剩余空间 {free / (1 << 30):.1f} GB）"))
        if free < 512 << 20:
            out.append(Finding(False, "数据目录所在磁盘剩余空间不足 512 MB，备份可能失败", needed=False))
    except OSError as exc:
        out.append(Finding(False, f"数据目录无法写入：{exc}"))
    return out


def _run(_args: argparse.Namespace) -> int:
    results = findings()
    for f in results:
        mark = "✓" if f.ok else ("✗" if f.needed else "！")
        print(f"{mark} {f.text}")
    if any(not f.ok and f.needed for f in results):
        print("发现必须解决的问题（✗），解决后再启动程序。")
        return 1
    print("检查完毕，可以启动程序。")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    doctor = sub.add_parser("doctor", help="检查本机能否运行本程序（缺少的系统库、中文字体、数据目录）")
    doctor.set_defaults(func=_run)
