#!/usr/bin/env python3
"""side_by_side.py reads `lenet bench`'s output: its parser against the program as built,
and its spread formatting. (PyTorch's side needs torch, which the test suite does not.)

    python3 tests/08_lenet/side_by_side_test.py build/lenet
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "chapters", "08_lenet", "reference"))

import side_by_side  # noqa: E402


def main():
    lenet = os.path.abspath(sys.argv[1])
    # Two epochs of 256 images on 2 threads: the median row, inference, latency, memory.
    got = side_by_side.ours(lenet, "modern", 64, 2, 2, 256)
    for key in ("epoch", "inference", "latency", "memory"):
        assert got[key] > 0, f"{key}: {got}"
    assert got["latency"] < got["inference"], got
    got = side_by_side.ours(lenet, "classic", 128, 1, 1, 256)  # "train epoch 1" row
    assert got["epoch"] > 0, got
    assert side_by_side.spread([3.0, 1.0, 2.0]) == "2.00 (1.00–3.00)"
    assert side_by_side.spread([1.5]) == "1.50"
    assert side_by_side.spread([0.0521, 0.06], 3) == "0.056 (0.052–0.060)"
    print("side_by_side.py parses lenet bench: ok")


if __name__ == "__main__":
    main()
