#!/usr/bin/env bash
# Services the test suite can use. SOURCED by scripts/test.sh (which runs `set -euo pipefail`):
# nothing here may exit the caller, and a second run must be fast (it reuses what is running).
#
# PostgreSQL: a throwaway cluster on 127.0.0.1:54329 (loopback only, data under /tmp), then
#   export THRUSTCOACH_TEST_POSTGRES_URL=postgresql+psycopg://...  (the `postgres` tests use it).
#   When that is impossible (no package, not root to install it, ...), it says why and leaves
#   the variable unset: the postgres-marked tests then skip.
#   Stop it with: tc_postgres_stop
# (The web engineer adds the Chromium part below, as its own functions.)

TC_PG_PORT=${TC_PG_PORT:-54329}
TC_PG_DIR=${TC_PG_DIR:-/tmp/thrustcoach-pg-$TC_PG_PORT}
TC_PG_DB=thrustcoach_test
TC_PG_PASSWORD=thrustcoach-test-only

_tc_log() { echo "services: $*" >&2; }

_tc_pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

_tc_pg_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _tc_log "PostgreSQL is not installed and I cannot install it (need root and apt-get)"
    return 1
  fi
  _tc_log "installing PostgreSQL (apt-get install postgresql)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } \
    >/tmp/thrustcoach-pg-install.log 2>&1 \
    || { _tc_log "apt-get install postgresql failed (see /tmp/thrustcoach-pg-install.log)"; return 1; }
}

# Run a command as the cluster owner: 'postgres' when we are root (initdb refuses root).
_tc_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_tc_pg_start() {
  local bin=$1
  if _tc_pg_as_owner "$bin/pg_ctl" -D "$TC_PG_DIR/data" status >/dev/null 2>&1; then
    return 0  # already running: the fast path
  fi
  if [ ! -f "$TC_PG_DIR/data/PG_VERSION" ]; then
    mkdir -p "$TC_PG_DIR" || return 1
    [ "$(id -u)" = 0 ] && chown postgres: "$TC_PG_DIR"
    printf '%s\n' "$TC_PG_PASSWORD" >"$TC_PG_DIR/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$TC_PG_DIR/pwfile"
    _tc_pg_as_owner "$bin/initdb" -D "$TC_PG_DIR/data" -U postgres --pwfile="$TC_PG_DIR/pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
      >"$TC_PG_DIR/initdb.log" 2>&1 \
      || { _tc_log "initdb failed (see $TC_PG_DIR/initdb.log)"; return 1; }
  fi
  _tc_pg_as_owner "$bin/pg_ctl" -D "$TC_PG_DIR/data" -l "$TC_PG_DIR/server.log" -w -t 30 \
    -o "-p $TC_PG_PORT -c listen_addresses=127.0.0.1 -k $TC_PG_DIR -c fsync=off" start \
    >/dev/null 2>&1 \
    || { _tc_log "PostgreSQL did not start (see $TC_PG_DIR/server.log)"; return 1; }
}

_tc_pg_create_db() {
  local bin=$1
  PGPASSWORD=$TC_PG_PASSWORD "$bin/psql" -h 127.0.0.1 -p "$TC_PG_PORT" -U postgres -d postgres \
    -tAc "SELECT 1 FROM pg_database WHERE datname = '$TC_PG_DB'" 2>/dev/null | grep -q 1 \
    && return 0
  PGPASSWORD=$TC_PG_PASSWORD "$bin/psql" -h 127.0.0.1 -p "$TC_PG_PORT" -U postgres -d postgres \
    -qc "CREATE DATABASE $TC_PG_DB" >/dev/null 2>&1 \
    || { _tc_log "could not create database $TC_PG_DB"; return 1; }
}

tc_postgres_setup() {
  if [ -n "${THRUSTCOACH_TEST_POSTGRES_URL:-}" ]; then return 0; fi
  local bin
  bin=$(_tc_pg_bindir) || { _tc_pg_install && bin=$(_tc_pg_bindir); } || {
    _tc_log "no PostgreSQL server binaries: postgres tests will skip"
    return 0
  }
  _tc_pg_start "$bin" && _tc_pg_create_db "$bin" || {
    _tc_log "PostgreSQL unavailable: postgres tests will skip"
    return 0
  }
  export THRUSTCOACH_TEST_POSTGRES_URL="postgresql+psycopg://postgres:$TC_PG_PASSWORD@127.0.0.1:$TC_PG_PORT/$TC_PG_DB"
  _tc_log "PostgreSQL test server on 127.0.0.1:$TC_PG_PORT"
}

tc_postgres_stop() {
  local bin
  bin=$(_tc_pg_bindir) || return 0
  _tc_pg_as_owner "$bin/pg_ctl" -D "$TC_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
}

tc_postgres_setup || true

# Chromium (web engineer): Debian's chromium for the end-to-end browser tests, driven by
# Playwright through its executable path (Playwright's own browser download is never used).
# Installs it with apt-get when root and missing, then exports THRUSTCOACH_CHROMIUM; without
# it the `browser`-marked tests skip.
tc_chromium_setup() {
  if [ -n "${THRUSTCOACH_CHROMIUM:-}" ] && [ -x "$THRUSTCOACH_CHROMIUM" ]; then return 0; fi
  local bin=/usr/bin/chromium
  if [ ! -x "$bin" ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      _tc_log "Chromium is not installed and I cannot install it (need root and apt-get): browser tests will skip"
      return 0
    fi
    _tc_log "installing Chromium (apt-get install chromium)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
      >/tmp/thrustcoach-chromium-install.log 2>&1 \
      || { _tc_log "apt-get install chromium failed (see /tmp/thrustcoach-chromium-install.log): browser tests will skip"; return 0; }
  fi
  [ -x "$bin" ] || return 0
  export THRUSTCOACH_CHROMIUM=$bin
  _tc_log "Chromium for browser tests: $bin"
}

tc_chromium_setup || true

# Speech (live coaching): `thrustcoach live --speak` speaks through pyttsx3, which on Linux
# needs the espeak-ng library and aplay. Installed with apt-get when root and missing; without
# them the voice test skips and --speak says what to install.
tc_speech_setup() {
  if ldconfig -p 2>/dev/null | grep -q "libespeak-ng.so.1" && command -v aplay >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _tc_log "espeak-ng is not installed and I cannot install it: the voice test will skip"
    return 0
  fi
  _tc_log "installing espeak-ng and alsa-utils (apt-get) for the live coaching voice"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libespeak-ng1 espeak-ng-data alsa-utils; } \
    >/tmp/thrustcoach-speech-install.log 2>&1 \
    || _tc_log "apt-get install espeak-ng failed (see /tmp/thrustcoach-speech-install.log): the voice test will skip"
}

tc_speech_setup || true
