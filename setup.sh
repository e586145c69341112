#!/usr/bin/env bash
# Set up safecomm on a fresh Debian/Ubuntu machine: system fonts and libraries for the PDF, free
# faces for the fonts the Word files name, then a virtual environment in .venv with safecomm and
# its test tools installed.
set -euo pipefail
cd "$(dirname "$0")"

# chromium and postgresql-15 serve the workbench's tests: a real browser (Playwright drives Debian's
# Chromium; it cannot download its own) and a throwaway PostgreSQL cluster the tests start themselves.
debs=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils chromium postgresql-15)
missing=()
for deb in "${debs[@]}"; do
  dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The Word files name the faces GB/T 9704 asks for (方正小标宋简体, 仿宋_GB2312, 黑体), which are not
# free. Where they are missing, fontconfig hands LibreOffice the free Fandol faces instead (without
# an alias it picks the Japanese glyph forms of Noto CJK). The fonts come from Debian's
# texlive-lang-chinese, unpacked without installing TeX: three files, 18 MB.
fandol=/usr/local/share/fonts/fandol
if [ ! -f "$fandol/FandolFang-Regular.otf" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download -qq texlive-lang-chinese 2>/dev/null || { $sudo apt-get update -qq && apt-get download -qq texlive-lang-chinese; }; })
  dpkg-deb --fsys-tarfile "$tmp"/texlive-lang-chinese_*.deb | tar -x -C "$tmp" --wildcards \
    '*/fandol/FandolSong-Regular.otf' '*/fandol/FandolFang-Regular.otf' '*/fandol/FandolHei-Regular.otf'
  $sudo mkdir -p "$fandol"
  $sudo cp "$tmp"/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/*.otf "$fandol/"
  rm -rf "$tmp"
fi
aliases=/etc/fonts/conf.d/65-safecomm-gbt9704.conf
if [ ! -f "$aliases" ]; then
  $sudo tee "$aliases" >/dev/null <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- safecomm: free faces for the fonts of Chinese official documents (GB/T 9704) -->
<fontconfig>
  <alias binding="strong"><family>方正小标宋简体</family><prefer><family>FandolSong</family></prefer></alias>
  <alias binding="strong"><family>仿宋_GB2312</family><prefer><family>FandolFang</family></prefer></alias>
  <alias binding="strong"><family>黑体</family><prefer><family>FandolHei</family></prefer></alias>
</fontconfig>
EOF
  $sudo fc-cache -f >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q '.[test]'
echo "safecomm is set up in .venv (run .venv/bin/safecomm --help)"
