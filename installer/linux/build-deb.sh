#!/usr/bin/env bash
# Build a .deb for 统信UOS / 麒麟 / Debian from the PyInstaller folder.
#   pyinstaller --noconfirm installer/tribunal-desk.spec && bash installer/linux/build-deb.sh
# Installs to /opt/tribunal-desk with a /usr/bin/tribunal-desk link and a desktop entry.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(python3 -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/DEBIAN" "$root/opt/tribunal-desk" "$root/usr/bin" "$root/usr/share/applications"
cp -a dist/TribunalDesk/. "$root/opt/tribunal-desk/"
ln -s /opt/tribunal-desk/TribunalDesk "$root/usr/bin/tribunal-desk"
cat > "$root/usr/share/applications/tribunal-desk.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=法庭自动履行工作台
Name[en]=Tribunal Desk
Exec=/opt/tribunal-desk/TribunalDesk
Terminal=false
Categories=Office;
DESKTOP
cat > "$root/DEBIAN/control" <<CONTROL
Package: tribunal-desk
Version: $version
Architecture: $arch
Maintainer: Tribunal Desk <dev@tribunal-desk.invalid>
Depends: libegl1, libgl1, libxkbcommon0, libfontconfig1, libdbus-1-3, libxcb-cursor0
Description: 法庭自动履行工作台 Tribunal Desk
 Offline desktop tool for people's tribunals: urging and rewarding voluntary performance.
CONTROL
mkdir -p dist
dpkg-deb --root-owner-group --build "$root" "dist/tribunal-desk_${version}_${arch}.deb"
echo "dist/tribunal-desk_${version}_${arch}.deb"
