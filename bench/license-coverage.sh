#!/usr/bin/env bash
# Source-license coverage of a run whose inputs use the audit's task names as exports spell them:
# ROWS FLAN-shaped inputs (default 10,000) over all 633 task names of
# config/licenses/flan-source-licenses.tsv (each spelled one of several ways, plus a few names
# the audit does not list), answered by an Apache-2.0 teacher (Mistral 7B, served here by the
# simulated teacher), then the rows cleared against the rows whose source class is All.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
out=${2:-out/license-coverage}
rm -rf "$out"
mkdir -p "$out"
python3 - "$rows" "$out/in.jsonl" "$out/expected.json" <<'PY'
import json, random, re, sys
rows, path, expected_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
table = [l.rstrip("\n").split("\t") for l in open("config/licenses/flan-source-licenses.tsv")
         if not l.startswith("#") and not l.startswith("submix\t") and l.strip()]
rnd = random.Random(1)
def spell(r):
    submix, task, dataset = r[0], r[1], r[2]
    if submix == "Flan2021":
        bare = re.sub(r":[0-9.]+$", "", task)
        return rnd.choice([task, bare, bare.replace("/", "_"), dataset, dataset + "_10templates"])
    if submix == "NIv2" and task.startswith("task0"):
        return rnd.choice([task, "task" + task[4:].lstrip("0")])
    return rnd.choice([task, task + "_10templates"])
unlisted = [("NIv2", "task9000_not_in_the_audit"), ("T0", "p3_unlisted_template")]
cleared = 0
with open(path, "w") as f:
    for i in range(rows):
        if i % 100 == 99:
            submix, name, ok = *unlisted[(i // 100) % 2], False
        else:
            r = table[i % len(table)]
            submix, name = r[0], spell(r)
            ok = all(c.strip() == "All" for c in r[5].split(";"))
        cleared += ok
        words = " ".join(rnd.choice(["river", "stone", "paper", "violet", "engine", "quiet",
                                     "market", "lantern", "orbit", "meadow"]) + str(rnd.randrange(10**6))
                         for _ in range(14))
        f.write(json.dumps({"inputs": f"Question {i}: {words}", "targets": "yes",
                            "task_source": submix, "task_name": name,
                            "template_type": "zs_opt"}) + "\n")
json.dump({"rows": rows, "cleared": cleared}, open(expected_path, "w"))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./orcaset teacher-sim --port "$port" --latency-ms 0 > "$out/teacher-sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening\|http://" "$out/teacher-sim.log" 2>/dev/null && break; sleep 0.2; done
cat > "$out/run.yaml" <<YAML
input: {paths: [in.jsonl]}
output: {dir: out}
sampling: {enabled: false}
prompts: {dir: $(pwd)/system-prompts}
teacher: {provider: vllm, model: mistralai/Mistral-7B-Instruct-v0.3, auth_header: none, base_url: "http://127.0.0.1:$port/v1", concurrency: 64}
license: {policy: $(pwd)/config/licenses.yaml}
YAML
./orcaset run --config "$out/run.yaml" > "$out/run.log" 2>&1 || { tail -20 "$out/run.log"; exit 1; }
python3 - "$out/out/manifest.json" "$out/expected.json" <<'PY'
import json, sys
m, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c = m["source_coverage"]
cleared = m["samples_by_commercial_use"].get("true", 0)
print(f"rows {c['rows']}, reviewed source verdict {c['reviewed_rows']} ({100*c['reviewed_rows']/c['rows']:.1f}%), "
      f"unreviewed {c['unreviewed_rows']} in {len(c['unreviewed_tasks'])} task names "
      f"({', '.join(t['task_name'] for t in c['unreviewed_tasks'])})")
print(f"source datasets in the card {len(m['provenance'])}; rows cleared {cleared}, "
      f"rows whose source class is All {e['cleared']}: {'equal' if cleared == e['cleared'] else 'DIFFERENT'}")
sys.exit(0 if cleared == e["cleared"] else 1)
PY
