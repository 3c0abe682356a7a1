#!/usr/bin/env python3
"""The benchmark suite's configurations on PyTorch: the `pytorch` peer of bench/peers/pytorch.ts.

Speaks the protocol of bench/peers/child.ts. Reads one job as JSON on standard input, shapes and
budgets as bench/shapes.ts and bench/harness.ts define them:
  {"threads": 1, "configs": [{"id": "C1", "shape": {...}, "budget": {...}}, ...]}
and prints one JSON line per configuration as it finishes:
  {"id": "C1", "opsPerRep": 1, "repSeconds": [...]}     timed (the caller takes the median)
  {"id": "C2", "tooSlow": 210.5, "limit": 60}            --quick: the warm-up predicts too long a run
  {"id": "C3", "error": "..."}                           it failed
With --about it prints the versions, the threads and the BLAS library instead, as one JSON line.

Models: nn.Embedding -> nn.LSTM (nn.GRU for C6) -> nn.Linear (time-major (T, B), as nn.LSTM's
default), torch.optim.Adam, PyTorch's default initialisation; float32, seeded random weights and
data. C7 packs its variable-length batch (pack_padded_sequence) through a bidirectional nn.LSTM.
Timing mirrors bench/harness.ts: warm-up, one calibration, repetitions of >= minRepSeconds.
"""
import json
import math
import sys

from protocol import blas_libraries, emit, run_job

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

SEED = 1234


class CharLM(nn.Module):
    """Embedding V -> E, LSTM (or GRU) L x H, Linear H -> V: logits (T, B, V) for ids (T, B)."""

    def __init__(self, s):
        super().__init__()
        self.embed = nn.Embedding(s["V"], s["E"])
        cell = nn.GRU if s.get("cell") == "gru" else nn.LSTM
        self.lstm = cell(s["E"], s["H"], s["L"])
        self.head = nn.Linear(s["H"], s["V"])

    def forward(self, ids, state=None):
        y, state = self.lstm(self.embed(ids), state)
        return self.head(y), state


def checked(loss):
    value = loss.item()
    if not math.isfinite(value):
        raise RuntimeError(f"the loss is {value}")


def lm_train(s, g):
    """C1, C2, C6: zero grads, forward, softmax cross-entropy at every step, backward, Adam."""
    T, B, V = s["T"], s["B"], s["V"]
    model = CharLM(s)
    opt = torch.optim.Adam(model.parameters(), lr=s["lr"])
    ids = torch.randint(V, (T, B), generator=g)
    targets = torch.randint(V, (T, B), generator=g)

    def step(t):
        opt.zero_grad(set_to_none=True)
        logits, _ = model(ids[:t])
        loss = F.cross_entropy(logits.reshape(-1, V), targets[:t].reshape(-1))
        loss.backward()
        opt.step()
        checked(loss)

    warm_t = s.get("warmupT")
    if warm_t is None:
        return (lambda: step(T)), None, None
    return (lambda: step(T)), (lambda: step(warm_t)), warm_t / T


def lm_generate(s, g):
    """C3: batch 1, N times: one token through the network (T = 1), softmax, torch.multinomial."""
    model = CharLM(s)
    model.eval()

    def run():
        with torch.inference_mode():
            state = None
            token = torch.zeros((1, 1), dtype=torch.long)
            for _ in range(s["N"]):
                logits, state = model(token, state)
                probs = torch.softmax(logits[0, 0], dim=0)
                token = torch.multinomial(probs, 1, generator=g).view(1, 1)

    return run, None, None


def lstm_infer(s, g):
    """C4: one nn.LSTM layer over (T, B, D), forward only, under torch.inference_mode."""
    lstm = nn.LSTM(s["D"], s["H"])
    x = torch.rand((s["T"], s["B"], s["D"]), generator=g) * 2 - 1

    def run():
        with torch.inference_mode():
            lstm(x)

    return run, None, None


def series_train(s, g):
    """C5: nn.LSTM (T, B, D) -> last step -> Linear H -> 1, MSE, backward, Adam."""
    lstm = nn.LSTM(s["D"], s["H"])
    head = nn.Linear(s["H"], 1)
    opt = torch.optim.Adam([*lstm.parameters(), *head.parameters()], lr=s["lr"])
    x = torch.rand((s["T"], s["B"], s["D"]), generator=g) * 2 - 1
    target = torch.rand((s["B"], 1), generator=g) * 2 - 1

    def run():
        opt.zero_grad(set_to_none=True)
        y, _ = lstm(x)
        loss = F.mse_loss(head(y[-1]), target)
        loss.backward()
        opt.step()
        checked(loss)

    return run, None, None


class Classifier(nn.Module):
    """Embedding V -> E, bidirectional LSTM L x H over packed sequences, max over each sequence's
    own steps, Linear 2H -> K: logits (B, K) for padded ids (T, B) and lengths (B)."""

    def __init__(self, s):
        super().__init__()
        self.embed = nn.Embedding(s["V"], s["E"])
        self.lstm = nn.LSTM(s["E"], s["H"], s["L"], bidirectional=True)
        self.head = nn.Linear(2 * s["H"], s["K"])

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embed(ids), lengths, enforce_sorted=False)
        y, _ = self.lstm(packed)
        # padding as -inf: the max over time sees each sequence's own steps only
        y, _ = pad_packed_sequence(y, padding_value=-math.inf)  # (T, B, 2H)
        return self.head(y.max(dim=0).values)


def classifier_train(s, g):
    """C7: zero grads, packed forward, max pooling, cross-entropy against (B) labels, backward, Adam."""
    lengths = torch.tensor(s["lengths"], dtype=torch.long)
    T, B = int(lengths.max()), s["B"]
    model = Classifier(s)
    opt = torch.optim.Adam(model.parameters(), lr=s["lr"])
    ids = torch.randint(s["V"], (T, B), generator=g)
    labels = torch.randint(s["K"], (B,), generator=g)

    def run():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, lengths), labels)
        loss.backward()
        opt.step()
        checked(loss)

    return run, None, None


def gemm(s, g):
    """GEMM: torch.mm into a preallocated C; the transposes are views (BLAS transpose flags)."""
    n = s["n"]
    a = torch.rand((n, n), generator=g) * 2 - 1
    b = torch.rand((n, n), generator=g) * 2 - 1
    c = torch.empty((n, n))
    opa = a.t() if s["transA"] else a
    opb = b.t() if s["transB"] else b
    return (lambda: torch.mm(opa, opb, out=c)), None, None


BUILDERS = {
    "lm-train": lm_train,
    "lm-generate": lm_generate,
    "lstm-infer": lstm_infer,
    "series-train": series_train,
    "classifier-train": classifier_train,
    "gemm": gemm,
}


def main():
    if "--about" in sys.argv:
        torch.rand(2, 2) @ torch.rand(2, 2)  # map the BLAS library
        emit({
            "torch": torch.__version__,
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "threads": torch.get_num_threads(),
            "libraries": blas_libraries(),
        })
        return
    job = json.load(sys.stdin)
    torch.set_num_threads(job["threads"])

    def build(c):
        torch.manual_seed(SEED)
        return BUILDERS[c["shape"]["kind"]](c["shape"], torch.Generator().manual_seed(SEED))

    run_job(job, build)

if __name__ == "__main__":
    main()
