#!/usr/bin/env bash
# bench/identify.sh [identifybench flags]: identify every lab server
# (lab/run/lab.env: *_OPEN, *_AUTH, *_ODD) at once with all probes, as a scan
# would, and print identification time per service, OK/WRONG per service,
# then check that no probe claims another probe's server. Exit 1 on any
# WRONG row or extra claim. Needs the lab: lab/lab.sh up.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -s lab/run/lab.env ] || { echo "no lab/run/lab.env: start the lab with lab/lab.sh up" >&2; exit 2; }
work=$(mktemp -d /tmp/lw-identify-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/identifybench" ./bench/cmd/identifybench
"$work/identifybench" -env lab/run/lab.env "$@"
