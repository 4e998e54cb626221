#!/usr/bin/env bash
# Batch mode at scale: N generated questions through the simulated teacher's Batch API (in its own
# JVM, which keeps every file in memory), the run itself in a 1 GiB heap on the default engine
# (Flink in-process). Prints one Markdown row: requests, files, wall time, CPU, peak RSS, rows.
# Usage: bench/batch-scale.sh N [OUT]. 1M takes about 15 minutes on two cores (a benchmark, not a
# test: run it on a quiet machine).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?number of requests}
out=${2:-out/bench-batch-$n}
rm -rf "$out" && mkdir -p "$out"
python3 - "$out/in.jsonl" "$n" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        f.write(json.dumps({"inputs": f"Batch question {i}: name {i % 97} prime numbers and say why.",
                            "targets": "x", "task_source": "NIv2",
                            "task_name": f"task{i % 1500}_primes", "template_type": "zs_opt"}) + "\n")
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ORCASET_JAVA_OPTS="-Xmx12g" ./orcaset teacher-sim --port "$port" > "$out/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "simulated teacher at" "$out/sim.log" 2>/dev/null && break
  sleep 0.3
done
cat > "$out/run.yaml" <<EOF
input: {paths: [in.jsonl]}
output: {dir: out}
sampling: {enabled: false}
prompts: {dir: $PWD/system-prompts}
teacher: {provider: simulated, model: test-batch, mode: batch, api_key_env: ORCASET_BENCH_KEY_NOT_SET, batch: {poll_seconds: 1, max_poll_seconds: 2}}
license: {policy: $PWD/config/licenses.yaml}
EOF
start=$(date +%s.%N)
ORCASET_JAVA_OPTS="-Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
  /usr/bin/time -v -o "$out/time.txt" \
  ./orcaset run --config "$out/run.yaml" --teacher-url "http://127.0.0.1:$port/v1" > "$out/run.log" 2>&1 \
  || { echo "| $n | failed (exit $?), see $out/run.log |"; exit 1; }
end=$(date +%s.%N)
python3 - "$out" "$n" "$start" "$end" <<'PY'
import json, re, sys, glob
out, n, start, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
t = open(f"{out}/time.txt").read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + \
      float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
m = json.load(open(f"{out}/out/manifest.json"))
files = len(glob.glob(f"{out}/out/.journal/batches/*.json"))
samples = m["counts"]["samples"]
print(f"| {n:,} | {files} | {end - start:.0f} s | {cpu:.0f} CPU s ({1000 * cpu / n:.2f} per 1,000) "
      f"| {rss:.0f} MiB | {samples:,} rows, balanced: {m['accounting']['balanced']} "
      f"| `bench/batch-scale.sh {n}` |")
PY
