#!/usr/bin/env bash
# The whole test suite: system packages, build, typecheck, lint, then every package's tests, then one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
set -e
bash scripts/system-deps.sh
rm -rf schema/test-results collector/test-results web/test-results test/test-results/vitest.json
npx turbo run build
npx turbo run typecheck
npx biome check .
set +e
npx turbo run test --concurrency=1 --continue
status=$?
node scripts/test-summary.mjs
summary=$?
[ $status -ne 0 ] && exit $status
exit $summary
