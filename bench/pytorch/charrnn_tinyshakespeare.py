#!/usr/bin/env python3
"""PyTorch baseline for the char-rnn recipe on tiny-shakespeare.

This is the reference the TypeScript `lstm` implementation is compared against.
The recipe (data split, batching, state carrying, optimiser, clipping and the
validation protocol) is spelled out below and must match the TS trainer exactly.

Usage:
  python3 charrnn_tinyshakespeare.py [--text PATH] [--seed N] [--updates 3000]
                                     [--eval-every 500] [--threads 1]
                                     [--hidden 128] [--layers 2] [--embedding 64]
                                     [--dropout 0] [--seq-len 50] [--batch 50]
                                     [--lr 2e-3] [--minutes M] [--target NATS]
                                     [--results PATH]
Prints one JSON line per evaluation and appends a run record to the results
file (a JSON list of runs, one per seed and recipe).

Learning on the clock (issue 18): --hidden 512 --dropout 0.5 --minutes 12 --target 1.47
stops at the first evaluation at or below the target, or once the training time (evaluations
not counted) reaches the budget. Dropout is applied as in lstm: between the layers (nn.LSTM's
dropout) and on the last layer's output before the linear head.
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

# The recipe's defaults (the update-for-update comparison); the options override them.
EMBED = 64
HIDDEN = 128
LAYERS = 2
B = 50          # number of contiguous streams (batch size)
T = 50          # truncated-BPTT window length
LR = 2e-3
CLIP = 5.0
VAL_CHUNK = 1000


class CharRNN(nn.Module):
    """Embedding -> L-layer LSTM (time-major) -> dropout -> Linear head. Default init."""

    def __init__(self, vocab, embed, hidden, layers, dropout):
        super().__init__()
        self.layers, self.hidden = layers, hidden
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens, state):
        # tokens: (T, B) int64; state: (h, c) each (L, B, H)
        y, state = self.lstm(self.embedding(tokens), state)
        return self.head(self.drop(y)), state  # logits (T, B, V)

    def zero_state(self, batch):
        return (torch.zeros(self.layers, batch, self.hidden), torch.zeros(self.layers, batch, self.hidden))


@torch.no_grad()
def validate(model, val):
    """Stream the whole validation text once with batch 1.

    State starts at zero and is carried across chunks of VAL_CHUNK inputs.
    Predicts val[i+1] from val[..i] for i = 0 .. len(val)-2; returns mean nats
    per predicted character.
    """
    model.eval()
    state = model.zero_state(1)
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


def learning_rate_at(schedule, lr):
    """lstm's schedules (src/optim/schedule.ts), the rate of update u (0-based)."""
    parts = schedule.split(":")
    if parts[0] == "constant":
        return lambda u: lr
    if parts[0] == "step":
        every, gamma = int(parts[1]), float(parts[2])
        return lambda u: lr * gamma ** (u // every)
    if parts[0] == "cosine":
        warmup, total = int(parts[1]), int(parts[2])
        min_lr = float(parts[3]) if len(parts) > 3 else 0.0

        def cosine(u):
            if u < warmup:
                return lr * (u + 1) / warmup
            progress = min(1.0, (u - warmup) / (total - warmup))
            return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2
        return cosine
    raise SystemExit(f"--schedule: expected constant, step:EVERY:GAMMA or cosine:WARMUP:TOTAL[:MINLR], got {schedule!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--text", default=DEFAULT_TEXT)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--updates", type=int, default=3000)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--layers", type=int, default=LAYERS)
    ap.add_argument("--embedding", type=int, default=EMBED)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--seq-len", type=int, default=T)
    ap.add_argument("--batch", type=int, default=B)
    ap.add_argument("--lr", type=float, default=LR)
    ap.add_argument("--schedule", default="constant",
                    help="constant | step:EVERY:GAMMA | cosine:WARMUP:TOTAL[:MINLR] (src/optim/schedule.ts)")
    ap.add_argument("--minutes", type=float, default=math.inf)
    ap.add_argument("--target", type=float, default=-math.inf)
    ap.add_argument("--results", default=DEFAULT_RESULTS)
    args = ap.parse_args()
    batch, seq_len = args.batch, args.seq_len
    recipe = dict(embedding=args.embedding, hidden=args.hidden, layers=args.layers,
                  dropout=args.dropout, seqLength=seq_len, batchSize=batch,
                  learningRate=args.lr, clip=CLIP, optimizer="adam")
    if args.schedule != "constant":
        recipe["schedule"] = args.schedule

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
    S = N // batch
    streams = train[:batch * S].view(batch, S).t().contiguous()   # (S, B), time-major
    W = (S - 1) // seq_len                                 # windows per epoch

    model = CharRNN(len(chars), args.embedding, args.hidden, args.layers, args.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rate_at = learning_rate_at(args.schedule, args.lr)
    params = list(model.parameters())

    info = dict(vocab=len(chars), n=n, train=N, val=val.numel(), S=S, W=W)
    print(json.dumps({"info": info, "seed": args.seed, "torch": torch.__version__, "recipe": recipe}), flush=True)

    t0 = time.time()
    train_seconds = 0.0      # time spent in training updates only (no eval)
    state = model.zero_state(batch)
    losses = []
    evals = []
    reached = None
    budget = args.minutes * 60
    for u in range(args.updates):
        if train_seconds >= budget:
            break
        ts = time.time()
        w = u % W
        if w == 0:
            state = model.zero_state(batch)                # reset every epoch
        x = streams[w * seq_len:w * seq_len + seq_len]     # (T, B)
        y = streams[w * seq_len + 1:w * seq_len + seq_len + 1]   # (T, B) next chars
        state = (state[0].detach(), state[1].detach())     # truncate BPTT
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, CLIP)
        for group in opt.param_groups:
            group["lr"] = rate_at(u)
        opt.step()
        losses.append(loss.item())
        train_seconds += time.time() - ts

        done = u + 1
        if done % args.eval_every == 0 or done == args.updates or train_seconds >= budget:
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
            if nats <= args.target:
                reached = {"update": done, "train_seconds": train_seconds}
                break

    total = time.time() - t0
    run = {
        "seed": args.seed,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "recipe": recipe,
        "target": args.target if math.isfinite(args.target) else None,
        "reached": reached,
        "train_seconds": train_seconds,
        "info": info,
        "evals": evals,
        "total_seconds": total,
        "train_seconds_per_update": train_seconds / max(1, len(losses)),
    }
    runs = []
    if os.path.exists(args.results):
        with open(args.results) as f:
            runs = json.load(f)
    # replace the run of the same seed and recipe (records before the options had no recipe)
    default = dict(embedding=EMBED, hidden=HIDDEN, layers=LAYERS, dropout=0.0, seqLength=T,
                   batchSize=B, learningRate=LR, clip=CLIP, optimizer="adam")
    runs = [r for r in runs if (r.get("seed"), r.get("recipe", default)) != (args.seed, recipe)]
    runs.append(run)
    runs.sort(key=lambda r: (r.get("recipe", default)["hidden"], r["seed"]))
    tmp = f"{args.results}.tmp"
    with open(tmp, "w") as f:
        json.dump(runs, f, indent=1)
    os.replace(tmp, args.results)
    print(json.dumps({"total_seconds": total}), flush=True)


if __name__ == "__main__":
    main()
