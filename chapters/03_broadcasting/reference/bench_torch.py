"""PyTorch's numbers for the cases of ch03_bench, for the chapter README's side-by-side table.

Run:  OPENBLAS_NUM_THREADS=1 python3 chapters/03_broadcasting/reference/bench_torch.py

Each case: median over 5 runs of the CPU time per add (one thread), and the bytes the add
must move (inputs read once, output written once) divided by that time, as ch03_bench
reports them.
"""
import time

import torch

torch.set_num_threads(1)


def median_cpu_seconds(f, reps):
    times = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(reps):
            f()
        times.append((time.process_time() - start) / reps)
    return sorted(times)[2]


def main():
    print(f"torch {torch.__version__}, 1 thread")
    torch.manual_seed(0)
    for n, c, h, w in [(64, 16, 28, 28), (64, 64, 32, 32)]:
        a = torch.randn(n, c, h, w)
        b = torch.randn(n, c, h, w)
        bias = torch.randn(1, c, 1, 1)
        row = torch.randn(1, 1, 1, w)
        a_t = torch.randn(n, c, w, h).transpose(2, 3)
        floats = a.numel()
        cases = [
            ("AddContiguous", lambda: a + b, 3 * floats),
            ("AddBroadcastBias", lambda: a + bias, 2 * floats + c),
            ("AddBroadcastRow", lambda: a + row, 2 * floats + w),
            ("AddScalar", lambda: a + 1.0, 2 * floats),
            ("AddTransposed", lambda: a_t + b, 3 * floats),
            ("SumToBias", lambda: b.sum((0, 2, 3), keepdim=True), floats + c),
        ]
        reps = 40 if floats < 2_000_000 else 8
        for name, f, moved in cases:
            t = median_cpu_seconds(f, reps)
            gbs = moved * 4 / t / 2**30
            print(f"{name + f'/{n}/{c}/{h}/{w}':32} {t * 1e6:8.0f} us  {gbs:6.1f} GiB/s")


if __name__ == "__main__":
    main()
