#!/usr/bin/env python3
"""Reference values for chapter 8: one LeNet-5 forward and backward, computed by PyTorch.

From fixed weights (lenet_torch.fixed_weights) and a fixed batch of two images, for both
variants, writes the logits, the loss and the gradient of every parameter to
tests/08_lenet/data/lenet_reference.txt. tests/08_lenet/reference_test.cpp rebuilds the
same weights and input, runs byotorch's LeNet5 and compares; the tests never need PyTorch.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/08_lenet/reference/make_reference.py

The input x is (2,1,28,28) with x[i] = 0.5 + 0.5 sin(0.37 i) over the flat index i; the
labels are 3 and 7; the loss is the mean cross-entropy. File format, one block per variant
(values row-major, float32 printed with 9 significant digits):

    case <classic|modern>
    output logits 2 2 10 : ...
    output loss 0 : ...
    grad <parameter> <ndim> <sizes...> : ...          the whole gradient (≤ 3000 elements)
    sample <parameter> <ndim> <sizes...> : ...        elements 0, 29, 58, ... of a larger one
    sum <parameter> 0 : ...                           the sum of the whole gradient
    end

Compare each tensor against its own scale (|ours − ref| ≤ 1e-4 · max|ref| + 1e-6 · |ref|
or similar): through four sigmoids and two average pools the classic net's conv gradients
are about 1e-8, so one absolute tolerance for all tensors would let them pass unchecked.
"""

import os

import torch
import torch.nn.functional as F

from lenet_torch import PARAMETER_NAMES, LeNet5, fixed_weights

SAMPLE_STRIDE = 29
FULL_LIMIT = 3000


def line(role, name, shape, values):
    sizes = " ".join(str(s) for s in shape)
    text = " ".join("%.9g" % v for v in values)
    return f"{role} {name} {len(shape)} {sizes} : {text}".replace("  ", " ")


def main():
    torch.set_num_threads(1)
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(here, "..", "..", "..", "tests", "08_lenet", "data",
                            "lenet_reference.txt")
    i = torch.arange(2 * 28 * 28, dtype=torch.float64)
    x = (0.5 + 0.5 * torch.sin(0.37 * i)).to(torch.float32).reshape(2, 1, 28, 28)
    labels = torch.tensor([3, 7])
    lines = ["# Chapter 8 reference values from PyTorch %s, float32." % torch.__version__,
             "# Made by chapters/08_lenet/reference/make_reference.py; do not edit."]
    for variant in ("classic", "modern"):
        model = LeNet5(variant)
        fixed_weights(model)
        logits = model(x)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        lines.append(f"case {variant}")
        lines.append(line("output", "logits", logits.shape, logits.detach().flatten().tolist()))
        lines.append(line("output", "loss", [], [loss.item()]))
        params = dict(model.named_parameters())
        for name in PARAMETER_NAMES:
            g = params[name].grad.detach().contiguous()
            flat = g.flatten()
            if flat.numel() <= FULL_LIMIT:
                lines.append(line("grad", name, g.shape, flat.tolist()))
            else:
                lines.append(line("sample", name, g.shape, flat[::SAMPLE_STRIDE].tolist()))
            lines.append(line("sum", name, [], [flat.double().sum().item()]))
        lines.append("end")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {os.path.normpath(out_path)}")


if __name__ == "__main__":
    main()
