"""PyTorch peer of LossCastBench's MLP: the same network, batch, precision (float32) and
thread count, timed the same way (median over repeats of `steps` training steps)."""
import argparse, json, statistics, time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--repeats", type=int, default=7)
parser.add_argument("--steps", type=int, default=200)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(1)
width, batch = 256, 256
layers = []
for index in range(4):
    layers.append(torch.nn.Linear(width, width))
    if index < 3:
        layers.append(torch.nn.ReLU())
model = torch.nn.Sequential(*layers)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
inputs = torch.randn(batch, width)
targets = torch.randn(batch, width)
loss_function = torch.nn.MSELoss()


def step():
    loss = loss_function(model(inputs), targets)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


for _ in range(20):
    step()
rates = []
for _ in range(args.repeats):
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    rates.append(args.steps * batch / (time.perf_counter() - start))

config = torch.__config__.show()
blas = [line.strip() for line in config.splitlines() if "BLAS" in line or "MKL" in line or "oneDNN" in line]
print(json.dumps({
    "implementation": "PyTorch " + torch.__version__,
    "threads": torch.get_num_threads(),
    "cpuCapability": torch.backends.cpu.get_cpu_capability(),
    "blas": blas[:4],
    "samplesPerSecondMedian": statistics.median(rates),
    "samplesPerSecond": rates,
}, indent=2))
