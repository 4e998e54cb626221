#!/usr/bin/env bash
# Online requests at scale on a two-TaskManager Flink session cluster on this machine: N generated
# questions against the simulated teacher (its own JVM, 5 ms latency), then a re-run of the same
# dataset from the journal and a refresh with 1% new inputs. Prints one JSON line per phase:
# wall time, rows/s, CPU seconds of every process (launcher, JobManager, TaskManagers), peak heap
# of each TaskManager (Flink's metrics, sampled every second), peak RSS of each process, the
# teacher's request count (0 lost, 0 paid twice is checked here) and journal bytes read.
# Usage: bench/cluster-scale.sh N [OUT]. A benchmark, not a test: 1M takes about 20 minutes.
# ORCASET_BENCH_MODE=batch sends the questions through the simulated Batch API instead, each
# TaskManager building, uploading and tracking its own files; then only the first phase runs.
# ORCASET_BENCH_KILL_AT=K kills one TaskManager with kill -9 once the teacher has answered K
# questions of the first phase (the cluster's restart strategy restarts the job on the other);
# then only the first phase runs, and the teacher's answered_twice is what the kill cost.
# ORCASET_BENCH_TASK_MANAGERS=1 runs both subtasks on one TaskManager (as after such a kill);
# ORCASET_BENCH_TM_MEMORY=SIZE sets the TaskManagers' process memory (default 2048m).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?number of requests}
out=$(realpath -m "${2:-out/bench-cluster-$n}")
rm -rf "$out" && mkdir -p "$out"
gen() { # gen FILE FROM TO
  python3 - "$@" <<'PY'
import json, sys
with open(sys.argv[1], "a") as f:
    for i in range(int(sys.argv[2]), int(sys.argv[3])):
        f.write(json.dumps({"inputs": f"Cluster question {i}: name {i % 97} prime numbers and say why.",
                            "targets": "x", "task_source": "NIv2",
                            "task_name": f"task{i % 1500}_primes", "template_type": "zs_opt"}) + "\n")
PY
}
gen "$out/in.jsonl" 0 "$n"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mode=${ORCASET_BENCH_MODE:-online}
teacher_extra=""
sim_heap=6g
if [ "$mode" = batch ]; then
  teacher_extra=", mode: batch, batch: {poll_seconds: 1, max_poll_seconds: 2}"
  sim_heap=12g # the simulated provider keeps every file in memory
fi
ORCASET_JAVA_OPTS="-Xmx$sim_heap" ./orcaset teacher-sim --port "$port" --latency-ms 5 > "$out/sim.log" 2>&1 &
sim=$!
cluster="$out/cluster"
trap './orcaset flink-cluster stop --dir "$cluster" > /dev/null 2>&1 || true; kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "simulated teacher at" "$out/sim.log" 2>/dev/null && break
  sleep 0.3
done
./orcaset flink-cluster start --dir "$cluster" --task-managers "${ORCASET_BENCH_TASK_MANAGERS:-2}" \
  ${ORCASET_BENCH_TM_MEMORY:+--tm-memory "$ORCASET_BENCH_TM_MEMORY"} > "$out/cluster-start.log"
master=$(./orcaset flink-cluster address --dir "$cluster")
cat > "$out/run.yaml" <<EOF
input: {paths: [in.jsonl]}
output: {dir: out}
sampling: {enabled: false}
prompts: {dir: $PWD/system-prompts}
teacher: {provider: simulated, model: m, concurrency: 64, api_key_env: ORCASET_BENCH_KEY_NOT_SET$teacher_extra}
license: {policy: $PWD/config/licenses.yaml}
EOF

phase() { # phase NAME: one run of the same command, measured
  local name=$1
  python3 bench/cluster-sample.py "$cluster/cluster.json" "$master" "$out/$name.samples" &
  local sampler=$!
  local start end killer=""
  if [ -n "${ORCASET_BENCH_KILL_AT:-}" ]; then
    (
      until [ "$(curl -sf "http://127.0.0.1:$port/sim/stats" | sed -n 's/.*"answered":\([0-9]*\).*/\1/p')" -ge "$ORCASET_BENCH_KILL_AT" ] 2> /dev/null; do sleep 0.2; done
      victim=$(python3 -c 'import json,sys; print([p["pid"] for p in json.load(open(sys.argv[1]))["processes"] if p["name"] == "taskmanager-1"][0])' "$cluster/cluster.json")
      kill -9 "$victim" && echo "killed taskmanager-1 (pid $victim) at $ORCASET_BENCH_KILL_AT answers" > "$out/$name.kill"
    ) &
    killer=$!
  fi
  start=$(date +%s.%N)
  ORCASET_JAVA_OPTS="-Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" \
    /usr/bin/time -v -o "$out/$name.time" \
    ./orcaset run --config "$out/run.yaml" --teacher-url "http://127.0.0.1:$port/v1" \
    --flinkMaster="$master" --parallelism=2 > "$out/$name.log" 2>&1 \
    || { kill $sampler; echo "{\"phase\": \"$name\", \"failed\": \"see $out/$name.log\"}"; exit 1; }
  end=$(date +%s.%N)
  kill -INT $sampler; wait $sampler || true
  [ -n "$killer" ] && { kill $killer 2> /dev/null || true; cat "$out/$name.kill" 2> /dev/null || echo "no kill: the run ended first"; }
  python3 bench/cluster-sample.py --report "$out" "$name" "$start" "$end" "http://127.0.0.1:$port"
}
phase first
[ "$mode" = batch ] || [ -n "${ORCASET_BENCH_KILL_AT:-}" ] && exit 0
phase rerun
gen "$out/in.jsonl" "$n" $((n + n / 100))
phase refresh
