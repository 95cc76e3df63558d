#!/usr/bin/env python3
"""Times one LeNet-5 training step in PyTorch: the reference for ch07_bench's lenet_step.

The same model, batch and optimizer as chapters/07_im2col/bench_lenet_step.cpp: classic
(sigmoid, average pooling) at batch 128 and modern (ReLU, max pooling) at batch 64, SGD
with momentum 0.9, random images and labels. Prints the median of 5 repetitions of the
mean step time over 50 steps, for 1 and 2 threads.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/07_im2col/tools/torch_lenet_step.py
"""
import statistics
import time

import torch
from torch import nn


def lenet(modern):
    act = nn.ReLU if modern else nn.Sigmoid
    pool = nn.MaxPool2d if modern else nn.AvgPool2d
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), act(), pool(2),
        nn.Conv2d(6, 16, 5), act(), pool(2), nn.Flatten(),
        nn.Linear(400, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))


def time_step(modern, batch, threads, steps=50, repetitions=5):
    torch.set_num_threads(threads)
    torch.manual_seed(5)
    model = lenet(modern)
    images = torch.randn(batch, 1, 28, 28)
    labels = torch.randint(0, 10, (batch,))
    sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        sgd.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        sgd.step()

    for _ in range(5):
        step()
    means = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        means.append((time.perf_counter() - start) / steps)
    return statistics.median(means)


def main():
    print(f"torch {torch.__version__}")
    for modern, batch in ((False, 128), (True, 64)):
        for threads in (1, 2):
            ms = time_step(modern, batch, threads) * 1e3
            name = "modern" if modern else "classic"
            print(f"lenet_step/{name}/batch:{batch}/threads:{threads}  {ms:.2f} ms")


if __name__ == "__main__":
    main()
