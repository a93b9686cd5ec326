#!/usr/bin/env bash
# The deployment checks of `npm test` (root script test:deploy): promtool's rule checks and unit tests, the
# kustomize base, the Grafana dashboard and the Dockerfile, then the integration tests: the production layout
# installed with `npm ci --omit=dev` into a clean directory, and a real Prometheus alerting on a lab fault.
# Needs Debian's prometheus package (promtool, prometheus); .ci/run installs it on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in promtool prometheus; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "deploy tests: $tool is not installed: install Debian's prometheus package (apt-get install prometheus)" >&2
    exit 1
  fi
done

# The integration tests start the built CLI and stage the built dist/ folders (a no-op when turbo's cache is warm).
npx turbo run build --output-logs=errors-only

# One file at a time: the integration tests compile better-sqlite3 and run Prometheus on a 2-core machine.
exec node --test --test-concurrency=1 --test-reporter=spec deploy/test/*.test.mjs
