"""The installer scripts, read by a parser here (iscc and Windows are not available in CI).

The Inno Setup script: per-user install without administrator rights, a Start-menu entry, an upgrade in
place, and an uninstall that never touches the user's data in %LOCALAPPDATA%\\TribunalDesk. The UOS .deb
script: one lowercase appid everywhere. The PyInstaller spec: valid Python naming the data folders.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path, PureWindowsPath

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "windows" / "TribunalDesk.iss"

KNOWN_SECTIONS = {
    "Setup", "Languages", "Tasks", "Files", "Icons", "Run", "InstallDelete", "UninstallDelete",
    "UninstallRun", "Dirs", "Registry", "INI", "Messages", "CustomMessages", "Code",
}  # fmt: skip


def parse_iss(text: str) -> tuple[dict[str, str], dict[str, list[str]], set[str]]:
    """([Setup] key → value, section → its entry lines, names #define'd); comments dropped."""
    setup: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    defines: set[str] = set()
    current = ""
    depth = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("#"):
            word = line[1:].split()[0]
            if word == "define":
                defines.add(line.split()[1])
            elif word == "if":
                depth += 1
            elif word == "endif":
                depth -= 1
                assert depth >= 0, "an #endif without #if"
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            assert current in KNOWN_SECTIONS, f"unknown section [{current}]"
            sections.setdefault(current, [])
            continue
        assert current, f"a line before any section: {line}"
        sections[current].append(line)
        if current == "Setup":
            key, sep, value = line.partition("=")
            assert sep, f"[Setup] line without '=': {line}"
            assert key.strip() not in setup, f"[Setup] {key} given twice"
            setup[key.strip()] = value.strip()
    assert depth == 0, "#if without #endif"
    return setup, sections, defines


def entries(lines: list[str]) -> list[dict[str, str]]:
    """Entries like ``Name: "x"; Filename: "y"; Flags: a b`` as dictionaries."""
    out = []
    for line in lines:
        params = {}
        for part in re.findall(r'(\w+):\s*("[^"]*"|[^;]+)', line):
            params[part[0]] = part[1].strip().strip('"')
        out.append(params)
    return out


def test_the_inno_script_parses_and_uses_only_what_it_defines() -> None:
    text = ISS.read_text(encoding="utf-8")
    _setup, sections, defines = parse_iss(text)
    assert {"Setup", "Files", "Icons", "Languages"} <= set(sections)
    for used in re.findall(r"\{#(\w+)\}", text):
        assert used in defines, f"{{#{used}}} is never #define'd"


def test_a_per_user_install_without_administrator_rights_by_default() -> None:
    setup, _sections, _defines = parse_iss(ISS.read_text(encoding="utf-8"))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")  # %LOCALAPPDATA%\Programs when per user
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])  # fixed: later setups upgrade in place
    assert setup.get("UsePreviousAppDir", "yes") == "yes"
    assert setup["CloseApplications"] == "yes"  # a running copy is closed before files are replaced


def test_uninstall_and_upgrade_never_touch_the_users_data() -> None:
    text = ISS.read_text(encoding="utf-8")
    setup, sections, _defines = parse_iss(text)
    code = "\n".join(line for lines in sections.values() for line in lines)
    assert "{localappdata}" not in code.lower() and "%localappdata%" not in code.lower()
    assert "{userappdata}" not in code.lower()
    for name in ("UninstallDelete", "InstallDelete"):
        for entry in entries(sections.get(name, [])):
            assert entry["Name"].startswith("{app}\\"), f"[{name}] outside the program folder: {entry}"
    # The program folder is never the data folder, whoever installs it.
    assert PureWindowsPath(setup["DefaultDirName"]).name == "TribunalDesk"
    assert not setup["DefaultDirName"].lower().startswith("{localappdata}")


def test_a_start_menu_entry_starts_the_bundle_that_build_py_makes() -> None:
    _setup, sections, _defines = parse_iss(ISS.read_text(encoding="utf-8"))
    icons = entries(sections["Icons"])
    assert any(
        i["Name"].startswith("{group}\\") and i["Filename"] == "{app}\\TribunalDesk.exe" for i in icons
    )
    (files,) = entries(sections["Files"])
    source = PureWindowsPath(files["Source"])
    assert source.parts[:4] == ("..", "..", "dist", "TribunalDesk")  # installer\windows\..\..\dist
    assert "recursesubdirs" in files["Flags"]


def test_the_deb_script_uses_one_lowercase_appid_and_a_four_part_version() -> None:
    script = (ROOT / "installer" / "linux" / "build-deb.sh").read_text(encoding="utf-8")
    (appid,) = re.findall(r"^appid=(\S+)$", script, re.M)
    assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*", appid)
    assert 'version="${major}.${minor:-0}.${patch:-0}.${TRIBUNAL_DESK_BUILD:-0}"' in script
    for used in ("Package: $appid", "opt/apps/$appid", "applications/$appid.desktop", "Icon=$appid"):
        assert used in script
    assert "DEBIAN/postinst" not in script and "DEBIAN/prerm" not in script


def test_the_pyinstaller_spec_is_python_and_bundles_the_data_folders() -> None:
    spec = (ROOT / "installer" / "tribunal-desk.spec").read_text(encoding="utf-8")
    ast.parse(spec)
    assert '("db", "forms", "resources")' in spec
    assert 'name="TribunalDesk"' in spec
