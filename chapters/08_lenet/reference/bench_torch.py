#!/usr/bin/env python3
"""PyTorch's side of chapter 8's speed table: LeNet-5 trained and evaluated by PyTorch.

The same model (lenet_torch.LeNet5), batch size, thread count and optimiser as
`lenet bench`, on the same MNIST files. The images are loaded once into one float tensor,
as byotorch does, so both sides time the training step and not the file reader.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/08_lenet/reference/bench_torch.py \\
        --variant classic --batch-size 128 --threads 2 --epochs 3

Prints one line per epoch, then the median epoch time, the inference time over the test
set, the latency of one image, and (with --json) one JSON object with the medians. Debian's torch links a threaded
OpenBLAS; OPENBLAS_NUM_THREADS=1 stops it from fighting PyTorch's own threads.
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from lenet_torch import LeNet5, xavier_init


def read_idx(path, magic, dims):
    with open(path, "rb") as f:
        data = f.read()
    got = int.from_bytes(data[0:4], "big")
    if got != magic:
        sys.exit(f"{path}: not an IDX file with magic {magic:#x} (got {got:#x})")
    shape = [int.from_bytes(data[4 + 4 * d:8 + 4 * d], "big") for d in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"), 0x803, 3)
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"), 0x801, 1)
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return x.contiguous(), torch.from_numpy(labels.astype(np.int64))


def openblas_kernel():
    """What OpenBLAS says of itself: its build and the CPU kernels it chose. Debian's 0.3.21
    may not know a new CPU and fall back to slow SSE3 kernels unless OPENBLAS_CORETYPE names
    one; a comparison should say which it ran."""
    import ctypes
    try:  # the BLAS torch links (libblas.so.3), already loaded: the same copy it calls
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_config
    except (OSError, AttributeError):
        return "not OpenBLAS"
    lib.openblas_get_config.restype = ctypes.c_char_p
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return (f"{lib.openblas_get_config().decode()}, "
            f"kernels {lib.openblas_get_corename().decode()}")


def peak_rss_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=["classic", "modern"], default="classic")
    parser.add_argument("--data", default=os.path.join(here, "..", "..", "..", "data", "mnist"))
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="first N training images")
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="also print one JSON summary line")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    # As the lenet program does: denormal floats (below 1.2e-38, where Adam's and momentum's
    # state of weights without gradient decays) read and written as zero, not computed
    # slowly by microcode.
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "test")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]

    model = LeNet5(args.variant)
    xavier_init(model)
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=args.lr)

    n = x_train.shape[0]
    epoch_seconds = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(n)
        start = time.perf_counter()
        total_loss = 0.0
        for b in range(0, n, args.batch_size):
            idx = order[b:b + args.batch_size]
            xb, yb = x_train[idx], y_train[idx]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total_loss += loss.item() * idx.numel()
        seconds = time.perf_counter() - start
        epoch_seconds.append(seconds)
        accuracy, infer_seconds = evaluate(model, x_test, y_test, 1000)
        print(f"epoch {epoch}: train loss {total_loss / n:.4f}  test accuracy {accuracy:.4f}"
              f"  {seconds:.2f} s  {n / seconds:.0f} images/s", flush=True)

    accuracy, _ = evaluate(model, x_test, y_test, 1000)  # warm-up
    infer = [evaluate(model, x_test, y_test, 1000)[1] for _ in range(5)]
    latency = one_image_seconds(model, x_test[0:1], 200)
    summary = {
        "framework": "pytorch " + torch.__version__, "variant": args.variant,
        "batch_size": args.batch_size, "threads": args.threads, "images": n,
        "epoch_seconds_median": statistics.median(epoch_seconds),
        "epoch_seconds": epoch_seconds,
        "inference_seconds_median": statistics.median(infer),
        "latency_seconds_median": latency,
        "test_accuracy": accuracy, "peak_rss_mb": peak_rss_mb(),
        "openblas": openblas_kernel(),
    }
    print(f"median epoch {summary['epoch_seconds_median']:.2f} s; inference over "
          f"{x_test.shape[0]} test images {summary['inference_seconds_median']:.3f} s; "
          f"one image {1e6 * latency:.0f} µs; "
          f"peak RSS {summary['peak_rss_mb']:.0f} MB")
    if args.json:
        print(json.dumps(summary))


def evaluate(model, x, y, batch):
    model.eval()
    correct = 0
    start = time.perf_counter()
    with torch.no_grad():
        for b in range(0, x.shape[0], batch):
            correct += (model(x[b:b + batch]).argmax(1) == y[b:b + batch]).sum().item()
    return correct / x.shape[0], time.perf_counter() - start


def one_image_seconds(model, image, runs):
    """The latency `lenet predict` feels: one image through the model and a softmax, the
    median of `runs` timed passes after ten untimed ones, as `lenet bench` measures it."""
    model.eval()
    seconds = []
    with torch.no_grad():
        for run in range(-10, runs):
            start = time.perf_counter()
            F.softmax(model(image), 1)
            if run >= 0:
                seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


if __name__ == "__main__":
    main()
