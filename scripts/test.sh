#!/usr/bin/env bash
# One command runs the whole test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
# pytest's 5 means "no tests collected": that is a failure, not a pass.
if [ "$rc" -eq 5 ]; then echo "没有收集到任何测试。" >&2; exit 1; fi
exit "$rc"
