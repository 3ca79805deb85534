#!/usr/bin/env bash
# The real clients the tests open our files with: LibreOffice (reads our
# spreadsheets and converts our docx), poppler's pdftotext (extracts the text
# of our PDFs), and HarfBuzz's subsetter (WeasyPrint embeds fonts with it, far
# faster than its fontTools fallback), and Chromium (the portal's browser tests drive
# Debian's build through Playwright: Playwright's own downloads are not
# reachable here). Installs from Debian only what is
# missing; does nothing on a machine that has them.
set -euo pipefail

missing=()
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui libreoffice-writer-nogui)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || missing+=(fonts-dejavu-core)
ldconfig -p | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
command -v chromium >/dev/null || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing test clients: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
