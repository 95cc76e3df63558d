"""LeNet-5 in PyTorch, exactly as chapter 8 builds it, for the reference scripts beside it.

classic: Conv(1→6, 5, pad 2) Sigmoid AvgPool(2) Conv(6→16, 5) Sigmoid AvgPool(2) Flatten
         Linear(400→120) Sigmoid Linear(120→84) Sigmoid Linear(84→10)
modern:  the same with ReLU and MaxPool(2).
"""

import torch
from torch import nn

# The parameters in the order the reference file and fixed_weights() number them.
PARAMETER_NAMES = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                   "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias",
                   "fc3.weight", "fc3.bias"]


class LeNet5(nn.Module):
    def __init__(self, variant):
        super().__init__()
        if variant not in ("classic", "modern"):
            raise ValueError(f"variant must be classic or modern, not {variant!r}")
        act = nn.Sigmoid if variant == "classic" else nn.ReLU
        pool = nn.AvgPool2d if variant == "classic" else nn.MaxPool2d
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.act1, self.pool1 = act(), pool(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.act2, self.pool2 = act(), pool(2)
        self.fc1 = nn.Linear(400, 120)
        self.act3 = act()
        self.fc2 = nn.Linear(120, 84)
        self.act4 = act()
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool1(self.act1(self.conv1(x)))
        x = self.pool2(self.act2(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc3(self.act4(self.fc2(self.act3(self.fc1(x)))))


def xavier_init(model):
    """Glorot-uniform weights and zero biases: what the sigmoid network needs to learn."""
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            nn.init.xavier_uniform_(p)
        else:
            nn.init.zeros_(p)


def fixed_weights(model):
    """Sets every parameter from a formula that the C++ test recomputes: parameter number
    L (PARAMETER_NAMES order), flat element i, fan-in F of its layer:
    sin(0.1 + 0.7 i + 1.3 L) / sqrt(F), in double, rounded to float32."""
    params = dict(model.named_parameters())
    fan_in = {"conv1": 25, "conv2": 150, "fc1": 400, "fc2": 120, "fc3": 84}
    with torch.no_grad():
        for L, name in enumerate(PARAMETER_NAMES):
            p = params[name]
            i = torch.arange(p.numel(), dtype=torch.float64)
            f = fan_in[name.split(".")[0]]
            values = torch.sin(0.1 + 0.7 * i + 1.3 * L) / (f ** 0.5)
            p.copy_(values.to(torch.float32).reshape(p.shape))
