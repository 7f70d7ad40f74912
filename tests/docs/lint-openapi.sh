#!/usr/bin/env bash
# Lints doc/openapi.yaml with @redocly/cli (doc/redocly.yaml: the
# recommended-strict rules, two turned off with their reasons).
#
# The linter is installed from npm, at the version pinned below, into a cache
# directory outside the tree the first time; later runs use it as it is and
# need no network.
#   FOLLOWINGS_TOOLS_CACHE  where (default ${XDG_CACHE_HOME:-$HOME/.cache}/followings-fcgi)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=1.34.20
cache=${FOLLOWINGS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/followings-fcgi}/redocly-$version
redocly=$cache/node_modules/.bin/redocly
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

if [ ! -x "$redocly" ] || [ "$("$redocly" --version 2>/dev/null)" != "$version" ]; then
	command -v npm >/dev/null || { echo "lint-openapi: npm is not installed (script/bootstrap)" >&2; exit 1; }
	echo "lint-openapi: installing @redocly/cli@$version into $cache"
	rm -rf "$cache"
	mkdir -p "$cache"
	timeout 300 npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
		"@redocly/cli@$version" >"$cache.log" 2>&1 || { cat "$cache.log" >&2; rm -rf "$cache"; exit 1; }
fi
"$redocly" lint --config "$repo/doc/redocly.yaml" "$repo/doc/openapi.yaml"
