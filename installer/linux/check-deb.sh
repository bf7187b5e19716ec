#!/usr/bin/env bash
# Prove the .deb on this machine (as root, CI): install with dpkg -i, check the UOS layout, run the
# installed program's --smoke-test (offscreen, and on X when xvfb-run is there), remove it, check that
# nothing of it is left and the user's data folder was not touched; then lintian.
#   bash installer/linux/check-deb.sh dist/<appid>_<version>_<arch>.deb
#
# lintian: tags the UOS layout or a frozen program cannot avoid are listed below with the reason and
# reported but not counted; any other error (E:) fails this script.
set -euo pipefail
deb=$1
appid=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
app=/opt/apps/$appid
fail() { echo "check-deb: $*" >&2; exit 1; }

[[ $appid =~ ^[a-z0-9][a-z0-9.-]*$ ]] || fail "appid '$appid' is not lowercase"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "version '$version' does not have four parts"
# Every file of the package under /opt/apps/<appid>; no maintainer scripts.
outside=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -v -E "^\./(opt/|opt/apps/|opt/apps/$appid/.*)?$" || true)
[ -z "$outside" ] || fail "files outside $app: $outside"
scripts=$(dpkg-deb -I "$deb" | grep -E '^ +[0-9]+ bytes, +[0-9]+ lines +[*] +(pre|post)(inst|rm)' || true)
[ -z "$scripts" ] || fail "maintainer scripts: $scripts"

data=$(mktemp -d)  # a user's data folder that must survive install, use and removal
trap 'rm -rf "$data"' EXIT
started=$(date +%s)
dpkg -i "$deb" || { apt-get -o DPkg::Lock::Timeout=600 install -f -y -qq; dpkg -s "$appid" >/dev/null; }
echo "installed $appid $version in $(( $(date +%s) - started )) s"
for f in "$app/info" "$app/entries/applications/$appid.desktop" \
         "$app/entries/icons/hicolor/scalable/apps/$appid.svg" "$app/files/TribunalDesk"; do
  [ -e "$f" ] || fail "missing $f"
done
python3 - "$app/info" "$appid" "$version" <<'PY'
import json, sys
info = json.load(open(sys.argv[1], encoding="utf-8"))
assert info["appid"] == sys.argv[2] and info["version"] == sys.argv[3], info
assert isinstance(info["arch"], list) and info["arch"] and isinstance(info["permissions"], dict), info
PY
grep -qx "Icon=$appid" "$app/entries/applications/$appid.desktop" || fail "desktop entry's Icon is not $appid"
grep -qx "Exec=$app/files/TribunalDesk" "$app/entries/applications/$appid.desktop" || fail "Exec"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$app/entries/applications/$appid.desktop"; fi

# The installed program, as a clerk would start it from the menu (Exec=), once per platform.
env -u TRIBUNAL_DESK_HOME QT_QPA_PLATFORM=offscreen "$app/files/TribunalDesk" --demo --smoke-test
TRIBUNAL_DESK_HOME=$data QT_QPA_PLATFORM=offscreen "$app/files/TribunalDesk" --demo --smoke-test
if command -v xvfb-run >/dev/null; then
  env -u TRIBUNAL_DESK_HOME -u QT_QPA_PLATFORM xvfb-run -a "$app/files/TribunalDesk" --demo --smoke-test
fi

dpkg -r "$appid"
dpkg -s "$appid" >/dev/null 2>&1 && fail "still installed after dpkg -r"
[ ! -e "$app" ] || fail "$app left behind after removal"
[ -s "$data/demo.sqlite3" ] || fail "the user's data folder was touched by the removal"
echo "installed, smoke-tested and removed: $appid $version"

# ---- lintian ----------------------------------------------------------------------------------------
# Not counted, because the UOS layout or a frozen program requires them:
#   dir-or-file-in-opt            UOS puts every application under /opt/apps/<appid> (its packaging rule)
#   no-copyright-file no-changelog  /usr/share/doc is outside /opt/apps (the font licence ships in files/)
#   embedded-library custom-library-search-path library-not-linked-against-libc
#                                 a PyInstaller bundle carries its Python, Qt and their libraries, found
#                                 through $ORIGIN run paths; that is what makes it run on UOS 20 and 麒麟 V10
#                                 whatever their system versions are
accepted=dir-or-file-in-opt,no-copyright-file,no-changelog,embedded-library,custom-library-search-path
accepted=$accepted,library-not-linked-against-libc
if command -v lintian >/dev/null; then
  echo "lintian, every finding (tag, count):"
  lintian --no-tag-display-limit "$deb" 2>/dev/null | awk '{print $1, $3}' | sort | uniq -c | sort -rn || true
  errors=$(lintian --no-tag-display-limit --suppress-tags "$accepted" "$deb" 2>/dev/null | grep '^E:' || true)
  [ -z "$errors" ] || fail "lintian errors: $errors"
  echo "lintian: no errors beyond the accepted tags ($accepted)"
else
  echo "lintian not installed: skipped (apt-get install lintian)"
fi
