#!/usr/bin/env python3
"""Samples a Flink session cluster's processes while a run is on it (for bench/cluster-scale.sh).

  cluster-sample.py CLUSTER_JSON MASTER SAMPLES   every second until SIGINT: each process's RSS
                                                  and CPU ticks, each TaskManager's heap in use
  cluster-sample.py --report OUT PHASE START END SIM_URL   one JSON line for the phase
"""
import json
import os
import re
import signal
import sys
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def proc(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    return cpu, rss


def rest(master, path):
    with urllib.request.urlopen(f"http://{master}{path}", timeout=5) as r:
        return json.load(r)


def sample(cluster_json, master, samples):
    procs = {p["name"]: p["pid"] for p in json.load(open(cluster_json))["processes"]}
    first, last, peak_rss, peak_heap = {}, {}, {}, {}
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        for name, pid in procs.items():
            try:
                cpu, rss = proc(pid)
            except OSError:
                continue
            first.setdefault(name, cpu)
            last[name] = cpu
            peak_rss[name] = max(peak_rss.get(name, 0), rss)
        try:
            for tm in rest(master, "/taskmanagers")["taskmanagers"]:
                m = rest(master, f"/taskmanagers/{tm['id']}/metrics?get=Status.JVM.Memory.Heap.Used")
                used = float(m[0]["value"]) / 2**20 if m else 0
                peak_heap[tm["id"]] = max(peak_heap.get(tm["id"], 0), used)
        except Exception:
            pass
        time.sleep(1)
    json.dump({"cpu_s": {k: last[k] - first[k] for k in last}, "peak_rss_mib": peak_rss,
               "peak_heap_mib": peak_heap}, open(samples, "w"))


def report(out, phase, start, end, sim_url):
    s = json.load(open(f"{out}/{phase}.samples"))
    t = open(f"{out}/{phase}.time").read()
    launcher_cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(
        re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
    launcher_rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    m = json.load(open(f"{out}/out/manifest.json"))
    sim = json.load(urllib.request.urlopen(f"{sim_url}/sim/stats", timeout=5))
    log = open(f"{out}/{phase}.log").read()
    journal = re.search(r"journal lookup read (.+?) of (.+?) \(([0-9.]+)%\)", log)
    snapshot = re.search(r"([\d,]+) answers taken from the previous snapshot, read (.+?) of its (.+)", log)
    wall = float(end) - float(start)
    rows = m["counts"]["samples"]
    cpu = {"launcher": round(launcher_cpu, 1), **{k: round(v, 1) for k, v in s["cpu_s"].items()}}
    sent = m["journal"]["questions_sent"]
    print(json.dumps({
        "phase": phase, "rows": rows, "sent": sent, "wall_s": round(wall, 1),
        "rows_per_s": round(rows / wall), "cpu_s": cpu,
        "cpu_s_per_1k_rows": round(1000 * sum(cpu.values()) / max(rows, 1), 2),
        "peak_rss_mib": {"launcher": round(launcher_rss), **{k: round(v) for k, v in s["peak_rss_mib"].items()}},
        "peak_heap_mib_per_task_manager": sorted(round(v) for v in s["peak_heap_mib"].values()),
        "balanced": m["accounting"]["balanced"],
        "teacher": sim,
        "journal_read": journal.group(0) if journal else None,
        "journal_read_percent": float(journal.group(3)) if journal else None,
        "snapshot_read": snapshot.group(0) if snapshot else None,
    }))


if __name__ == "__main__":
    if sys.argv[1] == "--report":
        report(*sys.argv[2:7])
    else:
        sample(*sys.argv[1:4])
