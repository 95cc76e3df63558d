#!/usr/bin/env python3
"""Reference values for the views, slicing, extra elementwise ops and losses of chapter 4.

The same mechanism as make_reference.py (whose file format and `line` it reuses): fixed
compositions on fixed random inputs, in float32, their outputs and the gradients of every
input, written to tests/04_operators/data/reference_extra.txt for reference_extra_test.cpp.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/04_operators/reference/make_reference_extra.py

A case whose inputs are all `const` (argmax) has an output and no gradients.
"""

import os
import sys

import torch
import torch.nn.functional as F

from make_reference import line

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(1414)


def rand(*shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float32)


def labels(n, classes):
    return torch.randint(0, classes, (n,), generator=gen).to(torch.float32)


CASES = []


def case(name, inputs, consts=None):
    def register(fn):
        CASES.append((name, inputs, consts or {}, fn))
        return fn
    return register


@case("expand_unsqueeze", {"a": rand(3), "b": rand(2, 1)})
def _(t):
    return t["a"].unsqueeze(0).expand(2, 3) * t["b"].expand(-1, 3) + t["b"].unsqueeze(2).squeeze(-1)


@case("squeeze", {"x": rand(1, 3, 1, 2)})
def _(t):
    x = t["x"]
    return x.squeeze() * x.squeeze(0).squeeze(1) + x.squeeze(3).sum()


@case("narrow_select", {"x": rand(3, 4)})
def _(t):
    x = t["x"]
    return x.narrow(1, 1, 2) * x.select(0, 2).narrow(0, 0, 2) + x.select(1, -1).unsqueeze(1)


@case("index_select", {"x": rand(4, 3)}, {"rows": torch.tensor([3.0, 0.0, 3.0]),
                                          "cols": torch.tensor([2.0, 2.0])})
def _(t):
    x = t["x"]
    return (x.index_select(0, t["rows"].long()).exp().sum()
            + x.index_select(1, t["cols"].long()).pow(2.0).sum())


@case("cat_stack", {"a": rand(2, 3), "b": rand(1, 3), "c": rand(2, 3)})
def _(t):
    joined = torch.cat([t["a"], t["b"]], 0).tanh()        # (3, 3)
    stacked = torch.stack([t["a"], t["c"]], 1)              # (2, 2, 3)
    return torch.cat([joined, stacked.sum(1)], 0) * torch.stack([t["c"], t["a"]], -1).sum(-1).sum(0)


@case("abs_clamp", {"x": rand(3, 4)})
def _(t):
    x = t["x"]
    return x.abs() * x.clamp(-0.5, 0.5) + x.clamp(min=0.1) + x.clamp(max=-0.3)


@case("maximum_minimum", {"a": rand(3, 4), "b": rand(4)})
def _(t):
    return torch.maximum(t["a"], t["b"]) * torch.minimum(t["a"], t["b"]).exp()


@case("where", {"a": rand(3, 4), "b": rand(3, 1)},
      {"cond": (torch.rand(3, 4, generator=gen) > 0.5).to(torch.float32)})
def _(t):
    return torch.where(t["cond"] != 0, t["a"], t["b"]) * t["a"]


@case("min_dim", {"x": rand(3, 4)})
def _(t):
    return t["x"].min(dim=1).values * t["x"].min(dim=0, keepdim=True).values.sum()


@case("argmax", {}, {"x": rand(3, 4)})
def _(t):
    return torch.cat([t["x"].argmax(dim=1), t["x"].argmax(dim=0), t["x"].argmax().reshape(1)]).float()


@case("log1p_leaky_gelu", {"x": rand(2, 5, lo=-0.9, hi=2.0)})
def _(t):
    x = t["x"]
    return x.log1p() + F.leaky_relu(x, 0.1) * F.gelu(x) + F.gelu(x, approximate="tanh") \
        + F.leaky_relu(x)


@case("nll_mean", {"x": rand(4, 5)}, {"target": labels(4, 5)})
def _(t):
    return F.nll_loss(torch.log_softmax(t["x"], 1), t["target"].long())


@case("nll_sum", {"x": rand(4, 5)}, {"target": labels(4, 5)})
def _(t):
    return F.nll_loss(t["x"], t["target"].long(), reduction="sum")


@case("nll_none", {"x": rand(4, 5)}, {"target": labels(4, 5)})
def _(t):
    return F.nll_loss(t["x"], t["target"].long(), reduction="none")


@case("bce_logits_mean", {"x": rand(3, 4, lo=-4.0, hi=4.0), "target": rand(3, 4, lo=0.0)})
def _(t):
    return F.binary_cross_entropy_with_logits(t["x"], t["target"])


@case("bce_logits_none", {"x": rand(5, lo=-4.0, hi=4.0), "target": rand(5, lo=0.0)})
def _(t):
    return F.binary_cross_entropy_with_logits(t["x"], t["target"], reduction="none")


@case("bce_logits_sum", {"x": rand(2, 3, lo=-30.0, hi=30.0)},
      {"target": (torch.rand(2, 3, generator=gen) > 0.5).to(torch.float32)})
def _(t):
    return F.binary_cross_entropy_with_logits(t["x"], t["target"], reduction="sum")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, "..", "..", "..", "tests", "04_operators", "data",
                            "reference_extra.txt")
    lines = ["# Chapter 4 reference values (views, slicing, extra ops, losses) from PyTorch %s,"
             " float32." % torch.__version__,
             "# Made by chapters/04_operators/reference/make_reference_extra.py; do not edit."]
    for name, inputs, consts, fn in CASES:
        leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
        tensors = dict(leaves, **consts)
        out = fn(tensors)
        lines.append(f"case {name}")
        for k, v in inputs.items():
            lines.append(line("input", k, v))
        for k, v in consts.items():
            lines.append(line("const", k, v))
        if leaves:
            if out.dim() == 0:
                out.backward()
            else:
                grad_output = rand(*out.shape)
                lines.append(line("grad_output", "g", grad_output))
                out.backward(grad_output)
        lines.append(line("output", "out", out))
        for k, leaf in leaves.items():
            lines.append(line("grad", k, leaf.grad))
        lines.append("end")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(CASES)} cases to {os.path.normpath(out_path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
