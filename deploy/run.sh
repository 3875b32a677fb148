#!/usr/bin/env bash
# Run the Gaza Corridors Map as N Streamlit replicas behind nginx on one host. See docs/DEPLOY.md.
#
#   deploy/run.sh start [N]    start N replicas (default 2) on 127.0.0.1:8601.. and nginx on :8080
#   deploy/run.sh stop         stop nginx and every replica this run directory started
#   deploy/run.sh status       each process: alive, healthy, resident memory
#   deploy/run.sh conf [N]     print deploy/nginx-replicas.conf for N replicas (for /etc/nginx/conf.d/)
#
# Environment: GCM_FIRST_PORT (8601), GCM_PORTS (a space-separated list instead), GCM_LISTEN
# (8080, or ADDRESS:PORT), GCM_RUN_DIR (pid files, logs, nginx's prefix; /tmp/gcm-deploy),
# PYTHON (python3), NGINX (nginx), GCM_POST_SCRIPT_GC (false; see below). Every wait is bounded; `start` stops what it started if a
# step fails. `start` starts only replicas that are not running, so it also brings back one
# that died. nginx runs as an unprivileged process in GCM_RUN_DIR, not as the system's service.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SITE="$ROOT/deploy/nginx-replicas.conf"
N="${2:-${GCM_REPLICAS:-2}}"
FIRST="${GCM_FIRST_PORT:-8601}"
LISTEN="${GCM_LISTEN:-8080}"
RUN="${GCM_RUN_DIR:-/tmp/gcm-deploy}"
PYTHON="${PYTHON:-python3}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
HEALTH_WAIT_S=90

if [[ -n "${GCM_PORTS:-}" ]]; then
  read -r -a PORTS <<<"$GCM_PORTS"
else
  [[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: N must be a positive integer, not '$N'" >&2; exit 2; }
  mapfile -t PORTS < <(seq "$FIRST" $((FIRST + N - 1)))
fi

# No allocator settings, on purpose (measured, docs/DEPLOY.md "Load"): MALLOC_ARENA_MAX=2 changes
# nothing (glibc's thread arenas hold ~4 MB after the app's malloc_trim), and PYTHONMALLOC=malloc
# keeps as much after a rush (in glibc's pages instead of pymalloc's arenas) and starts 3 MB higher.

# The Streamlit settings that matter behind a proxy (docs/DEPLOY.md explains each). The rest
# comes from .streamlit/config.toml (static serving, websocket compression, headless).
STREAMLIT_FLAGS=(
  --server.address 127.0.0.1          # replicas on loopback only; readers come through nginx
  --server.headless true
  --server.maxUploadSize 25           # MB; nginx's client_max_body_size is the same
  --server.enableXsrfProtection true  # stateless (cookie + token): no shared secret needed
  --server.enableCORS true            # same origin through the proxy (Host carries the port)
  --server.enableStaticServing true   # the page file in ./static/, shared by the replicas
  --server.fileWatcherType none       # production: no reloading on file changes
  --server.runOnSave false
  --client.showErrorDetails none      # no tracebacks shown to readers (they go to the log)
  # Streamlit's default runs a full gc.collect() after every script run: about 45 ms of CPU per
  # rerun here (geopandas and the bundle make a large heap), in the reader's path, holding the
  # GIL. Python's own generational GC still runs. GCM_POST_SCRIPT_GC=true restores the default.
  --runner.postScriptGC "${GCM_POST_SCRIPT_GC:-false}"
  --browser.gatherUsageStats false
)

site_conf() { # site_conf LISTEN PORT...: the site file with its listen and replica lines replaced
  local listen="$1"; shift
  local servers=""
  for p in "$@"; do servers+="    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;\n"; done
  awk -v listen="$listen" -v servers="$servers" '
    /^[[:space:]]*server 127\.0\.0\.1:[0-9]+ / { if (!done) { printf "%s", servers; done = 1 } next }
    /^[[:space:]]*listen 8080;/ { print "    listen " listen ";"; next }
    { print }' "$SITE"
}

healthy() { # healthy HOST:PORT: Streamlit's health check answers 200 (curl, or Python without it)
  if command -v curl >/dev/null; then
    curl -fsS --max-time 2 -o /dev/null "http://$1/_stcore/health" 2>/dev/null
  else
    "$PYTHON" -c 'import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=2)' \
      "http://$1/_stcore/health" 2>/dev/null
  fi
}

wait_healthy() { # wait_healthy HOST:PORT PIDFILE WHAT LOG
  local deadline=$((SECONDS + HEALTH_WAIT_S))
  until healthy "$1"; do
    if ! kill -0 "$(cat "$2")" 2>/dev/null; then
      echo "run.sh: $3 exited; the end of $4:" >&2; tail -n 20 "$4" >&2 || true; return 1
    fi
    if ((SECONDS > deadline)); then
      echo "run.sh: $3 did not answer within ${HEALTH_WAIT_S} s; see $4" >&2; return 1
    fi
    sleep 0.25
  done
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

proxy_addr() { if [[ "$LISTEN" == *:* ]]; then echo "$LISTEN"; else echo "127.0.0.1:$LISTEN"; fi; }

start() {
  mkdir -p "$RUN"
  local started=()
  for p in "${PORTS[@]}"; do
    if alive "$RUN/replica-$p.pid"; then continue; fi
    # Its own session (setsid), so that `stop` ends it with everything it started.
    # `python -m serving run` is Streamlit's command line with TCP_NODELAY set on every connection
    # from the first (serving.py): nginx keeps its connections to a replica alive, and those
    # opened before the app's first run would otherwise wait on delayed ACKs (40 ms) for good.
    (cd "$ROOT" && exec setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN/replica-$p.pid" \
      "$PYTHON" -m serving run streamlit_app.py --server.port "$p" "${STREAMLIT_FLAGS[@]}" \
      >"$RUN/replica-$p.log" 2>&1 </dev/null) &
    started+=("$p")
  done
  for p in "${started[@]}"; do
    for _ in $(seq 40); do [[ -s "$RUN/replica-$p.pid" ]] && break; sleep 0.05; done
    wait_healthy "127.0.0.1:$p" "$RUN/replica-$p.pid" "replica :$p" "$RUN/replica-$p.log" || abort "${started[@]}"
  done
  if ! alive "$RUN/nginx/nginx.pid"; then
    started+=(nginx)
    mkdir -p "$RUN/nginx"
    for sub in body proxy fastcgi uwsgi scgi; do mkdir -p "$RUN/nginx/$sub"; chmod 777 "$RUN/nginx/$sub"; done
    chmod 755 "$RUN" "$RUN/nginx"  # nginx's workers may run as another user
    site_conf "$LISTEN" "${PORTS[@]}" >"$RUN/nginx/site.conf"
    cat >"$RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $RUN/nginx/body;
    proxy_temp_path $RUN/nginx/proxy;
    fastcgi_temp_path $RUN/nginx/fastcgi;
    uwsgi_temp_path $RUN/nginx/uwsgi;
    scgi_temp_path $RUN/nginx/scgi;
    include $RUN/nginx/site.conf;
}
EOF
    "$NGINX" -q -t -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/nginx/nginx.conf" || abort "${started[@]}"
    "$NGINX" -p "$RUN/nginx" -e "$RUN/nginx/error.log" -c "$RUN/nginx/nginx.conf" || abort "${started[@]}"
    for _ in $(seq 40); do [[ -s "$RUN/nginx/nginx.pid" ]] && break; sleep 0.05; done
    wait_healthy "$(proxy_addr)" "$RUN/nginx/nginx.pid" nginx "$RUN/nginx/error.log" || abort "${started[@]}"
  fi
  echo "http://$(proxy_addr)/ (replicas: ${PORTS[*]}; run directory $RUN)"
}

stop_pid() { # stop_pid PIDFILE: SIGTERM to its process group, SIGKILL after 15 s
  local f="$1" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

abort() { # abort PORT... [nginx]: stop what this `start` started, then fail
  for p in "$@"; do
    if [[ "$p" == nginx ]]; then stop_pid "$RUN/nginx/nginx.pid"; else stop_pid "$RUN/replica-$p.pid"; fi
  done
  exit 1
}

stop() {
  [[ -d "$RUN" ]] || return 0
  stop_pid "$RUN/nginx/nginx.pid"
  for f in "$RUN"/replica-*.pid; do [[ -e "$f" ]] && stop_pid "$f"; done
  return 0
}

status() {
  local f pid port rss
  for f in "$RUN"/replica-*.pid "$RUN/nginx/nginx.pid"; do
    [[ -e "$f" ]] || continue
    pid="$(cat "$f")"
    port="$(basename "$f" .pid)"
    rss="$(awk '/^VmRSS:/ { printf "%.0f MB", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo "-")"
    if kill -0 "$pid" 2>/dev/null; then echo "$port pid $pid alive, rss ${rss:--}"; else echo "$port pid $pid dead"; fi
  done
  if healthy "$(proxy_addr)"; then echo "proxy http://$(proxy_addr)/ healthy"; else echo "proxy http://$(proxy_addr)/ not answering"; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  conf) site_conf "$LISTEN" "${PORTS[@]}" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
