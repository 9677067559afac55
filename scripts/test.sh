#!/usr/bin/env bash
# Runs Kura's whole test suite on a fresh machine: installs what it needs (Debian packages, PyPI test
# oracles), starts a private PostgreSQL on 127.0.0.1 for the storage conformance suite, builds once,
# runs every test, and stops PostgreSQL again. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in libsqlite3-dev postgresql openssl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
    echo "test.sh: installing ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Independent implementations the interop tests check Kura against.
python3 -m pip install -q --disable-pip-version-check "joserfc==1.6.5" "http-message-signatures==3.0.0" cryptography requests >/dev/null

export PGPORT=${PGPORT:-55432}
eval "$(scripts/postgres-test-server.sh start)"
trap 'scripts/postgres-test-server.sh stop || true' EXIT

swift build --build-tests
swift test --skip-build "$@"
