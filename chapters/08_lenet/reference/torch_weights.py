#!/usr/bin/env python3
"""Weights from PyTorch: trains the modern LeNet-5 in PyTorch and saves what byotorch must
reproduce after loading its weights (tests/08_lenet/torch_weights_test.cpp).

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 chapters/08_lenet/reference/torch_weights.py \
        [--data data/mnist] [--out tests/08_lenet/data]

One epoch of Adam (lr 1e-3, batch 64, seed 0) on MNIST, then three files:

    torch_lenet_modern.npz      the state dict, exactly as a PyTorch user saves one:
                                np.savez(f, **{k: v.numpy() for k, v in sd.items()})
    torch_lenet_logits.npz      "logits": the (100, 10) logits of the first 100 test images
    torch_lenet_predictions.txt the predicted digit of each of the 10000 test images, one
                                line of 10000 characters

The images are normalised as byotorch's data::MNIST does it, in float32:
(byte / 255 - 0.1307) / 0.3081, through a table of the 256 byte values.
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lenet_torch import LeNet5  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def normalise(images):
    table = (np.arange(256, dtype=np.float32) / np.float32(255) - np.float32(0.1307)) \
        / np.float32(0.3081)
    return torch.from_numpy(table[images].reshape(-1, 1, 28, 28))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.path.join(ROOT, "data", "mnist"))
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "08_lenet", "data"))
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(2)
    train_x = normalise(read_idx(os.path.join(args.data, "train-images-idx3-ubyte")))
    train_y = torch.from_numpy(read_idx(os.path.join(args.data, "train-labels-idx1-ubyte"))
                               .astype(np.int64))
    test_x = normalise(read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte")))
    test_y = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"))

    model = LeNet5("modern")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randperm(len(train_x))
    model.train()
    for start in range(0, len(order), 64):
        batch = order[start:start + 64]
        optimizer.zero_grad()
        F.cross_entropy(model(train_x[batch]), train_y[batch]).backward()
        optimizer.step()

    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(test_x[i:i + 1000]) for i in range(0, len(test_x), 1000)])
    predictions = logits.argmax(dim=1).numpy()
    print(f"test accuracy after one epoch: {(predictions == test_y).mean() * 100:.2f}%")

    os.makedirs(args.out, exist_ok=True)
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    np.savez(os.path.join(args.out, "torch_lenet_modern.npz"), **state)
    np.savez(os.path.join(args.out, "torch_lenet_logits.npz"), logits=logits[:100].numpy())
    with open(os.path.join(args.out, "torch_lenet_predictions.txt"), "w") as f:
        f.write("".join(str(int(p)) for p in predictions) + "\n")
    print("wrote", ", ".join(sorted(state)), "and the logits and predictions to", args.out)


if __name__ == "__main__":
    main()
