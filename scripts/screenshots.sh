#!/usr/bin/env bash
# Makes the README's screenshots (issues 12, 13): the city's cockpit, a score card, an enterprise's
# home on a phone, an idle-land case, a cluster's 亩均地图, the plan's key tasks and a closed
# enterprise problem (issue 14) — taken by the Chromium browser tests on fresh demo data, then copied into
# docs/screenshots/. Needs chromium and chromedriver (Debian: apt-get install chromium
# chromium-driver; .ci/run installs them).
#
#   scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MUJUN_BROWSER_TESTS=1 cargo test -q -p mujun-web --test browser -- --test-threads 1
shots=target/tmp/browser
mkdir -p docs/screenshots
cp "$shots/cockpit-desktop.png" docs/screenshots/cockpit.png
cp "$shots/4-score-card.png" docs/screenshots/score-card.png
cp "$shots/enterprise-phone.png" docs/screenshots/enterprise-phone.png
cp "$shots/land-idle-case.png" docs/screenshots/land-idle-case.png
cp "$shots/land-map.png" docs/screenshots/land-map.png
cp "$shots/plan-tasks.png" docs/screenshots/plan-tasks.png
cp "$shots/service-problem.png" docs/screenshots/service-problem.png
echo "docs/screenshots/: cockpit.png score-card.png enterprise-phone.png land-idle-case.png land-map.png plan-tasks.png service-problem.png"
