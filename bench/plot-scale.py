#!/usr/bin/env python3
"""The README's scale plot from bench/cluster-scale.sh's JSON lines: time, CPU and peak TaskManager
heap against the number of requests, on log-log axes, as a self-contained SVG (no plotting
library needed).

  bench/plot-scale.py RESULTS.jsonl OUT.svg    RESULTS: one line per phase, each with "n"
"""
import json
import math
import sys

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
first = sorted((r for r in rows if r["phase"] == "first"), key=lambda r: r["n"])
rerun = {r["n"]: r for r in rows if r["phase"] == "rerun"}
series = [
    ("wall time, first run (s)", "#1f77b4", [(r["n"], r["wall_s"]) for r in first]),
    ("CPU, all processes, first run (s)", "#d62728",
     [(r["n"], sum(r["cpu_s"].values())) for r in first]),
    ("wall time, re-run from the journal (s)", "#2ca02c",
     [(n, rerun[n]["wall_s"]) for n in sorted(rerun)]),
    ("peak TaskManager heap (MiB)", "#9467bd",
     [(r["n"], max(r["peak_heap_mib_per_task_manager"])) for r in first]),
]
W, H, L, R, T, B = 840, 420, 70, 330, 30, 50
xs = [n for _, _, pts in series for n, _ in pts]
ys = [v for _, _, pts in series for _, v in pts]
x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
y1 = max(y1, y0 + 1)


def px(n):
    return L + (math.log10(n) - x0) / (x1 - x0) * (W - L - R)


def py(v):
    return H - B - (math.log10(v) - y0) / (y1 - y0) * (H - T - B)


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
       f'font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>']
for n in sorted(set(xs)):
    out.append(f'<text x="{px(n):.0f}" y="{H - B + 18}" text-anchor="middle">{n:,}</text>')
for e in range(y0, y1 + 1):
    y = py(10 ** e)
    out.append(f'<line x1="{L}" y1="{y:.0f}" x2="{W - R}" y2="{y:.0f}" stroke="#ddd"/>')
    out.append(f'<text x="{L - 6}" y="{y + 4:.0f}" text-anchor="end">{10 ** e:g}</text>')
out.append(f'<text x="{(L + W - R) / 2:.0f}" y="{H - 12}" text-anchor="middle">'
           'requests (online, 5 ms teacher, 2 TaskManagers)</text>')
for i, (label, color, pts) in enumerate(series):
    path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in pts)
    out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
    for n, v in pts:
        out.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" fill="{color}"/>')
    ly = T + 10 + i * 20
    out.append(f'<line x1="{W - R + 15}" y1="{ly}" x2="{W - R + 35}" y2="{ly}" stroke="{color}" '
               'stroke-width="2"/>')
    out.append(f'<text x="{W - R + 40}" y="{ly + 4}">{label}</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
