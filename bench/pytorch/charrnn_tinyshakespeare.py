#!/usr/bin/env python3
"""PyTorch baseline for the char-rnn recipe on tiny-shakespeare.

This is the reference the TypeScript `lstm` implementation is compared against.
The recipe (data split, batching, state carrying, optimiser, clipping and the
validation protocol) is spelled out below and must match the TS trainer exactly.

Usage:
  python3 charrnn_tinyshakespeare.py [--text PATH] [--seed N] [--updates 3000]
                                     [--eval-every 500] [--threads 1]
                                     [--results PATH]
Prints one JSON line per evaluation and appends a run record to the results
file (a JSON list of runs).
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_TEXT = os.path.join(REPO, "..", "shared", "data", "tinyshakespeare", "input.txt")
DEFAULT_RESULTS = os.path.join(HERE, "charrnn_tinyshakespeare_results.json")

# Fixed recipe hyper-parameters.
EMBED = 64
HIDDEN = 128
LAYERS = 2
B = 50          # number of contiguous streams (batch size)
T = 50          # truncated-BPTT window length
LR = 2e-3
CLIP = 5.0
VAL_CHUNK = 1000


class CharRNN(nn.Module):
    """Embedding -> 2-layer LSTM (time-major) -> Linear head. Default init."""

    def __init__(self, vocab):
        super().__init__()
        self.embedding = nn.Embedding(vocab, EMBED)
        self.lstm = nn.LSTM(EMBED, HIDDEN, num_layers=LAYERS)  # batch_first=False
        self.head = nn.Linear(HIDDEN, vocab)

    def forward(self, tokens, state):
        # tokens: (T, B) int64; state: (h, c) each (L, B, H)
        y, state = self.lstm(self.embedding(tokens), state)
        return self.head(y), state  # logits (T, B, V)


def zero_state(batch):
    return (torch.zeros(LAYERS, batch, HIDDEN), torch.zeros(LAYERS, batch, HIDDEN))


@torch.no_grad()
def validate(model, val):
    """Stream the whole validation text once with batch 1.

    State starts at zero and is carried across chunks of VAL_CHUNK inputs.
    Predicts val[i+1] from val[..i] for i = 0 .. len(val)-2; returns mean nats
    per predicted character.
    """
    model.eval()
    state = zero_state(1)
    inputs, targets = val[:-1], val[1:]
    total_nats = 0.0
    count = inputs.numel()
    for start in range(0, count, VAL_CHUNK):
        x = inputs[start:start + VAL_CHUNK].view(-1, 1)
        t = targets[start:start + VAL_CHUNK].view(-1)
        logits, state = model(x, state)
        total_nats += F.cross_entropy(
            logits.view(-1, logits.size(-1)), t, reduction="sum").item()
    model.train()
    return total_nats / count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--text", default=DEFAULT_TEXT)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--updates", type=int, default=3000)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--results", default=DEFAULT_RESULTS)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    with open(args.text, "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))                      # vocabulary from the WHOLE file
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[ch] for ch in text], dtype=torch.long)
    n = len(text)
    split = int(n * 0.9)
    train, val = data[:split], data[split:]

    # B contiguous streams of length S; stream b = train[b*S:(b+1)*S].
    N = train.numel()
    S = N // B
    streams = train[:B * S].view(B, S).t().contiguous()   # (S, B), time-major
    W = (S - 1) // T                                       # windows per epoch

    model = CharRNN(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    params = list(model.parameters())

    info = dict(vocab=len(chars), n=n, train=N, val=val.numel(), S=S, W=W)
    print(json.dumps({"info": info, "seed": args.seed, "torch": torch.__version__}), flush=True)

    t0 = time.time()
    train_seconds = 0.0      # time spent in training updates only (no eval)
    state = zero_state(B)
    losses = []
    evals = []
    for u in range(args.updates):
        ts = time.time()
        w = u % W
        if w == 0:
            state = zero_state(B)                          # reset every epoch
        x = streams[w * T:w * T + T]                       # (T, B)
        y = streams[w * T + 1:w * T + T + 1]               # (T, B) next chars
        state = (state[0].detach(), state[1].detach())     # truncate BPTT
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        losses.append(loss.item())
        train_seconds += time.time() - ts

        done = u + 1
        if done % args.eval_every == 0 or done == args.updates:
            nats = validate(model, val)
            rec = {
                "update": done,
                "val_nats": nats,
                "val_bpc": nats / math.log(2),
                "train_loss_avg_last_100": sum(losses[-100:]) / len(losses[-100:]),
                "seconds": time.time() - t0,
                "train_seconds": train_seconds,
            }
            evals.append(rec)
            print(json.dumps(rec), flush=True)

    total = time.time() - t0
    run = {
        "seed": args.seed,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "info": info,
        "evals": evals,
        "total_seconds": total,
        "train_seconds_per_update": train_seconds / args.updates,
    }
    runs = []
    if os.path.exists(args.results):
        with open(args.results) as f:
            runs = json.load(f)
    runs = [r for r in runs if r.get("seed") != args.seed]   # replace same seed
    runs.append(run)
    runs.sort(key=lambda r: r["seed"])
    with open(args.results, "w") as f:
        json.dump(runs, f, indent=1)
    print(json.dumps({"total_seconds": total}), flush=True)


if __name__ == "__main__":
    main()
