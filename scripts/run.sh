#!/usr/bin/env bash
# One command: install, prepare the database with seed and demo data, print the demo
# accounts, and start the web server with a Celery worker and beat (Ctrl-C stops all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
python manage.py migrate --noinput -v0
python manage.py load_seed
python manage.py generate_demo --scale city --if-missing
if python manage.py help load_seed_rosters >/dev/null 2>&1; then
  python manage.py load_seed_rosters
  python manage.py load_listing
  python manage.py create_listing_demo_accounts
fi
python manage.py create_demo_accounts
python manage.py generate_demo_visits
python manage.py generate_demo_trips
python manage.py generate_demo_rectification
python manage.py rebuild_dashboard
echo
echo "启动网站（http://127.0.0.1:${WEB_PORT:-8000}）、Celery worker 和 beat；按 Ctrl-C 全部停止。"
exec honcho start -f Procfile
