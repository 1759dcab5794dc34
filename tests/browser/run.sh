#!/usr/bin/env bash
# Browser tests: Timmy's page in Debian's Chromium, driven by playwright-core against the real server; and the
# payment boundary from outside, with @getalby/lightning-tools as the 402 client.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [[ ! -x "$chromium" ]]; then
  echo "error: Chromium not found at $chromium. Install Debian's package first: apt-get install -y chromium" >&2
  exit 1
fi
command -v node >/dev/null || { echo "error: node is required" >&2; exit 1; }
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1; }

# The tests start the server with `dotnet run --no-build`, so build it first.
dotnet build "$root/src/Timmy.Api" --nologo -v quiet

cd "$here"
npm ci --no-audit --no-fund
rm -rf artifacts
node --test --test-reporter=spec timmy.test.mjs payments.test.mjs
