#!/usr/bin/env python3
"""Writes tests/05_nn_layers/data/nn_extra_reference.txt: BatchNorm, AdamW, RMSprop and the
CosineAnnealingLR / LinearLR schedules as torch computes them.

The file has chapter 4's reference format (chapters/04_operators/reference/make_reference.py:
`case`, then `<role> <name> <ndim> <sizes...> : <values...>` lines, then `end`), read by
tests/support/support/reference.h. tests/05_nn_layers/optim_extra_test.cpp replays every case.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/05_nn_layers/reference/make_nn_extra_reference.py

BatchNorm cases: one training step on x (output and the gradients of x, weight, bias for
grad_output g), two more training steps on x2 and x3, then the running statistics and the
evaluation-mode output on x.
Optimiser cases: minimise the fixed quadratic 0.5·Σ a·(p − c)² from p0; `after k` is p after
step k = 1..5.
Scheduler cases: `output lrs` is the lr at construction and after each of 20 step() calls.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "04_operators", "reference"))
from make_reference import line  # noqa: E402

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(1405)


def rand(*shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float32)


def batchnorm_case(name, layer, shape):
    c = shape[1]
    x, x2, x3 = rand(*shape, lo=-2.0, hi=3.0), rand(*shape), rand(*shape, lo=0.0, hi=4.0)
    lines = [f"case {name}", line("const", "x", x), line("const", "x2", x2),
             line("const", "x3", x3)]
    if layer.affine:
        with torch.no_grad():
            layer.weight.copy_(rand(c, lo=0.5, hi=1.5))
            layer.bias.copy_(rand(c))
        lines += [line("input", "weight", layer.weight), line("input", "bias", layer.bias)]
    layer.train()
    xin = x.clone().requires_grad_(True)
    out = layer(xin)
    g = rand(*out.shape)
    out.backward(g)
    lines += [line("grad_output", "g", g), line("output", "out", out),
              line("grad", "x", xin.grad)]
    if layer.affine:
        lines += [line("grad", "weight", layer.weight.grad), line("grad", "bias", layer.bias.grad)]
    layer(x2)
    layer(x3)
    lines += [line("running_mean", "running_mean", layer.running_mean),
              line("running_var", "running_var", layer.running_var),
              line("num_batches_tracked", "num_batches_tracked",
                   layer.num_batches_tracked.to(torch.float32))]
    layer.eval()
    lines += [line("eval_output", "out", layer(x)), "end"]
    return lines


OPTIMISERS = [
    ("adamw_default", lambda p: torch.optim.AdamW([p], lr=0.05)),
    ("adamw_betas_decay",
     lambda p: torch.optim.AdamW([p], lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("rmsprop_default", lambda p: torch.optim.RMSprop([p])),
    ("rmsprop_momentum_decay",
     lambda p: torch.optim.RMSprop([p], lr=0.02, alpha=0.9, momentum=0.5, weight_decay=0.05)),
    ("rmsprop_centered",
     lambda p: torch.optim.RMSprop([p], lr=0.01, momentum=0.9, centered=True, eps=1e-6)),
]


def optimiser_cases():
    a = rand(2, 3, lo=0.5, hi=3.0)
    c = rand(2, 3)
    p0 = rand(2, 3, lo=-2.0, hi=2.0)
    out = []
    for name, make in OPTIMISERS:
        p = p0.clone().requires_grad_(True)
        opt = make(p)
        lines = [f"case {name}", line("const", "a", a), line("const", "c", c),
                 line("const", "p0", p0)]
        for step in range(1, 6):
            opt.zero_grad()
            (0.5 * (a * (p - c) ** 2).sum()).backward()
            opt.step()
            lines.append(line("after", str(step), p))
        out += lines + ["end"]
    return out


SCHEDULERS = [
    ("cosine_t8", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.001)),
    ("cosine_t20", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20)),
    ("linear_warmup_default", lambda o: torch.optim.lr_scheduler.LinearLR(o)),
    ("linear_warmup_10", lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1,
                                                                       total_iters=10)),
    ("linear_decay", lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0,
                                                                   end_factor=0.2,
                                                                   total_iters=8)),
]


def scheduler_cases():
    out = []
    for name, make in SCHEDULERS:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = make(opt)
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(20):
            opt.step()
            sched.step()
            lrs.append(opt.param_groups[0]["lr"])
        out += [f"case {name}",
                "output lrs 1 %d : %s" % (len(lrs), " ".join("%.17g" % v for v in lrs)), "end"]
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, "..", "..", "..", "tests", "05_nn_layers", "data",
                            "nn_extra_reference.txt")
    lines = ["# Chapter 5 reference values (BatchNorm, AdamW, RMSprop, schedulers) from "
             "PyTorch %s." % torch.__version__,
             "# Made by chapters/05_nn_layers/reference/make_nn_extra_reference.py; do not edit."]
    lines += batchnorm_case("batchnorm1d", torch.nn.BatchNorm1d(3), (6, 3))
    lines += batchnorm_case("batchnorm1d_3d", torch.nn.BatchNorm1d(2), (4, 2, 3))
    lines += batchnorm_case("batchnorm2d", torch.nn.BatchNorm2d(3), (2, 3, 2, 3))
    lines += batchnorm_case("batchnorm2d_no_affine", torch.nn.BatchNorm2d(2, affine=False),
                            (3, 2, 2, 2))
    lines += optimiser_cases()
    lines += scheduler_cases()
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(out_path), file=sys.stderr)


if __name__ == "__main__":
    main()
