#!/usr/bin/env bash
# Set up safecomm on a fresh Debian/Ubuntu machine: system fonts and libraries for the PDF,
# then a virtual environment in .venv with safecomm and its test tools installed.
set -euo pipefail
cd "$(dirname "$0")"

debs=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils)
missing=()
for deb in "${debs[@]}"; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q '.[test]'
echo "safecomm is set up in .venv (run .venv/bin/safecomm --help)"
