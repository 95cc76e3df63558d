#!/usr/bin/env python3
"""Reference values for chapter 6's tests, computed by PyTorch.

Writes tests/06_naive_conv2d/data/reference.txt (the reference format of
tests/support/support/reference.h): for each case, the inputs, the forward output and the
gradients of sum(out * g) for a fixed g.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/06_naive_conv2d/reference/make_reference.py

The inputs are a fixed formula of the index (no random generator to match), so the file is
small and the test can show what it compares.
"""
import math
import pathlib

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
OUT = pathlib.Path(__file__).resolve().parents[3] / "tests" / "06_naive_conv2d" / "data" / "reference.txt"


def pattern(shape, phase):
    n = math.prod(shape)
    values = [math.sin(0.37 * i + phase) + 0.25 * math.cos(1.3 * i) for i in range(n)]
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def emit(lines, role, name, tensor):
    flat = tensor.detach().reshape(-1).tolist()
    shape = "".join(f" {d}" for d in tensor.shape)
    values = " ".join(f"{v:.9g}" for v in flat)
    lines.append(f"{role} {name} {len(tensor.shape)}{shape} : {values}")


def conv_case(lines, label, x_shape, w_shape, stride, padding, bias=True):
    x = pattern(x_shape, 0.1).requires_grad_()
    w = pattern(w_shape, 0.7).mul(0.5).requires_grad_()
    b = pattern([w_shape[0]], 1.9).requires_grad_() if bias else None
    out = F.conv2d(x, w, b, stride=stride, padding=padding)
    g = pattern(list(out.shape), 2.3)
    (out * g).sum().backward()
    lines.append(f"case conv2d_{label} op=conv2d stride_h={stride[0]} stride_w={stride[1]} "
                 f"padding_h={padding[0]} padding_w={padding[1]} bias={int(bias)}")
    emit(lines, "input", "x", x)
    emit(lines, "input", "w", w)
    if bias:
        emit(lines, "input", "b", b)
    emit(lines, "output", "out", out)
    emit(lines, "grad_output", "g", g)
    emit(lines, "grad", "x", x.grad)
    emit(lines, "grad", "w", w.grad)
    if bias:
        emit(lines, "grad", "b", b.grad)
    lines.append("end")


def pool_case(lines, kind, label, x_shape, kernel, stride, padding, ties=False):
    x = pattern(x_shape, 0.4)
    if ties:  # many equal values: checks which cell wins a tie
        x = torch.round(x * 2) / 2
    x.requires_grad_()
    fn = F.max_pool2d if kind == "max_pool2d" else F.avg_pool2d
    out = fn(x, kernel, stride, padding)
    g = pattern(list(out.shape), 2.9)
    (out * g).sum().backward()
    lines.append(f"case {kind}_{label} op={kind} kernel_h={kernel[0]} kernel_w={kernel[1]} "
                 f"stride_h={stride[0]} stride_w={stride[1]} "
                 f"padding_h={padding[0]} padding_w={padding[1]}")
    emit(lines, "input", "x", x)
    emit(lines, "output", "out", out)
    emit(lines, "grad_output", "g", g)
    emit(lines, "grad", "x", x.grad)
    lines.append("end")


def main():
    lines = [f"# made by chapters/06_naive_conv2d/reference/make_reference.py with PyTorch {torch.__version__}"]
    conv_case(lines, "lenet_conv1", [2, 1, 8, 8], [3, 1, 5, 5], (1, 1), (2, 2))
    conv_case(lines, "stride2_pad1", [3, 2, 7, 6], [4, 2, 3, 3], (2, 2), (1, 1))
    conv_case(lines, "rect_kernel", [1, 3, 6, 9], [2, 3, 2, 4], (1, 2), (0, 1), bias=False)
    conv_case(lines, "one_by_one", [2, 4, 5, 5], [3, 4, 1, 1], (1, 1), (0, 0))
    pool_case(lines, "avg_pool2d", "k2", [2, 3, 6, 6], (2, 2), (2, 2), (0, 0))
    pool_case(lines, "avg_pool2d", "k3s2p1", [1, 2, 7, 5], (3, 3), (2, 2), (1, 1))
    pool_case(lines, "max_pool2d", "k2", [2, 3, 6, 6], (2, 2), (2, 2), (0, 0))
    pool_case(lines, "max_pool2d", "k3s2p1", [1, 2, 7, 5], (3, 3), (2, 2), (1, 1))
    pool_case(lines, "max_pool2d", "ties", [1, 2, 6, 6], (3, 3), (1, 1), (1, 1), ties=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(OUT.parents[3])}")


if __name__ == "__main__":
    main()
