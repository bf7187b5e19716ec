"""Build the PyInstaller one-folder bundle and prove it starts: ``python installer/build.py``.

1. ``pyinstaller installer/tribunal-desk.spec`` into ``dist/TribunalDesk`` (skipped with ``--skip-build``);
2. the bundle's own ``--demo --smoke-test`` in a fresh data folder, offscreen (and, with ``--xcb``, on a
   real X server under ``xvfb-run``): exit 0 and nothing on stderr outside the smoke test's allow-list;
3. the time from launch to the main window (the smoke test's "✓ 显示主窗口" line), for the bundle and
   for ``python -m desktop`` from the source, each the median of ``--runs`` warm starts (the demo already
   generated), and the bundle's size. Written to ``dist/build-report.md`` and printed.

Needs ``pip install -e ".[build]"`` (PyInstaller). Runs on the OS it builds for (PyInstaller does not
cross-compile); ``.ci/run`` runs it on Linux. Exit status 0 only when every smoke test passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.gui.smoke import OK_MARK, unexpected_lines  # noqa: E402  (after the path is set)

WINDOW_LINE = "✓ 显示主窗口"
NAME = "TribunalDesk"


def bundle_executable(dist: Path) -> Path:
    return dist / NAME / (f"{NAME}.exe" if os.name == "nt" else NAME)


def build(dist: Path, work: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "installer" / "tribunal-desk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def _env(home: Path, platform: str | None) -> dict[str, str]:
    env = dict(os.environ, TRIBUNAL_DESK_HOME=str(home))
    env.pop("QT_QPA_PLATFORM", None)
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    return env


def smoke(command: list[str], home: Path, platform: str | None = "offscreen") -> tuple[float, str]:
    """Run ``command --demo --smoke-test``; the seconds to its first window, and its output.

    Raises SystemExit with the output when it fails or writes anything unexpected to stderr."""
    env = _env(home, platform)
    if env.get("PYTHONPATH") is None and command[0] == sys.executable:
        env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "--demo", "--smoke-test"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None and proc.stderr is not None
    window: float | None = None
    lines = []
    for line in proc.stdout:
        if line.startswith(WINDOW_LINE) and window is None:
            window = time.perf_counter() - started
        lines.append(line)
    err = proc.stderr.read()
    code = proc.wait(timeout=600)
    output = "".join(lines) + (f"[stderr]\n{err}" if err.strip() else "")
    unexpected = unexpected_lines(err)
    if code != 0 or OK_MARK not in output or unexpected:
        print(output, file=sys.stderr)
        shown = " ".join(command)
        raise SystemExit(f"smoke test failed: {shown} (exit {code}; unexpected stderr: {unexpected})")
    return (window if window is not None else float("nan")), output


def start_times(command: list[str], runs: int) -> list[float]:
    """Warm starts: one run to generate the demo, then ``runs`` timed ones in the same data folder."""
    home = Path(tempfile.mkdtemp(prefix="tribunal-desk-timing-"))
    try:
        smoke(command, home)
        return [smoke(command, home)[0] for _ in range(runs)]
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--skip-build", action="store_true", help="smoke-test the bundle already in --dist")
    parser.add_argument("--xcb", action="store_true", help="also smoke-test on an X server (xvfb-run)")
    parser.add_argument("--runs", type=int, default=3, help="timed warm starts of each (median reported)")
    args = parser.parse_args(argv)

    seconds = 0.0 if args.skip_build else build(args.dist, args.work)
    exe = bundle_executable(args.dist)
    if not exe.exists():
        raise SystemExit(f"no bundle at {exe}")
    size, count = folder_size(exe.parent)

    home = Path(tempfile.mkdtemp(prefix="tribunal-desk-bundle-"))
    _first, output = smoke([str(exe)], home)
    shutil.rmtree(home, ignore_errors=True)
    print("frozen bundle, offscreen, fresh data folder:\n" + output)
    if args.xcb:
        home = Path(tempfile.mkdtemp(prefix="tribunal-desk-bundle-xcb-"))
        _first, output = smoke(["xvfb-run", "-a", str(exe)], home, platform=None)
        shutil.rmtree(home, ignore_errors=True)
        print("frozen bundle, xcb (xvfb-run):\n" + output)

    frozen = start_times([str(exe)], args.runs)
    source = start_times([sys.executable, "-m", "desktop"], args.runs)

    def times(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s ({', '.join(f'{t:.2f}' for t in values)})"

    report = "\n".join(
        [
            "# Bundle build report",
            "",
            f"- bundle: `{exe.parent}`, {size / (1 << 20):.0f} MB in {count:,} files"
            + (f", built in {seconds:.0f} s" if seconds else ""),
            f"- launch to main window (median of {args.runs} warm starts, offscreen, 2,000-case demo):",
            f"  - frozen bundle: {times(frozen)}",
            f"  - python -m desktop: {times(source)}",
            f"- platform: {sys.platform}, Python {sys.version.split()[0]}",
            "",
        ]
    )
    (args.dist / "build-report.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
