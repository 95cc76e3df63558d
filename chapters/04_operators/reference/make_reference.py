#!/usr/bin/env python3
"""Reference values for chapter 4, computed by PyTorch.

Runs a fixed set of op compositions on fixed random inputs, in float32, and writes their
outputs and the gradients of every input to tests/04_operators/data/reference.txt. The
test reference_test.cpp builds the same compositions with byotorch and compares; it reads
the checked-in file, so the tests never need PyTorch.

    OPENBLAS_NUM_THREADS=1 python3 chapters/04_operators/reference/make_reference.py

File format, one case per block (values row-major, as float32 printed with 9 digits):

    case <name>
    <role> <tensor name> <ndim> <sizes...> : <values...>
    end

roles: input (requires grad), const (no grad), grad_output (the gradient passed to
backward; absent for a scalar output), output, grad (of the input with that name).
"""

import os
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
gen = torch.Generator().manual_seed(2024)


def rand(*shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(*shape, generator=gen, dtype=torch.float32)


def labels(n, classes):
    return torch.randint(0, classes, (n,), generator=gen).to(torch.float32)


# Each case: name, {input name: tensor}, {const name: tensor}, function of a dict.
CASES = []


def case(name, inputs, consts=None):
    def register(fn):
        CASES.append((name, inputs, consts or {}, fn))
        return fn
    return register


@case("broadcast_arith", {"a": rand(3, 4), "b": rand(4), "c": rand(3, 1), "d": rand(1, 4)})
def _(t):
    return (t["a"] * t["b"] + t["c"]) / (t["d"].exp() + 1.0) - t["a"]


@case("unary_chain", {"x": rand(2, 5, lo=0.5, hi=2.0)})
def _(t):
    x = t["x"]
    return (x.pow(3.0) + x.sqrt()).log() * x.sigmoid() + x.tanh() - (x - 1.25).relu() - (-x).exp()


@case("mlp_cross_entropy",
      {"x": rand(4, 3), "w1": rand(5, 3), "b1": rand(5), "w2": rand(3, 5), "b2": rand(3)},
      {"labels": labels(4, 3)})
def _(t):
    h = F.linear(t["x"], t["w1"], t["b1"]).tanh()
    return F.cross_entropy(F.linear(h, t["w2"], t["b2"]), t["labels"].long())


@case("matmul_batched", {"a": rand(2, 3, 4), "b": rand(2, 4, 2)})
def _(t):
    return (t["a"] @ t["b"]).sigmoid().sum(dim=[1], keepdim=True)


@case("matmul_folded", {"a": rand(2, 3, 4), "w": rand(4, 5)})
def _(t):
    return (t["a"] @ t["w"]).mean(dim=[0, 2])


@case("softmax_mix", {"x": rand(3, 5, lo=-3.0, hi=3.0)})
def _(t):
    return (torch.softmax(t["x"], 1) * torch.log_softmax(t["x"], 0)).sum()


@case("shapes", {"x": rand(2, 3, 4), "m": rand(4, 2)})
def _(t):
    y = t["x"].permute(2, 0, 1).reshape(4, 6).transpose(0, 1)
    return (y.reshape(6, 4) @ t["m"]).flatten()


@case("max_mse", {"x": rand(3, 4), "t": rand(3)})
def _(t):
    return F.mse_loss(t["x"].max(dim=1).values, t["t"])


@case("cross_entropy_large", {"logits": rand(3, 4)}, {"labels": labels(3, 4)})
def _(t):
    return F.cross_entropy(t["logits"] * 50.0, t["labels"].long())


@case("reuse", {"x": rand(5)})
def _(t):
    x = t["x"]
    return (x * x + x.exp() * x - x / (x * x + 1.0)).sum()


@case("mean_norm", {"x": rand(4, 6)})
def _(t):
    y = t["x"] - t["x"].mean(1, keepdim=True)
    return y / (y.pow(2.0).mean(1, keepdim=True) + 1e-5).sqrt()


@case("linear_log_softmax", {"x": rand(3, 4), "w": rand(2, 4)})
def _(t):
    return torch.log_softmax(F.linear(t["x"], t["w"]), 1)


def line(role, name, tensor):
    tensor = tensor.detach().to(torch.float32).contiguous()
    sizes = " ".join(str(s) for s in tensor.shape)
    values = " ".join("%.9g" % v for v in tensor.flatten().tolist())
    return f"{role} {name} {tensor.dim()} {sizes} : {values}".replace("  ", " ")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, "..", "..", "..", "tests", "04_operators", "data",
                            "reference.txt")
    lines = ["# Chapter 4 reference values from PyTorch %s, float32." % torch.__version__,
             "# Made by chapters/04_operators/reference/make_reference.py; do not edit."]
    for name, inputs, consts, fn in CASES:
        leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
        tensors = dict(leaves, **consts)
        out = fn(tensors)
        lines.append(f"case {name}")
        for k, v in inputs.items():
            lines.append(line("input", k, v))
        for k, v in consts.items():
            lines.append(line("const", k, v))
        if out.numel() == 1 and out.dim() == 0:
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
