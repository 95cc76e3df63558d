#!/usr/bin/env python3
"""Writes tests/05_nn_layers/data/optim_reference.txt: what torch.optim does on a fixed problem.

The problem: a linear layer y = x·wᵀ + b fitted to targets t with the mean squared error,
x (4, 3), w (2, 3), b (2), t (4, 2), all drawn once from a seeded generator and written to
the file. For each case (an optimiser with its settings, optionally with StepLR) the file
holds w and b after every one of STEPS steps; optim_test.cpp replays the same steps with
byo's autograd and optimisers and compares to float32 precision.

Run from the repository root (Debian's python3-torch 1.13 is what the checked-in file was
made with):

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/05_nn_layers/reference/make_optim_reference.py

The file is in the reference format of tests/support/support/reference.h, numbers in %.9g
(which a float32 survives exactly):

    case problem                                   the problem's data and initial w, b
    input <name> <ndim> <sizes...> : <values...>
    end
    case <name> <key>=<value> ...                  an optimiser and its settings
    after <w or b> <ndim> <sizes...> : <values...> the parameter after each step, in order
    end
"""
import os
import sys

import torch

STEPS = 6
OUT = os.path.join("tests", "05_nn_layers", "data", "optim_reference.txt")

# Every key the C++ side reads; a case sets the ones it needs.
DEFAULTS = dict(optimizer="sgd", lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0,
                nesterov=0, beta1=0.9, beta2=0.999, eps=1e-8, step_size=0, gamma=1.0)

CASES = [
    ("sgd_plain", dict(optimizer="sgd", lr=0.1)),
    ("sgd_momentum", dict(optimizer="sgd", lr=0.05, momentum=0.9)),
    ("sgd_dampening_decay", dict(optimizer="sgd", lr=0.05, momentum=0.9, dampening=0.3,
                                 weight_decay=0.01)),
    ("sgd_nesterov", dict(optimizer="sgd", lr=0.05, momentum=0.9, nesterov=1,
                          weight_decay=0.001)),
    ("sgd_steplr", dict(optimizer="sgd", lr=0.1, momentum=0.5, step_size=2, gamma=0.5)),
    ("adam_default", dict(optimizer="adam", lr=0.01)),
    ("adam_betas_decay", dict(optimizer="adam", lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6,
                              weight_decay=0.1)),
]


def fmt(t):
    return " ".join("%.9g" % v for v in t.detach().reshape(-1).tolist())


def array_line(role, name, t):
    return "%s %s %d %s : %s" % (role, name, t.dim(), " ".join(str(s) for s in t.shape), fmt(t))


def run_case(settings, x, target, w0, b0):
    s = dict(DEFAULTS, **settings)
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    if s["optimizer"] == "sgd":
        opt = torch.optim.SGD([w, b], lr=s["lr"], momentum=s["momentum"],
                              dampening=s["dampening"], weight_decay=s["weight_decay"],
                              nesterov=bool(s["nesterov"]))
    else:
        opt = torch.optim.Adam([w, b], lr=s["lr"], betas=(s["beta1"], s["beta2"]), eps=s["eps"],
                               weight_decay=s["weight_decay"])
    sched = torch.optim.lr_scheduler.StepLR(opt, s["step_size"], s["gamma"]) \
        if s["step_size"] > 0 else None
    lines = []
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(torch.nn.functional.linear(x, w, b), target)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()  # one "epoch" per step, so the decay shows within STEPS steps
        lines.append(array_line("after", "w", w))
        lines.append(array_line("after", "b", b))
    keys = " ".join("%s=%s" % (k, s[k]) for k in DEFAULTS)
    return lines, keys


def main():
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(4, 3, generator=gen)
    target = torch.randn(4, 2, generator=gen)
    w0 = torch.randn(2, 3, generator=gen) * 0.5
    b0 = torch.randn(2, generator=gen) * 0.5
    out = ["# Made by chapters/05_nn_layers/reference/make_optim_reference.py with torch %s"
           % torch.__version__]
    out.append("case problem")
    for name, t in [("x", x), ("target", target), ("w", w0), ("b", b0)]:
        out.append(array_line("input", name, t))
    out.append("end")
    for name, settings in CASES:
        lines, keys = run_case(settings, x, target, w0, b0)
        out.append("case %s %s" % (name, keys))
        out.extend(lines)
        out.append("end")
    with open(OUT, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
