#!/usr/bin/env python3
"""Draws the GEMM ladder as an SVG bar chart from ch07_bench's JSON output.

    ./build/chapters/07_im2col/ch07_bench --benchmark_filter='gemm/' \
        --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
        --benchmark_out=ladder.json --benchmark_out_format=json
    python3 chapters/07_im2col/tools/plot_ladder.py ladder.json chapters/07_im2col/ladder.svg

It also prints the Markdown table of the README. Only the standard library is used.
With repetitions, the medians are plotted; without, the single runs.
"""
import json
import sys
from collections import OrderedDict

RUNGS = ["naive", "loop_order", "blocked", "packed", "parallel", "dot", "openblas_1t",
         "openblas_2t"]
LABELS = {
    "naive": "naive (i-j-k)",
    "loop_order": "loop order (i-k-j)",
    "blocked": "cache blocked",
    "packed": "packed + SIMD, 1 thread",
    "parallel": "+ OpenMP, 2 threads",
    "dot": "dot products (Bᵀ), 1 thread",
    "openblas_1t": "OpenBLAS, 1 thread",
    "openblas_2t": "OpenBLAS, 2 threads",
}
COLOURS = {
    "naive": "#c9c9c9",
    "loop_order": "#a6bddb",
    "blocked": "#74a9cf",
    "packed": "#2b8cbe",
    "parallel": "#045a8d",
    "dot": "#41ab5d",
    "openblas_1t": "#fdae6b",
    "openblas_2t": "#e6550d",
}
PROBLEM_TITLES = {
    "256": "256 × 256 × 256",
    "512": "512 × 512 × 512",
    "1024": "1024 × 1024 × 1024",
    "lenet_conv1": "LeNet conv1: M=6, N=100352, K=25",
    "lenet_conv2": "LeNet conv2: M=16, N=12800, K=150",
    "lenet_conv2_1_image": "conv2, one image: M=16, N=100, K=150",
    "lenet_conv2_4_images": "conv2, four images: M=16, N=400, K=150",
    "lenet_fc1": "LeNet fc1: M=128, N=120, K=400 (Bᵀ)",
    "lenet_conv1_dW": "conv1 grad weight: M=6, N=25, K=100352 (Bᵀ)",
    "lenet_conv1_dcol": "conv1 grad col: M=25, N=100352, K=6 (Aᵀ)",
    "lenet_conv2_dW": "conv2 grad weight: M=16, N=150, K=12800 (Bᵀ)",
    "lenet_conv2_dcol": "conv2 grad col: M=150, N=12800, K=16 (Aᵀ)",
}


def load(path):
    """{problem: {rung: GFLOP/s}} in the benchmark's order."""
    with open(path) as f:
        data = json.load(f)
    results = OrderedDict()
    have_medians = any(b.get("aggregate_name") == "median" for b in data["benchmarks"])
    for bench in data["benchmarks"]:
        if have_medians and bench.get("aggregate_name") != "median":
            continue
        name = bench.get("run_name", bench["name"])
        parts = name.split("/")
        if len(parts) < 3 or parts[0] != "gemm":
            continue
        problem, rung = parts[1], parts[2]
        results.setdefault(problem, OrderedDict())[rung] = bench["GFLOP/s"]
    return results, data.get("context", {})


# The chart shows the square sizes and LeNet's forward GEMMs; the table shows everything.
CHART = ["256", "512", "1024", "lenet_conv1", "lenet_conv2", "lenet_fc1"]


def svg(results, context):
    results = OrderedDict((p, r) for p, r in results.items() if p in CHART)
    width, left, right = 820, 210, 70
    bar_h, gap, group_gap, title_h = 15, 3, 18, 18
    max_value = max(v for rungs in results.values() for v in rungs.values())
    scale = (width - left - right) / max_value
    rows = []
    y = 50
    for problem, rungs in results.items():
        rows.append(f'<text x="10" y="{y + 12}" class="group">'
                    f'{PROBLEM_TITLES.get(problem, problem)}</text>')
        y += title_h
        for rung in RUNGS:
            if rung not in rungs:
                continue
            value = rungs[rung]
            w = max(1.0, value * scale)
            rows.append(f'<text x="{left - 6}" y="{y + 11}" class="label">{LABELS[rung]}</text>')
            rows.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                        f'fill="{COLOURS[rung]}"/>')
            rows.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}" class="value">'
                        f'{value:.1f}</text>')
            y += bar_h + gap
        y += group_gap
    cpu = context.get("num_cpus", "?")
    mhz = context.get("mhz_per_cpu", "?")
    header = (f'<text x="10" y="22" class="title">GEMM GFLOP/s, the ladder of chapter 7 '
              f'(longer is faster)</text>'
              f'<text x="10" y="38" class="note">{cpu} CPUs at {mhz} MHz; median of the '
              f'runs in the JSON; 1-thread rows in CPU time, threaded rows in wall time</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 10}" '
            f'viewBox="0 0 {width} {y + 10}" font-family="sans-serif">'
            '<style>.title{font-size:15px;font-weight:bold}.note{font-size:11px;fill:#555}'
            '.group{font-size:13px;font-weight:bold}.label{font-size:11px;text-anchor:end}'
            '.value{font-size:11px}</style>'
            f'<rect width="100%" height="100%" fill="white"/>{header}{"".join(rows)}</svg>\n')


def table(results):
    present = [r for r in RUNGS if any(r in rungs for rungs in results.values())]
    lines = ["| problem | " + " | ".join(LABELS[r] for r in present) + " |",
             "|---|" + "---:|" * len(present)]
    for problem, rungs in results.items():
        cells = [f"{rungs[r]:.1f}" if r in rungs else "—" for r in present]
        lines.append(f"| {PROBLEM_TITLES.get(problem, problem)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    results, context = load(sys.argv[1])
    if not results:
        sys.exit("no gemm/ benchmarks with a GFLOP/s counter in " + sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(svg(results, context))
    print(table(results))


if __name__ == "__main__":
    main()
