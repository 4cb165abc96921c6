#!/usr/bin/env bash
# Runs every scenario of the library (and the built-in office day) through two spoolsim
# binaries and compares what they write, byte for byte: the text report, `--format json`,
# `--trace`, `--timeline` and `--plot`, and the exit code. A refactoring must leave all of them
# unchanged.
#
# usage: scripts/same-outputs.sh BEFORE_BINARY AFTER_BINARY [WORK_DIR]
set -u
before=${1:?usage: $0 BEFORE_BINARY AFTER_BINARY [WORK_DIR]}
after=${2:?usage: $0 BEFORE_BINARY AFTER_BINARY [WORK_DIR]}
work=${3:-$(mktemp -d)}
cd "$(dirname "$0")/.."

# run BINARY SIDE NAME [FILE]: every output of one scenario into $work/SIDE/NAME.*
run() {
    local bin=$1 side=$2 name=$3 file=${4:-}
    local out="$work/$side/$name"
    mkdir -p "$work/$side"
    "$bin" run $file > "$out.txt" 2>&1; echo "exit $?" >> "$out.txt"
    "$bin" run $file --format json > "$out.json" 2>/dev/null
    "$bin" run $file --trace "$out.jsonl" --timeline "$out.timeline.json" \
        --plot "$out.svg" > /dev/null 2>&1
}

names=(office-day)
run "$before" before office-day
run "$after" after office-day
for f in sim-scenarios/*.toml; do
    name=$(basename "$f" .toml)
    names+=("$name")
    run "$before" before "$name" "$f"
    run "$after" after "$name" "$f"
done

status=0
for name in "${names[@]}"; do
    for ext in txt json jsonl timeline.json svg; do
        if ! cmp -s "$work/before/$name.$ext" "$work/after/$name.$ext"; then
            echo "DIFFERENT: $name.$ext"
            status=1
        fi
    done
done
files=$(find "$work/after" -type f | wc -l)
if [ $status -eq 0 ]; then
    echo "same: ${#names[@]} scenarios, $files files byte-identical ($work)"
else
    echo "outputs differ ($work)"
fi
exit $status
