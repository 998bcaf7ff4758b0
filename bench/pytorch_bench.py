#!/usr/bin/env python3
"""@file PyTorch's side of `npm run bench`: the same four workloads, on one CPU thread, timed like bench/timing.ts.

    /usr/bin/python3 bench/pytorch_bench.py [--budget-ms 1000] [--rounds 3]   # every workload, one JSON object
    /usr/bin/python3 bench/pytorch_bench.py --serve                            # driven by bench/pytorch.ts

In --serve mode it prints {"ready": true, ...} and then answers one JSON request per stdin line with one JSON
line, so that bench/index.ts can interleave PyTorch's rounds with neurite's and TensorFlow.js's:
    {"case": "mlp", "warmup_ms": 500}   ->  {"ok": true}
    {"case": "mlp", "budget_ms": 1000}  ->  {"best_ms": ..., "median_ms": ..., "calls": ...}
Between requests the process blocks on stdin and takes no CPU time.

Workloads (ids shared with bench/workloads.ts), float32, Fashion-MNIST-shaped random data, batch 64:
    matmul  1024x1024 @ 1024x1024
    mlp     784-256-128-10, ReLU, cross-entropy, Adam: one full training step
    lenet   conv 6x5x5 'same', maxpool 2, conv 16x5x5, maxpool 2, 120, 84, 10 (ReLU), cross-entropy, Adam
    tiny    Linear(2,3), ReLU, Linear(3,1), BCEWithLogitsLoss, Adam
    lstm    Embedding(64, 64), LSTM(64, 256), Linear(256, 64), cross-entropy, Adam; batch 32, 64 steps
"""

import json
import os
import re
import sys
import time

# Before torch loads, so that neither OpenMP nor MKL/OpenBLAS start a pool of threads.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

BATCH = 64


def training_step(model, loss_fn, x, y):
    """zero_grad (set_to_none, PyTorch 2's default), forward, loss, backward, Adam step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def make_matmul():
    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    return lambda: torch.mm(a, b)


def make_mlp():
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )
    x = torch.rand(BATCH, 784)
    y = torch.randint(0, 10, (BATCH,))
    return training_step(model, nn.CrossEntropyLoss(), x, y)


def make_lenet():
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding="same"),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )
    x = torch.rand(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))
    return training_step(model, nn.CrossEntropyLoss(), x, y)


def make_tiny():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    x = torch.randn(BATCH, 2)
    y = (torch.rand(BATCH, 1) > 0.5).float()
    return training_step(model, nn.BCEWithLogitsLoss(), x, y)


# The LSTM workload: a character-model training step, batch 32, 64 steps, vocabulary 64 (embedded in 64 dims),
# one LSTM layer of 256 units, a Linear head and cross-entropy over every position, Adam.
LSTM_BATCH = 32
LSTM_SEQ = 64
LSTM_VOCAB = 64
LSTM_HIDDEN = 256


class CharLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(LSTM_VOCAB, LSTM_VOCAB)
        self.lstm = nn.LSTM(LSTM_VOCAB, LSTM_HIDDEN)
        self.head = nn.Linear(LSTM_HIDDEN, LSTM_VOCAB)

    def forward(self, tokens):  # [seq, batch] -> [seq * batch, vocab]
        output, _ = self.lstm(self.embedding(tokens))
        return self.head(output).reshape(-1, LSTM_VOCAB)


def make_lstm():
    x = torch.randint(0, LSTM_VOCAB, (LSTM_SEQ, LSTM_BATCH))
    y = torch.randint(0, LSTM_VOCAB, (LSTM_SEQ * LSTM_BATCH,))
    return training_step(CharLstm(), nn.CrossEntropyLoss(), x, y)


MAKERS = {"matmul": make_matmul, "mlp": make_mlp, "lenet": make_lenet, "tiny": make_tiny, "lstm": make_lstm}


def time_batches(run, budget_ms, min_batch_ms=20.0):
    """As timeBatches in bench/timing.ts: batches of >= min_batch_ms until budget_ms is spent; ms per call."""
    deadline = time.perf_counter() + budget_ms / 1000
    reps = 1
    start = time.perf_counter()
    run()
    elapsed = (time.perf_counter() - start) * 1000
    while elapsed < min_batch_ms:
        reps *= 2
        start = time.perf_counter()
        for _ in range(reps):
            run()
        elapsed = (time.perf_counter() - start) * 1000
    per_call = [elapsed / reps]
    calls = reps
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(reps):
            run()
        per_call.append((time.perf_counter() - start) * 1000 / reps)
        calls += reps
    per_call.sort()
    return {"best_ms": per_call[0], "median_ms": per_call[len(per_call) // 2], "calls": calls}


def blas_libraries():
    """The BLAS libraries loaded in this process: Debian's torch uses whichever libblas.so.3 is installed."""
    try:
        with open("/proc/self/maps", encoding="utf8") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line and re.search(r"blas|mkl", line, re.I)}
    except OSError:
        return []
    return sorted(paths)


def openblas_core():
    """The kernel set OpenBLAS picked at load time (openblas_get_corename), or None when no OpenBLAS is loaded."""
    import ctypes

    for path in blas_libraries():
        try:
            library = ctypes.CDLL(path)
            corename = library.openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        return corename().decode()
    return None


def info():
    blas_info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "blas_info": blas_info.group(1) if blas_info else "unknown",
        "blas_libraries": blas_libraries(),
        "openblas_core": openblas_core(),
    }


def serve():
    torch.manual_seed(0)
    workloads = {}
    print(json.dumps({"ready": True, **info()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            case = request["case"]
            if case not in workloads:
                workloads[case] = MAKERS[case]()
            if "warmup_ms" in request:
                time_batches(workloads[case], request["warmup_ms"])
                reply = {"ok": True}
            else:
                reply = time_batches(workloads[case], request["budget_ms"])
        except Exception as error:  # reported to the caller, which prints it in the table
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


def main():
    args = sys.argv[1:]
    if "--serve" in args:
        serve()
        return
    budget_ms = float(args[args.index("--budget-ms") + 1]) if "--budget-ms" in args else 1000.0
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 3
    torch.manual_seed(0)
    results = {}
    for case, make in MAKERS.items():
        run = make()
        time_batches(run, budget_ms / 2)
        timings = [time_batches(run, budget_ms) for _ in range(rounds)]
        results[case] = {
            "best_ms": min(t["best_ms"] for t in timings),
            "median_ms": sorted(t["median_ms"] for t in timings)[rounds // 2],
            "calls": sum(t["calls"] for t in timings),
        }
    print(json.dumps({**info(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
