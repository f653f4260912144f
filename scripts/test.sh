#!/usr/bin/env bash
# The whole test suite: system packages, build, typecheck, lint, then every package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
bash scripts/system-deps.sh
npx turbo run build
npx turbo run typecheck
npx biome check .
npx turbo run test --concurrency=1
