#!/bin/sh
# One entry point for a fresh Debian 12 machine:
#   build-aux/quickstart.sh run [APP OPTIONS…]  install what is missing, build, launch the app
#   build-aux/quickstart.sh test                install what is missing, build, run every test headless
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
build=${EVG_BUILD_DIR:-_build}
prefix="$here/_install"

# Build, test and screenshot dependencies, all from Debian's archive.  clang
# and its runtimes (libFuzzer, ASan, UBSan: libclang-rt-14-dev) build the
# fuzz targets that the `fuzz` suite runs.  libical-dev brings libical-glib,
# for the meetings' iCalendar export and the plans' recurrence rules;
# python3-icalendar reads the export back in the tests.  Printed meeting
# records are laid out with Pango and cairo (also without the GUI), need a
# Chinese font (fonts-noto-cjk) and are read back by the tests with
# poppler-utils.  Spreadsheets: libzip-dev opens the .xlsx workbooks that
# imports read, libxml2-dev parses their XML (a sheet of 100,000 rows is
# tens of megabytes of it), libxlsxwriter-dev writes the .xlsx exports, and
# python3-openpyxl makes workbooks for the tests and reads ours back.  The
# member cards' QR codes are made with libqrencode (libqrencode-dev);
# zbar-tools' zbarimg decodes them again in the tests.  The server's public
# pages are tested in headless Chromium as a phone would show them, driven
# through chromium-driver by python3-selenium (the `public-browser` case).
packages="meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev glib-networking
  libmicrohttpd-dev libical-dev libpango1.0-dev libcairo2-dev libqrencode-dev
  libzip-dev libxml2-dev libxlsxwriter-dev
  sqlite3 python3 python3-gi python3-icalendar python3-openpyxl gir1.2-atspi-2.0 at-spi2-core
  xvfb xauth dbus dbus-daemon dbus-bin
  desktop-file-utils appstream flatpak-builder
  valgrind openssl curl locales fonts-noto-cjk imagemagick poppler-utils zbar-tools
  clang libclang-rt-14-dev
  chromium chromium-driver python3-selenium"

as_root () {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing () {
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "Installing:$missing"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
  fi
  # The app is tested and screenshotted in Chinese, so that locale must exist.
  if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    as_root sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
    as_root locale-gen >/dev/null
  fi
}

build () {
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" --prefix="$prefix" -Dgui=enabled -Dserver=enabled
  fi
  ninja -C "$build"
}

case "${1:-}" in
  run)
    shift
    install_missing
    build
    meson install -C "$build" --quiet
    export XDG_DATA_DIRS="$prefix/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
    export GSETTINGS_SCHEMA_DIR="$prefix/share/glib-2.0/schemas"
    exec "$prefix/bin/e-vanguard" "$@"
    ;;
  test)
    shift
    install_missing
    build
    # Every suite runs under a virtual display and a private D-Bus session,
    # the way CI and a developer without a desktop run them.
    exec xvfb-run -a -s "-screen 0 1280x800x24" \
      dbus-run-session -- meson test -C "$build" --print-errorlogs "$@"
    ;;
  *)
    echo "usage: $0 run [APP OPTIONS…] | test [MESON TEST OPTIONS…]" >&2
    exit 2
    ;;
esac
