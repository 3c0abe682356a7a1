#!/usr/bin/env python3
"""PyTorch peer of `lstm seq2seq train --example cmudict`: the same network and recipe on the same
split, to measure how fast the machine trains this model outside the library (and, given the
minutes, how good it gets).

Network (as src/models/seq2seq-network.ts): source embedding E -> bidirectional LSTM (He per
direction, Le layers) -> memory (Ts, B, 2He); bridge h0 = tanh(W_h [h_fwd; h_bwd]), c0 = W_c [c_fwd;
c_bwd] per decoder layer; decoder LSTM (Hd) step by step on [embedding(y_prev); h_tilde_prev]
(input feeding); Luong general attention s = h^T W_a m over the real source positions; h_tilde =
tanh(W_c [context; h]); logits = W_o dropout(h_tilde). Loss: label-smoothed cross-entropy (0.1)
over the real target positions, mean per token; Adam, clip 5 by global norm, batches of 64 pairs
of similar source length in shuffled order.

Usage:
  node dist/bench/g2p-split.js /tmp/g2p-split        # the TSV files of the split (seed 1)
  python3 g2p_seq2seq.py --split /tmp/g2p-split [--hidden 128] [--decoder-hidden 256] [--minutes 3]
         [--threads 2] [--lr 2e-3] [--total-updates 0 (cosine to zero over them; 0: constant)]
Prints pairs per second of training (validation excluded) and, at the end, the greedy word and
phoneme error on the test words (a word is right if any of its pronunciations matches).
"""
import argparse
import math
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_split(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf8")][1:]
    return [(list(word), phones.split(" ")) for word, phones in rows]


class G2P(nn.Module):
    def __init__(self, nsrc, ntgt, E, He, Hd, layers, dropout):
        super().__init__()
        self.src_emb = nn.Embedding(nsrc, E, padding_idx=0)
        self.tgt_emb = nn.Embedding(ntgt, E, padding_idx=0)
        self.encoder = nn.LSTM(E, He, layers, bidirectional=True, dropout=dropout if layers > 1 else 0)
        self.bridge_h = nn.Linear(2 * He, Hd)
        self.bridge_c = nn.Linear(2 * He, Hd)
        self.decoder = nn.LSTMCell(E + Hd, Hd)
        self.attn = nn.Linear(2 * He, Hd, bias=False)  # W_a m: (Hd) per memory position
        self.combine = nn.Linear(2 * He + Hd, Hd)
        self.out = nn.Linear(Hd, ntgt)
        self.drop = nn.Dropout(dropout)
        self.Hd = Hd

    def encode(self, src, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.src_emb(src), lengths, enforce_sorted=False)
        out, (h, c) = self.encoder(packed)
        memory, _ = nn.utils.rnn.pad_packed_sequence(out)  # (Ts, B, 2He)
        h = torch.cat([h[-2], h[-1]], dim=1)
        c = torch.cat([c[-2], c[-1]], dim=1)
        return memory, torch.tanh(self.bridge_h(h)), self.bridge_c(c)

    def step(self, y_prev, fed, h, c, keys, memory, mask):
        h, c = self.decoder(torch.cat([self.tgt_emb(y_prev), fed], dim=1), (h, c))
        scores = torch.einsum("bh,tbh->bt", h, keys).masked_fill(~mask, float("-inf"))
        alpha = torch.softmax(scores, dim=1)
        context = torch.einsum("bt,tbm->bm", alpha, memory)
        h_tilde = torch.tanh(self.combine(torch.cat([context, h], dim=1)))
        return self.out(self.drop(h_tilde)), h_tilde, h, c

    def forward(self, src, lengths, tgt_in):
        memory, h, c = self.encode(src, lengths)
        keys = self.attn(memory)
        mask = (torch.arange(memory.shape[0])[None, :] < lengths[:, None])
        fed = torch.zeros(src.shape[1], self.Hd)
        logits = []
        for t in range(tgt_in.shape[0]):
            out, fed, h, c = self.step(tgt_in[t], fed, h, c, keys, memory, mask)
            logits.append(out)
        return torch.stack(logits)

    @torch.no_grad()
    def greedy(self, src, lengths, bos, eos, max_len):
        memory, h, c = self.encode(src, lengths)
        keys = self.attn(memory)
        mask = (torch.arange(memory.shape[0])[None, :] < lengths[:, None])
        B = src.shape[1]
        fed = torch.zeros(B, self.Hd)
        y = torch.full((B,), bos, dtype=torch.long)
        outs, done = [], torch.zeros(B, dtype=torch.bool)
        for _ in range(max_len):
            logits, fed, h, c = self.step(y, fed, h, c, keys, memory, mask)
            y = logits.argmax(dim=1)
            outs.append(y)
            done |= y == eos
            if done.all():
                break
        return torch.stack(outs, dim=1).tolist()


def batches(pairs, B, rng):
    """Shuffled, then sorted by source length in chunks of 100 batches, cut into batches, shuffled."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    out = []
    for i in range(0, len(order), 100 * B):
        chunk = sorted(order[i:i + 100 * B], key=lambda k: len(pairs[k][0]))
        out += [chunk[j:j + B] for j in range(0, len(chunk), B)]
    rng.shuffle(out)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", required=True)
    ap.add_argument("--embedding", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--decoder-hidden", type=int, default=0)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--total-updates", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    train = read_split(f"{a.split}/train.tsv")
    test = read_split(f"{a.split}/test.tsv")
    src_vocab = ["<pad>", "<unk>"] + sorted({ch for s, _ in train for ch in s})
    tgt_vocab = ["<pad>", "<unk>", "<s>", "</s>"] + sorted({p for _, t in train for p in t})
    sid = {t: i for i, t in enumerate(src_vocab)}
    tid = {t: i for i, t in enumerate(tgt_vocab)}
    Hd = a.decoder_hidden or 2 * a.hidden
    model = G2P(len(src_vocab), len(tgt_vocab), a.embedding, a.hidden, Hd, a.layers, a.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    warmup = 200

    def lr_at(step):
        if a.total_updates <= 0:
            return a.lr
        if step < warmup:
            return a.lr * (step + 1) / warmup
        p = min(1.0, (step - warmup) / (a.total_updates - warmup))
        return a.lr * (1 + math.cos(math.pi * p)) / 2

    def tensors(idx, pairs):
        srcs = [[sid.get(ch, 1) for ch in pairs[k][0]] for k in idx]
        tgts = [[tid.get(p, 1) for p in pairs[k][1]] for k in idx]
        Ts, Tt = max(map(len, srcs)), max(map(len, tgts)) + 1
        src = torch.zeros(Ts, len(idx), dtype=torch.long)
        tin = torch.zeros(Tt, len(idx), dtype=torch.long)
        tout = torch.full((Tt, len(idx)), -100, dtype=torch.long)
        for b, (s, t) in enumerate(zip(srcs, tgts)):
            src[: len(s), b] = torch.tensor(s)
            tin[: len(t) + 1, b] = torch.tensor([tid["<s>"]] + t)
            tout[: len(t) + 1, b] = torch.tensor(t + [tid["</s>"]])
        return src, torch.tensor([len(s) for s in srcs]), tin, tout

    updates, pairs_done, train_seconds = 0, 0, 0.0
    budget = 60 * a.minutes
    model.train()
    while train_seconds < budget:
        for idx in batches(train, a.batch, rng):
            started = time.perf_counter()
            src, lengths, tin, tout = tensors(idx, train)
            logits = model(src, lengths, tin)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1), ignore_index=-100,
                                   label_smoothing=0.1)
            for g in opt.param_groups:
                g["lr"] = lr_at(updates)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            updates += 1
            pairs_done += len(idx)
            train_seconds += time.perf_counter() - started
            if updates % 200 == 0:
                print(f"update {updates}: loss {loss.item():.4f}, {pairs_done / train_seconds:.0f} pairs/s", flush=True)
            if train_seconds >= budget:
                break
    print(f"PyTorch {torch.__version__}, {a.threads} threads: {updates} updates in {train_seconds:.1f} s, "
          f"{pairs_done / train_seconds:.0f} pairs/s, {updates / train_seconds:.2f} updates/s", flush=True)
    # greedy test errors, a word right if any of its pronunciations matches
    model.eval()
    refs = {}
    for s, t in test:
        refs.setdefault("".join(s), []).append(t)
    words = list(refs)
    wrong, edits, length = 0, 0, 0
    for i in range(0, len(words), 256):
        chunk = words[i:i + 256]
        src, lengths, _, _ = tensors(list(range(len(chunk))), [(list(w), ["<unk>"]) for w in chunk])
        for w, ids in zip(chunk, model.greedy(src, lengths, tid["<s>"], tid["</s>"], 2 * src.shape[0] + 10)):
            out = [tgt_vocab[k] for k in (ids[: ids.index(tid["</s>"])] if tid["</s>"] in ids else ids)]
            best = min(refs[w], key=lambda r: edit_distance(out, r) / len(r))
            wrong += out not in refs[w]
            edits += edit_distance(out, best)
            length += len(best)
    print(f"test: {len(words)} words, greedy word error {100 * wrong / len(words):.2f} %, "
          f"phoneme error {100 * edits / length:.2f} %")


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


if __name__ == "__main__":
    main()
