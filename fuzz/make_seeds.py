#!/usr/bin/env python3
"""Writes the seed corpora of the fuzzers: small valid inputs the fuzzer mutates.

    python3 fuzz/make_seeds.py          (from the repository root; standard library only)

corpus/idx/         IDX files as MNIST ships them: labels (1 dim), images (3 dims), gzip
corpus/checkpoint/  byotorch checkpoints (format: chapters/05_nn_layers/byo/serialize.h),
                    one that fits the checkpoint fuzzer's model and a few that do not

The names start with `seed-`; inputs that once crashed a target are kept beside them as
`crash-<what>`, and the inputs a fuzzer kept because they reached new code (named by their
SHA-1) were added with libFuzzer's merge, which adds only what brings new coverage:

    ./build-fuzz/idx_fuzzer -merge=1 fuzz/corpus/idx build-fuzz/corpus/idx

This script rewrites only the `seed-` files. The test suite replays every file
(tests/common/idx_corpus_test.cpp, tests/05_nn_layers/checkpoint_corpus_test.cpp).
"""

import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def idx(dims, data):
    head = bytes([0, 0, 0x08, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims)
    return head + bytes(data)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def checkpoint(tensors):
    out = b"BYOT" + struct.pack("<IQ", 1, len(tensors))
    for name, shape, values in tensors:
        out += struct.pack("<I", len(name)) + name.encode()
        out += struct.pack("<I", len(shape)) + b"".join(struct.pack("<q", d) for d in shape)
        out += b"".join(struct.pack("<f", v) for v in values)
    return out + struct.pack("<Q", fnv1a64(out))


def write(folder, name, data):
    os.makedirs(os.path.join(HERE, "corpus", folder), exist_ok=True)
    with open(os.path.join(HERE, "corpus", folder, name), "wb") as f:
        f.write(data)


def main():
    labels = idx([5], [3, 1, 4, 1, 5])
    images = idx([2, 3, 3], range(18))
    write("idx", "seed-labels", labels)
    write("idx", "seed-images", images)
    write("idx", "seed-images-gz", gzip.compress(images, mtime=0))
    write("idx", "seed-empty-array", idx([0, 28, 28], []))

    def values(n, scale):
        return [scale * (i - n / 2) for i in range(n)]

    model = [("0.weight", [4, 3], values(12, 0.1)), ("0.bias", [4], values(4, 0.01)),
             ("2.weight", [2, 4], values(8, -0.1)), ("2.bias", [2], [0.5, -0.5])]
    write("checkpoint", "seed-model", checkpoint(model))
    write("checkpoint", "seed-wrong-shape", checkpoint([("0.weight", [3, 4], values(12, 1))]))
    write("checkpoint", "seed-scalar", checkpoint([("step", [], [42.0])]))
    write("checkpoint", "seed-empty", checkpoint([]))


if __name__ == "__main__":
    main()
