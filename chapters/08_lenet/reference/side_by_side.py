#!/usr/bin/env python3
"""Chapter 8's speed table: byotorch's `lenet bench` and PyTorch's bench_torch.py, side by
side in one run, on the same MNIST files, model, batch size, optimiser and thread count.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/08_lenet/reference/side_by_side.py \\
        --lenet build/lenet --epochs 3

For each (variant, batch size) and each thread count it runs byotorch, then PyTorch, then
prints one Markdown table: the median epoch time of each, their ratio, inference over the
10,000 test images, and peak memory. The machine's name and core count head the table.
The two programs take turns, so a noisy neighbour slows both alike.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

# The defaults of `lenet train` for each variant (chapter 8's README says why).
CONFIGS = [("classic", 128, "adam", 3e-3), ("modern", 64, "adam", 2e-3)]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run(cmd, env=None):
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def number(pattern, text, what):
    m = re.search(pattern, text, re.MULTILINE)
    if not m:
        sys.exit(f"could not find {what} in:\n{text}")
    return float(m.group(1))


def ours(lenet, variant, batch, threads, epochs, limit):
    cmd = [lenet, "bench", "--variant", variant, "--batch-size", str(batch),
           "--threads", str(threads), "--epochs", str(epochs)]
    if limit:
        cmd += ["--limit", str(limit)]
    out = run(cmd)
    row = "train epoch (median)" if epochs > 1 else "train epoch 1"
    return {
        "epoch": number(rf"^\s*{re.escape(row)}\s+([0-9.]+)", out, row),
        "inference": number(r"^\s*inference[^\n]*?\s([0-9.]+)\s+[0-9]+\s*$", out, "inference"),
        "memory": number(r"peak memory \(max RSS\): ([0-9.]+)", out, "peak memory"),
    }


def theirs(variant, batch, optimizer, lr, threads, epochs, limit):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    cmd = [sys.executable, os.path.join(HERE, "bench_torch.py"), "--variant", variant,
           "--batch-size", str(batch), "--threads", str(threads), "--epochs", str(epochs),
           "--optimizer", optimizer, "--lr", str(lr), "--json"]
    if limit:
        cmd += ["--limit", str(limit)]
    summary = json.loads(run(cmd, env).strip().splitlines()[-1])
    return {"epoch": summary["epoch_seconds_median"],
            "inference": summary["inference_seconds_median"],
            "memory": summary["peak_rss_mb"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lenet", default=os.path.join(ROOT, "build", "lenet"))
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per run (median)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--limit", type=int, default=0, help="first N training images")
    args = parser.parse_args()
    if not os.path.exists(args.lenet):
        sys.exit(f"{args.lenet} not found: build it with cmake --build build --target lenet")

    load_before = os.getloadavg()[0]
    rows = []
    for variant, batch, optimizer, lr in CONFIGS:
        for threads in [int(t) for t in args.threads.split(",")]:
            a = ours(args.lenet, variant, batch, threads, args.epochs, args.limit)
            b = theirs(variant, batch, optimizer, lr, threads, args.epochs, args.limit)
            rows.append((variant, batch, threads, a, b))
            print(f"{variant} batch {batch}, {threads} thread(s): byotorch {a['epoch']:.2f} s, "
                  f"PyTorch {b['epoch']:.2f} s per epoch", file=sys.stderr, flush=True)

    print(f"{cpu_model()}, nproc = {os.cpu_count()}; median of {args.epochs} epochs; "
          f"load average before the run: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}\n")
    print("| variant | batch | threads | byotorch s/epoch | PyTorch s/epoch | PyTorch / byotorch "
          "| byotorch inference s | PyTorch inference s | byotorch peak MiB | PyTorch peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for variant, batch, threads, a, b in rows:
        print(f"| {variant} | {batch} | {threads} | {a['epoch']:.2f} | {b['epoch']:.2f} | "
              f"{b['epoch'] / a['epoch']:.2f}× | {a['inference']:.3f} | {b['inference']:.3f} | "
              f"{a['memory']:.0f} | {b['memory']:.0f} |")


if __name__ == "__main__":
    main()
