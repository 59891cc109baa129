#!/usr/bin/env bash
# Writes a pyinstrument profile of one render or one ingest run, for whoever optimises next.
#
#   bench/profile.sh render ENV|DIR|N     one `logpilot-manifests render` of an environment, a kustomization
#                                         directory, or N generated resources (bench/render_fixture.py)
#   bench/profile.sh ingest [SECONDS]     the server under REST batches of 1,000 from wrk (default 10 s)
#
# Output: bench/profiles/<what>-<time>.html (open in a browser) and .txt (the call tree), plus the
# .pyisession to reload with `pyinstrument --load FILE`. Needs `make install` first (and wrk for ingest).
set -euo pipefail

usage() {
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$REPO/.venv/bin"
[ -x "$BIN/python" ] || { echo "no virtualenv: run 'make install' first" >&2; exit 2; }
if [ ! -x "$BIN/pyinstrument" ]; then
	"$BIN/python" -m pip install --quiet -e "$REPO[bench]"
fi
OUT="$REPO/bench/profiles"
mkdir -p "$OUT"
STAMP="$(date -u +%Y%m%dT%H%M%S)"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# Turns a saved session into the HTML and text reports and says where they are.
report() {
	local session="$1" name="$2"
	"$BIN/pyinstrument" --load "$session" -r html -o "$OUT/$name.html"
	"$BIN/pyinstrument" --load "$session" -r text --no-color -o "$OUT/$name.txt"
	head -n 40 "$OUT/$name.txt"
	echo "profile: bench/profiles/$name.html (browser), bench/profiles/$name.txt, bench/profiles/$(basename "$session")"
}

free_port() {
	"$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

profile_render() {
	local target="$1" label="$1"
	if [[ "$target" =~ ^[0-9]+$ ]]; then
		"$BIN/python" "$REPO/bench/render_fixture.py" "$WORK/fixture" "$((target / 2))"
		label="fixture-$target"
		target="$WORK/fixture"
	fi
	[ -d "$target" ] && target="$(cd "$target" && pwd)"
	label="$(basename "$label")"
	local session="$OUT/render-$label-$STAMP.pyisession"
	(cd "$REPO" && "$BIN/pyinstrument" --use-timing-thread -r session -o "$session" "$BIN/logpilot-manifests" render "$target" >/dev/null 2>"$WORK/render.err") ||
		{ cat "$WORK/render.err" >&2; exit 1; }
	report "$session" "render-$label-$STAMP"
}

profile_ingest() {
	local seconds="${1:-10}"
	command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
	local http mgmt grpc
	http="$(free_port)"
	mgmt="$(free_port)"
	grpc="$(free_port)"
	local session="$OUT/ingest-$STAMP.pyisession"
	env -u LOGPILOT_POSTGRES_DSN LOGPILOT_HOST=127.0.0.1 LOGPILOT_HTTP_PORT="$http" LOGPILOT_GRPC_PORT="$grpc" \
		LOGPILOT_MANAGEMENT_PORT="$mgmt" LOGPILOT_API_KEY=profile-key LOGPILOT_STORAGE_TYPE=sqlite \
		LOGPILOT_SQLITE_PATH="$WORK/profile.db" LOGPILOT_LOG_LEVEL=WARNING \
		"$BIN/pyinstrument" --use-timing-thread -r session -o "$session" "$BIN/logpilot-server" &
	SERVER_PID=$!
	for _ in $(seq 1 300); do
		curl -fs "http://127.0.0.1:$mgmt/actuator/health/readiness" >/dev/null 2>&1 && break
		kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server did not start" >&2; exit 1; }
		sleep 0.1
	done
	"$BIN/python" - "$WORK/body.json" <<'PY'
import json, sys
entries = [
    {"channel": "profile", "level": "INFO", "message": f"user {i} signed in", "meta": {"requestId": f"req-{i}"}}
    for i in range(1000)
]
open(sys.argv[1], "w").write(json.dumps(entries))
PY
	cat >"$WORK/post.lua" <<LUA
local f = io.open("$WORK/body.json", "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["Content-Type"] = "application/json"; wrk.headers["X-API-KEY"] = "profile-key"
LUA
	wrk -t 1 -c 8 -d "${seconds}s" -s "$WORK/post.lua" "http://127.0.0.1:$http/api/logs/batch" | grep -E "Requests/sec|Latency|Non-2xx" || true
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID" || true
	SERVER_PID=""
	[ -s "$session" ] || { echo "the server wrote no profile (did it stop cleanly on SIGTERM?)" >&2; exit 1; }
	report "$session" "ingest-$STAMP"
}

case "${1:-}" in
render) [ $# -eq 2 ] || usage; profile_render "$2" ;;
ingest) [ $# -le 2 ] || usage; profile_ingest "${2:-10}" ;;
*) usage ;;
esac
