#!/usr/bin/env bash
# Opens every report page under docs/evaluation (or the folders given) in headless
# Chromium (Debian's chromium package, installed when missing), checks that every figure
# loaded and that every SVG parses as XML, and writes a screenshot of each page next to
# it (screenshot.png) for a person to look at.
#   bash Tools/eval/check_reports.sh [REPORT_FOLDER ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
sudo=$([ "$(id -u)" = 0 ] || echo sudo)  # as the Makefile: root (a container) has no sudo
command -v chromium >/dev/null || {
  echo "== installing chromium"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}
folders=("$@")
[ ${#folders[@]} -gt 0 ] || mapfile -t folders < <(find docs/evaluation -mindepth 1 -maxdepth 1 -type d | sort)
failures=0
for folder in "${folders[@]}"; do
  page="$(realpath "$folder")/index.html"
  [ -f "$page" ] || { echo "$folder: no index.html"; failures=$((failures + 1)); continue; }
  for svg in "$folder"/*.svg; do
    python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$svg" || { echo "$svg: not well-formed XML"; failures=$((failures + 1)); }
  done
  dom=$(chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom "file://$page" 2>/dev/null)
  figures=$(grep -o 'data-figures="[0-9]*"' <<<"$dom" | grep -o '[0-9]*' || echo "?")
  loaded=$(grep -o 'data-figures-loaded="[0-9]*"' <<<"$dom" | grep -o '[0-9]*' || echo "?")
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2400 --screenshot="$folder/screenshot.png" "file://$page" >/dev/null 2>&1
  if [ "$figures" = "$loaded" ] && [ "$figures" != "?" ] && [ "$figures" -gt 0 ]; then
    echo "$folder: $loaded of $figures figures loaded; screenshot $folder/screenshot.png"
  else
    echo "$folder: FIGURES MISSING ($loaded of $figures loaded)"; failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] && echo "all reports render" || { echo "$failures problem(s)"; exit 1; }
