#!/bin/sh
# Runs N power-cut rounds (SIGKILL at random instants, see tests/power_cut.rs) and prints the counts:
# rounds, confirmed saves, lost answers, integrity and audit-chain failures. Exit status 0 only if nothing was lost
# and nothing was damaged.
#
#   scripts/power-cut.sh 1000          # about two seconds per round on two cores (debug build)
#   scripts/power-cut.sh 200 7         # another random stream (seed 7)
set -eu
rounds=${1:-1000}
seed=${2:-1}
case $rounds$seed in
    *[!0-9]*) echo "usage: $0 [ROUNDS] [SEED]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The rounds run a copy of the binary: a rebuild in this tree during a long run must not swap it mid-round.
cargo build --quiet --bin warden
cp target/debug/warden "$work/warden"
status=0
WARDEN_TEST_BINARY="$work/warden" WARDEN_POWER_CUT_ROUNDS=$rounds WARDEN_POWER_CUT_SEED=$seed \
    cargo test --test power_cut -- --ignored --nocapture --test-threads 1 \
    power_cut_rounds_from_the_environment >"$work/log" 2>&1 || status=$?
grep -E 'rounds [0-9]+ \||^round [0-9]+|panicked|^error' "$work/log" || tail -n 30 "$work/log"
exit $status
