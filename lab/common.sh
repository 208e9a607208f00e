# Sourced by lab/services/*/up.sh: small helpers shared by every service.
set -euo pipefail

# env KEY VALUE: publish a lab fact for the tests (LEAKWATCH_LAB_ prefix added).
env_out() { echo "LEAKWATCH_LAB_$1=$2" >>"$LAB_ENV_OUT"; }

# bg CMD...: start a server in the background, record its PID.
bg() { "$@" >>"$LAB_DATA/server.log" 2>&1 & echo $! >>"$LAB_PIDS"; }

# wait_port HOST PORT [SECONDS]: wait until a TCP port accepts.
wait_port() {
	local i
	for ((i = 0; i < ${3:-60} * 10; i++)); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "timeout waiting for $1:$2" >&2
	return 1
}

# wait_for SECONDS CMD...: retry CMD until it succeeds.
wait_for() {
	local n=$1 i; shift
	for ((i = 0; i < n * 5; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
	echo "timeout: $*" >&2
	return 1
}
