#!/usr/bin/env bash
# All tests: starts the lab's real servers, checks formatting and vet, runs
# every Go test against the lab, then a short fuzzing pass. `make test` and
# .ci/run call exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=${GOFLAGS:--buildvcs=false}

echo "== lab"
lab/lab.sh up

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change: $bad"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== go test"
# -json feeds a summary that prints each failure's output and every skipped
# test with its reason (a lab server that did not start shows up here).
set +e
go test -count=1 -timeout 20m -json ./... | python3 scripts/testsummary.py
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || { echo "go test failed ($rc)"; exit "$rc"; }

if [ -x scripts/fuzz.sh ]; then
	echo "== fuzz (short)"
	FUZZTIME=${FUZZTIME:-2s} scripts/fuzz.sh
fi
echo "== all tests passed"
