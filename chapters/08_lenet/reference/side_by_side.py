#!/usr/bin/env python3
"""Chapter 8's speed table: byotorch's `lenet bench` against PyTorch's bench_torch.py (and,
if asked, dlib's bench_dlib), in interleaved rounds on the same MNIST files, model, batch
size, optimiser and thread count.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/08_lenet/reference/side_by_side.py \\
        --lenet build/lenet --rounds 3 --epochs 2

A shared machine is noisy: the same program can take 30% longer a minute later. So one
run of each proves nothing; instead every round runs every configuration once, byotorch
then PyTorch, and the table quotes the median of the per-round ratios with their range.
A round's two runs are seconds apart, so a noisy neighbour slows both alike.

--busy runs a CPU-bound process beside every run: it shows whether two threads still beat
one when a core is taken. The CPU, the core count and the kernels Debian's OpenBLAS chose
(PyTorch's BLAS) head the table; --openblas-coretype forces them (default: the best this
CPU has, since OpenBLAS 0.3.21 may not recognise a new CPU and fall back to SSE3).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

# The defaults of `lenet train` for each variant (chapter 8's README says why).
CONFIGS = [("classic", 128, "adam", 3e-3), ("modern", 64, "adam", 2e-3)]
# The targets, as byotorch's time over PyTorch's: training per thread count, inference.
TRAIN_TARGET = {1: 0.35, 2: 0.25}
INFERENCE_TARGET = 0.3


def cpu_flags_and_model():
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                if model != "unknown CPU" and flags:
                    break
    except OSError:
        pass
    return model, flags


def simd(flags):
    return "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"


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
        "latency": number(r"^\s*one test image[^\n]*?\s([0-9.]+)\s+[0-9]+\s*$", out, "latency"),
        "memory": number(r"peak memory \(max RSS\): ([0-9.]+)", out, "peak memory"),
    }


def theirs(variant, batch, optimizer, lr, threads, epochs, limit, env):
    cmd = [sys.executable, os.path.join(HERE, "bench_torch.py"), "--variant", variant,
           "--batch-size", str(batch), "--threads", str(threads), "--epochs", str(epochs),
           "--optimizer", optimizer, "--lr", str(lr), "--json"]
    if limit:
        cmd += ["--limit", str(limit)]
    s = json.loads(run(cmd, env).strip().splitlines()[-1])
    return {"epoch": s["epoch_seconds_median"], "inference": s["inference_seconds_median"],
            "latency": s["latency_seconds_median"], "memory": s["peak_rss_mb"],
            "openblas": s["openblas"]}


def dlib(bench_dlib, epochs, limit, env):
    cmd = [bench_dlib, "--epochs", str(epochs), "--threads", "1", "--json"]
    if limit:
        cmd += ["--limit", str(limit)]
    s = json.loads(run(cmd, env).strip().splitlines()[-1])
    return {"epoch": s["epoch_seconds_median"], "inference": s["inference_seconds_median"]}


def spread(values, digits=2, unit=""):
    """'median (min–max)', or just the value for one round."""
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f}{unit}"
    return f"{med:.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lenet", default=os.path.join(ROOT, "build", "lenet"))
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per run (median)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--variants", default="classic,modern")
    parser.add_argument("--limit", type=int, default=0, help="first N training images")
    parser.add_argument("--busy", action="store_true",
                        help="run one CPU-bound process beside every run")
    parser.add_argument("--openblas-coretype", default="auto",
                        help="OPENBLAS_CORETYPE for PyTorch's BLAS: auto (SkylakeX with "
                             "AVX-512, Haswell with AVX2), none (let it detect), or a name")
    parser.add_argument("--dlib", default="",
                        help="bench_dlib program: add dlib's LeNet (1 thread) to every round")
    args = parser.parse_args()
    for program in [args.lenet] + ([args.dlib] if args.dlib else []):
        if not os.path.exists(program):
            sys.exit(f"{program} not found: build it first (cmake --build build)")
    if args.rounds < 1 or args.epochs < 1:
        sys.exit("--rounds and --epochs must be at least 1")

    model, flags = cpu_flags_and_model()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    coretype = args.openblas_coretype
    if coretype == "auto":
        coretype = {"AVX-512": "SkylakeX", "AVX2": "Haswell"}.get(simd(flags), "none")
    if coretype != "none":
        env["OPENBLAS_CORETYPE"] = coretype
    threads = [int(t) for t in args.threads.split(",")]
    configs = [c for c in CONFIGS if c[0] in args.variants.split(",")]

    hog = None
    if args.busy:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    load_before = os.getloadavg()[0]
    results = {}  # (variant, threads) -> list of (ours, theirs) per round
    dlib_rounds = []
    openblas = "?"
    try:
        for r in range(args.rounds):
            for variant, batch, optimizer, lr in configs:
                for t in threads:
                    a = ours(args.lenet, variant, batch, t, args.epochs, args.limit)
                    b = theirs(variant, batch, optimizer, lr, t, args.epochs, args.limit, env)
                    openblas = b["openblas"]
                    results.setdefault((variant, t), []).append((a, b))
                    print(f"round {r + 1}: {variant} batch {batch}, {t} thread(s): byotorch "
                          f"{a['epoch']:.2f} s, PyTorch {b['epoch']:.2f} s per epoch",
                          file=sys.stderr, flush=True)
                    if args.dlib and variant == "classic" and t == 1:
                        d = dlib(args.dlib, args.epochs, args.limit, env)
                        dlib_rounds.append((a, d))
                        print(f"round {r + 1}: dlib {d['epoch']:.2f} s per epoch",
                              file=sys.stderr, flush=True)
    finally:
        if hog:
            hog.kill()

    print(f"{model} ({simd(flags)}), nproc = {os.cpu_count()}"
          f"{', one CPU-bound process beside every run' if args.busy else ''}; "
          f"{args.rounds} interleaved rounds of {args.epochs} epoch(s) each"
          f"{f' on {args.limit} images' if args.limit else ''}; load average before: "
          f"{load_before:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(f"PyTorch's BLAS: {openblas}"
          f"{f' (OPENBLAS_CORETYPE={coretype})' if coretype != 'none' else ''}\n")
    print("Seconds per epoch and ratios: median of the rounds (lowest–highest). "
          "Ratio = byotorch's time ÷ PyTorch's: below 1 is faster.\n")
    print("| variant | batch | threads | byotorch s/epoch | PyTorch s/epoch | ratio (target) "
          "| inference ratio (target) | one image µs, byotorch / PyTorch "
          "| peak MiB, byotorch / PyTorch |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for variant, batch, _, _ in configs:
        for t in threads:
            rounds = results[(variant, t)]
            train = [a["epoch"] / b["epoch"] for a, b in rounds]
            infer = [a["inference"] / b["inference"] for a, b in rounds]
            target = TRAIN_TARGET.get(t)
            met = lambda ratio, goal: (f" ≤ {goal} {'met' if ratio <= goal else 'NOT met'}"
                                       if goal else "")
            latency = (statistics.median(a["latency"] for a, _ in rounds) * 1e6,
                       statistics.median(b["latency"] for _, b in rounds) * 1e6)
            print(f"| {variant} | {batch} | {t} | {spread([a['epoch'] for a, _ in rounds])} | "
                  f"{spread([b['epoch'] for _, b in rounds])} | "
                  f"{spread(train, 3)}"
                  f"{met(statistics.median(train), None if args.busy else target)} | "
                  f"{spread(infer, 3)}"
                  f"{met(statistics.median(infer), None if args.busy else INFERENCE_TARGET)} | "
                  f"{latency[0]:.0f} / {latency[1]:.0f} | "
                  f"{statistics.median(a['memory'] for a, _ in rounds):.0f} / "
                  f"{statistics.median(b['memory'] for _, b in rounds):.0f} |")
    if args.busy and len(threads) > 1:
        print("\nOn the busy machine, seconds per epoch with the most threads over one thread "
              "(at most 1 means more threads never hurt):\n")
        print("| variant | byotorch | PyTorch |")
        print("|---|---:|---:|")
        lo, hi = min(threads), max(threads)
        for variant, _, _, _ in configs:
            many, one = results[(variant, hi)], results[(variant, lo)]
            ratio = lambda who: [m[who]["epoch"] / o[who]["epoch"] for m, o in zip(many, one)]
            print(f"| {variant} | {spread(ratio(0))} | {spread(ratio(1))} |")
    if dlib_rounds:
        print("\nSecond reference: dlib 19's LeNet (bench_dlib, SGD, batch 128, 1 thread) "
              "against byotorch's classic LeNet-5 on 1 thread:\n")
        print("| byotorch s/epoch | dlib s/epoch | ratio | byotorch inference s "
              "| dlib inference s |")
        print("|---:|---:|---:|---:|---:|")
        print(f"| {spread([a['epoch'] for a, _ in dlib_rounds])} | "
              f"{spread([d['epoch'] for _, d in dlib_rounds])} | "
              f"{spread([a['epoch'] / d['epoch'] for a, d in dlib_rounds])} | "
              f"{spread([a['inference'] for a, _ in dlib_rounds], 3)} | "
              f"{spread([d['inference'] for _, d in dlib_rounds], 3)} |")


if __name__ == "__main__":
    main()
