#!/usr/bin/env bash
# Regenerates EF Core's compiled models (src/Timmy.Api/Data/CompiledModels) after a model change:
# a start then skips building the model (CompiledModelTests fails until this is run).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  rm -rf "src/Timmy.Api/Data/CompiledModels/$provider"
  dotnet ef dbcontext optimize --project src/Timmy.Api --context "${provider}TimmyDbContext" \
    --output-dir "Data/CompiledModels/$provider" --namespace "Timmy.Api.Data.CompiledModels.$provider"
done
rm -f src/Timmy.Api/design-time.db
