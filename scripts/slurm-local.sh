#!/usr/bin/env bash
# Runs a sharded sweep on a real one-node Slurm cluster stood up on this machine, and checks
# that the merged result is byte for byte the unsharded sweep.
#
#   sudo scripts/slurm-local.sh [SCENARIO] [SEEDS] [TASKS]
#   (defaults: sim-scenarios/soak-faults.toml 1..400 4)
#
# It needs root and Debian's packages (`apt-get install -y slurm-wlm munge`; with
# INSTALL=1 it installs them itself). It starts munged, slurmctld and slurmd on this host
# with their keys, state, logs and sockets under a temporary folder and on ports of their own
# (SLURM_LOCAL_PORT and the next one, default 16817), submits deploy/slurm/sweep.sbatch as a
# job array of TASKS tasks and deploy/slurm/merge.sbatch after it, exactly as
# deploy/README.md says, waits, compares, and on any exit cancels its jobs and stops the
# daemons it started, by their process ids. SPOOLSIM names the binary (default: the release
# build, built when missing). Exit 0: identical; 1: a check failed; 77: no cluster could be
# stood up here (not root, packages missing, a daemon that does not come up).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
scenario=$(realpath "${1:-$repo/sim-scenarios/soak-faults.toml}")
seeds=${2:-1..400}
tasks=${3:-4}
port=${SLURM_LOCAL_PORT:-16817}
started=$(date +%s.%N)

say() { printf '[slurm-local] %s\n' "$*"; }
fail() { printf '[slurm-local] FAILED: %s\n' "$*" >&2; exit 1; }
no_cluster() { printf '[slurm-local] no cluster: %s\n' "$*" >&2; exit 77; }

[ "$(id -u)" -eq 0 ] || no_cluster "run as root: slurmd and munged start as root here"
if [ "${INSTALL:-0}" = 1 ] && ! command -v slurmctld >/dev/null; then
    say "installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
for tool in munged mungekey slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$tool" >/dev/null || no_cluster "$tool is missing: apt-get install -y slurm-wlm munge"
done

spoolsim=${SPOOLSIM:-$repo/target/release/spoolsim}
if [ ! -x "$spoolsim" ]; then
    say "building $spoolsim"
    (cd "$repo" && cargo build --release --locked --bin spoolsim)
fi
spoolsim=$(realpath "$spoolsim")

work=$(mktemp -d /tmp/spoolsim-slurm.XXXXXX)
chmod 700 "$work"
pids=()
jobs_submitted=()
cleanup() {
    local status=$?
    set +e
    if [ "$status" -ne 0 ]; then
        for job in "${jobs_submitted[@]}"; do
            SLURM_CONF="$work/slurm.conf" scancel "$job" 2>/dev/null
        done
    fi
    # Stop the daemons in the reverse order of their start, each by its own pid.
    for ((k = ${#pids[@]} - 1; k >= 0; k--)); do
        kill "${pids[k]}" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$status" -ne 0 ]; then
        for log in "$work"/*.log; do
            [ -f "$log" ] && { echo "--- $log (last lines)"; tail -n 15 "$log"; }
        done >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge: a fresh key, and a socket of our own so a system munged is left alone.
mkdir -p "$work/munge"
chmod 700 "$work/munge"
mungekey --create --keyfile="$work/munge/munge.key" >/dev/null
chmod 400 "$work/munge/munge.key"
munged --foreground --force \
    --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
    --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
    --log-file="$work/munged.log" >"$work/munged.out.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || no_cluster "munged did not start"

host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
mkdir -p "$work/state" "$work/spool" "$work/out"
cat >"$work/slurm.conf" <<EOF
ClusterName=spoolsim-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$work/slurmd.out.log" 2>&1 &
pids+=($!)
say "munged, slurmctld and slurmd started (pids ${pids[*]}), state in $work"
for _ in $(seq 100); do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || no_cluster "the node did not come up (state: ${state:-no answer})"
say "cluster up: $(sinfo -h -o '%P %D %t %c')"

# The sweep, exactly as deploy/README.md submits it.
export SCENARIO=$scenario SEEDS=$seeds OUT=$work/out SPOOLSIM_SHARDS=$tasks SPOOLSIM=$spoolsim
cd "$work"
job=$(sbatch --parsable --array=1-"$tasks" "$repo/deploy/slurm/sweep.sbatch")
jobs_submitted+=("$job")
say "submitted array job $job: $tasks tasks over seeds $seeds of $(basename "$scenario")"
merge_status=0
# If a task fails, the merge's dependency can never hold and Slurm cancels it
# (kill_invalid_depend), so this wait ends; the timeout bounds everything else.
merge=$(timeout "${SLURM_LOCAL_TIMEOUT:-1800}" sbatch --parsable --dependency=afterok:"$job" \
    --wait "$repo/deploy/slurm/merge.sbatch") || merge_status=$?
jobs_submitted+=("${merge%%;*}")
for shard in "$OUT"/shard-*-of-"$tasks".json; do
    [ -f "$shard" ] && say "  task wrote $(basename "$shard")"
done
[ -f "$OUT/sweep.json" ] || fail "the merge job wrote nothing (exit $merge_status)"
say "merge job ${merge%%;*} exited $merge_status: $(tail -n 1 "$OUT/sweep.txt")"

# The unsharded sweep, on this machine, for comparison.
status=0
"$spoolsim" sweep "$SCENARIO" --seeds "$SEEDS" --format json >"$work/whole.json" 2>/dev/null ||
    status=$?
"$spoolsim" sweep "$SCENARIO" --seeds "$SEEDS" >"$work/whole.txt" 2>/dev/null || true
[ "$status" -le 1 ] || fail "the unsharded sweep failed (exit $status)"
[ "$status" -eq "$merge_status" ] || fail "exit codes differ: merge $merge_status, sweep $status"
cmp "$work/whole.json" "$OUT/sweep.json" || fail "the merged JSON differs from the unsharded sweep"
cmp "$work/whole.txt" "$OUT/sweep.txt" || fail "the merged text differs from the unsharded sweep"
say "PASS: merged output of $tasks array tasks is byte-identical to the unsharded sweep" \
    "($(wc -c <"$OUT/sweep.json") bytes of JSON, $(wc -c <"$OUT/sweep.txt") of text)"
say "wall time $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
