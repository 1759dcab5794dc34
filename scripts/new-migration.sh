#!/usr/bin/env bash
# Adds a migration for both database providers: scripts/new-migration.sh Name
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/new-migration.sh MigrationName}
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Timmy.Api --context SqliteTimmyDbContext -o Data/Migrations/Sqlite
dotnet ef migrations add "$name" --project src/Timmy.Api --context PostgresTimmyDbContext -o Data/Migrations/Postgres
rm -f src/Timmy.Api/design-time.db
scripts/compile-models.sh
