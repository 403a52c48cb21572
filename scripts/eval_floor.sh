#!/usr/bin/env bash
# CI: run the eval over the shipped sets and fail when a headline metric falls below eval/floors.yaml.
# BM25 only (ASSISTANT_EMBEDDER=none), in a throw-away data dir: a few seconds, no model needed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VIRTUAL_ENV:-}" ] && [ -f .venv/bin/activate ]; then . .venv/bin/activate; fi
data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
ASSISTANT_EMBEDDER=none ASSISTANT_DATA_DIR="$data_dir" ASSISTANT_LLM__BASE_URL="" \
  gongkai eval --check-floor 2> >(grep -v '^评测中' >&2)
