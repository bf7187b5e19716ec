#!/usr/bin/env bash
# Build a .deb for 统信UOS / 麒麟 (and Debian) from the PyInstaller folder, in the UOS application layout:
#   python installer/build.py && bash installer/linux/build-deb.sh
#
#   /opt/apps/<appid>/info                                   JSON: appid, name, version, arch, permissions
#   /opt/apps/<appid>/entries/applications/<appid>.desktop   the menu entry (the system links entries/)
#   /opt/apps/<appid>/entries/icons/hicolor/scalable/apps/<appid>.svg
#   /opt/apps/<appid>/files/                                 the program (dist/TribunalDesk)
#
# The appid is lowercase and the same in the package name, the folder, the desktop file's name and its
# Icon=. The version has four parts (pyproject's three and a build number, TRIBUNAL_DESK_BUILD, default 0).
# Nothing is installed outside /opt/apps/<appid> and there are no maintainer scripts: installing,
# upgrading and removing never touch the user's data (~/.local/share/TribunalDesk).
# Prints the path of the .deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
appid=cn.tribunaldesk.desk
base=$(python3 -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
IFS=. read -r major minor patch _rest <<<"$base"
version="${major}.${minor:-0}.${patch:-0}.${TRIBUNAL_DESK_BUILD:-0}"
arch=$(dpkg --print-architecture)
[ -x dist/TribunalDesk/TribunalDesk ] || { echo "dist/TribunalDesk missing: run installer/build.py first" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
app="$root/opt/apps/$appid"
mkdir -p "$root/DEBIAN" "$app/files" "$app/entries/applications" "$app/entries/icons/hicolor/scalable/apps"
cp -a dist/TribunalDesk/. "$app/files/"
# PyInstaller copies libraries with whatever mode they had; a package ships 0644 data and 0755 programs.
find "$app/files" -type d -exec chmod 0755 {} +
find "$app/files" -type f -exec chmod 0644 {} +
chmod 0755 "$app/files/TribunalDesk"
# Debug symbols are not shipped (lintian: unstripped-binary-or-object). Only shared objects: the program
# file itself carries PyInstaller's archive after its ELF sections, which strip would cut off.
find "$app/files/_internal" -type f -name '*.so*' -print0 | while IFS= read -r -d '' lib; do
  if file -b "$lib" | grep -q 'ELF.*not stripped'; then strip --strip-unneeded "$lib"; fi
done
install -m 0644 installer/linux/icon.svg "$app/entries/icons/hicolor/scalable/apps/$appid.svg"

cat > "$app/entries/applications/$appid.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Version=1.0
Name=Tribunal Desk
Name[zh_CN]=法庭自动履行工作台
GenericName=Court performance desk
GenericName[zh_CN]=自动履行督促
Comment=Case ledger, reminders, notices and white list for people's tribunals
Comment[zh_CN]=案件台账、督促看板、文书打印、诚信履行名单与备份
Exec=/opt/apps/$appid/files/TribunalDesk
Icon=$appid
Terminal=false
Categories=Office;
StartupWMClass=TribunalDesk
DESKTOP

cat > "$app/info" <<INFO
{
  "appid": "$appid",
  "name": "法庭自动履行工作台",
  "version": "$version",
  "arch": ["$arch"],
  "permissions": {
    "autostart": false,
    "notification": false,
    "trayicon": false,
    "clipboard": true,
    "account": false,
    "bluetooth": false,
    "camera": false,
    "audio_record": false,
    "installed_apps": false
  }
}
INFO

size=$(du -sk "$root/opt" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: $appid
Version: $version
Architecture: $arch
Maintainer: Tribunal Desk <dev@tribunal-desk.invalid>
Installed-Size: $size
Section: utils
Priority: optional
Depends: libc6, sensible-utils, libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0, libx11-6, libx11-xcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1
Homepage: https://tribunal-desk.invalid/
Description: 法庭自动履行工作台 Tribunal Desk
 Offline desktop tool for people's tribunals and basic courts: a case ledger,
 a daily reminder dashboard, printed notices, the white list of parties who
 performed voluntarily, statistics and encrypted backups to USB.
CONTROL

mkdir -p dist
out="dist/${appid}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz -z2 --build "$root" "$out" >/dev/null
echo "$out"
