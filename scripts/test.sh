#!/usr/bin/env bash
# Install the test dependencies (Python packages, Debian's chromium for the web-page tests) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# The CPU build of torch lies on disk; without this pip would fetch a multi-GB CUDA build.
if [ -d /opt/wheels ]; then export PIP_FIND_LINKS="${PIP_FIND_LINKS:-/opt/wheels}"; fi
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[test]"
# Debian's chromium for the headless-browser tests, and a CJK font so the PDF loader test can build a Chinese PDF.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
    || echo "未能安装 ${need[*]}，相关测试将被跳过" >&2
fi
# PostgreSQL and Redis run as services on this machine; start PostgreSQL if it is down.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
python -m pytest -q "$@"
