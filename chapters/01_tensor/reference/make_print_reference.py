"""Writes tests/01_tensor/data/print_reference.txt: arrays and how PyTorch prints them.

Run from the repository root with Debian's PyTorch 1.13:

    /usr/bin/python3 chapters/01_tensor/reference/make_print_reference.py

The file is in the reference format of tests/support/support/reference.h; each case is

    case <name> [transpose=1]            (transpose: print the array transposed, dims 0 and 1)
    input x <ndim> <sizes...> : <values...>   (row-major, float32 with 9 significant digits)
    text expected <n>
    <the n lines torch printed>
    end

print_test.cpp rebuilds each array and compares byo's text with the expected one.
"""
import math
import os

import torch

torch.manual_seed(0)


def cases():
    t = torch.tensor
    yield "int_matrix", t([[1.0, 2.0], [3.0, 4.0]])
    yield "scalar_int", t(3.0)
    yield "scalar_frac", t(0.5)
    yield "scalar_negative_small", t(-1.25e-6)
    yield "empty_1d", torch.zeros(0)
    yield "empty_2d", torch.zeros(2, 0)
    yield "empty_3d", torch.zeros(0, 3, 1)
    yield "zeros", torch.zeros(3)
    yield "fixed", t([0.1, 0.25])
    yield "fixed_negative", t([-1.5, 2.0])
    yield "fixed_rounding", t([0.12345, 2.71828, -3.14159])
    yield "ints_aligned", t([1.0, 1000.0])
    yield "ints_negative", t([-3.0, 10.0])
    yield "ints_large_sci", t([1.0, 1e9])
    yield "ints_ratio_sci", t([1.0, 10000.0])
    yield "small_sci", t([1e-5, 1.0])
    yield "large_sci", t([1e9, 2e9])
    yield "mixed_sci", t([1.5e-3, 2.0, 3e3])
    yield "nonfinite", t([math.nan, math.inf, 1.0])
    yield "neg_inf", t([-math.inf, 0.5])
    yield "only_nonfinite", t([math.nan, -math.inf])
    yield "negative_zero", t([-0.0, 1.0])
    yield "three_d", torch.arange(8.0).reshape(2, 2, 2)
    yield "four_d", torch.arange(16.0).reshape(2, 2, 2, 2) / 4
    yield "wrap_line", torch.arange(30.0) * 1.5
    yield "wrap_ints", torch.arange(40.0)
    yield "wrap_nested", torch.arange(48.0).reshape(2, 24) / 7
    yield "randn_matrix", torch.randn(4, 5)
    yield "rand_3d", torch.rand(2, 3, 4)
    yield "summarised_vector", torch.arange(1005.0)
    yield "summarised_vector_small", torch.arange(1001.0) / 1000
    yield "summarised_matrix", torch.randn(34, 30)
    yield "summarised_3d", torch.arange(1014.0).reshape(6, 13, 13) / 100
    yield "summarised_rows_only", torch.randn(170, 6)
    yield "not_summarised_1000", torch.ones(1000) * 0.5
    yield "transposed", torch.arange(6.0).reshape(2, 3), "transpose"


def main():
    root = os.path.dirname(os.path.abspath(__file__))
    out_path = os.path.join(root, "..", "..", "..", "tests", "01_tensor", "data",
                            "print_reference.txt")
    with open(os.path.normpath(out_path), "w") as out:
        out.write("# Made by chapters/01_tensor/reference/make_print_reference.py "
                  "with torch " + torch.__version__ + "\n")
        for case in cases():
            name, x = case[0], case[1]
            transpose = len(case) > 2
            values = " ".join("%.9g" % v for v in x.reshape(-1).tolist())
            sizes = "".join(" %d" % s for s in x.shape)
            out.write("case " + name + (" transpose=1" if transpose else "") + "\n")
            out.write(("input x %d%s : %s" % (x.dim(), sizes, values)).rstrip() + "\n")
            text = str(x.t() if transpose else x)
            out.write("text expected %d\n%s\nend\n" % (len(text.split("\n")), text))

if __name__ == "__main__":
    main()
