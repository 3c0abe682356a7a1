#!/usr/bin/env python3
"""PyTorch peer of bench/speech-fsdd.ts: the same CTC recogniser, features and recipe on the Free
Spoken Digit Dataset, to measure how fast this machine trains it outside the library and how
accurate it gets.

Features (as src/audio/features.ts, defaults at 8 kHz): pre-emphasis 0.97 (y[0] kept), periodic
Hann window of 200 samples centred in 256-point frames every 80 samples (librosa's centre padding
with zeros), power spectrum, 40 slaney mel bands 0-4 kHz, natural log (floor 1e-10), orthonormal
DCT-II to 13 MFCCs, delta and delta-delta (librosa, width 5, edges replicated), per-utterance mean
and variance normalisation. Two frames stacked per step.
Network: bidirectional LSTM (2 layers x 128, dropout 0.1 between) -> Linear(256, 11) -> CTC
(blank 0, mean reduction). Adam lr 3e-3, cosine to 0 after 100 warm-up updates over the planned
updates, global-norm clip 5, batches of 32 of similar length in shuffled order, 10 % of the
training clips held out, the weights of the lowest validation loss kept (patience 6).

Tasks: isolated (official split: takes 0-4 test) and connected (3-7 clips of one speaker joined
with 50-300 ms of silence and white noise sigma 0.003; generated here with Python's generator, so
the same distribution as the TypeScript bench but not the same utterances).

Usage: /tmp/torchenv/bin/python bench/pytorch/speech_fsdd.py --task isolated [--epochs 30]
       [--minutes 15] [--threads 2] [--utterances 4000]
"""
import argparse
import glob
import math
import os
import random
import time

import librosa
import numpy as np
import soundfile
import torch
import torch.nn as nn

RATE = 8000


def features(y):
    y = librosa.effects.preemphasis(y, coef=0.97, zi=0)
    spec = np.abs(librosa.stft(y, n_fft=256, hop_length=80, win_length=200, window="hann", center=True,
                               pad_mode="constant")) ** 2
    mel = librosa.filters.mel(sr=RATE, n_fft=256, n_mels=40, fmin=0, fmax=RATE / 2, dtype=np.float64) @ spec
    mfcc = librosa.feature.mfcc(S=np.log(np.maximum(mel, 1e-10)), n_mfcc=13)
    full = np.concatenate([mfcc, librosa.feature.delta(mfcc, width=5, mode="nearest"),
                           librosa.feature.delta(mfcc, width=5, order=2, mode="nearest")]).T
    std = full.std(axis=0)
    full = (full - full.mean(axis=0)) / np.sqrt(np.maximum(std ** 2, 1e-10))
    frames = full.shape[0]
    steps = (frames + 1) // 2
    stacked = np.zeros((steps, 2 * full.shape[1]), dtype=np.float32)
    for t in range(frames):
        stacked[t // 2, (t % 2) * full.shape[1]:(t % 2 + 1) * full.shape[1]] = full[t]
    return torch.from_numpy(stacked)


def load(folder):
    clips = []
    for path in sorted(glob.glob(os.path.join(folder, "*.wav"))):
        digit, speaker, take = os.path.basename(path)[:-4].split("_")
        y, rate = soundfile.read(path, dtype="float64")
        assert rate == RATE
        clips.append((digit, speaker, int(take), y))
    return clips


def connected(clips, count, rng):
    by_speaker = {}
    for c in clips:
        by_speaker.setdefault(c[1], []).append(c)
    speakers = sorted(by_speaker)
    out = []
    for _ in range(count):
        own = by_speaker[rng.choice(speakers)]
        parts = [rng.choice(own) for _ in range(rng.randint(3, 7))]
        gaps = [np.zeros(round(RATE * rng.uniform(0.05, 0.3))) for _ in range(len(parts) + 1)]
        pieces = [gaps[0]]
        for part, gap in zip(parts, gaps[1:]):
            pieces += [part[3], gap]
        y = np.concatenate(pieces)
        y = y + 0.003 * np.random.default_rng(rng.randrange(2 ** 31)).standard_normal(len(y))
        out.append(("".join(p[0] for p in parts), y))
    return out


class Recogniser(nn.Module):
    def __init__(self, inputs, hidden, layers, dropout):
        super().__init__()
        self.lstm = nn.LSTM(inputs, hidden, layers, bidirectional=True, dropout=dropout if layers > 1 else 0)
        self.head = nn.Linear(2 * hidden, 11)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        y, _ = self.lstm(packed)
        y, _ = nn.utils.rnn.pad_packed_sequence(y)
        return self.head(y).log_softmax(-1)


def batches(items, size, rng):
    order = list(range(len(items)))
    rng.shuffle(order)
    pool = 50 * size
    out = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: items[i][0].shape[0])
        out += [chunk[s:s + size] for s in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def collate(items, idx):
    xs = [items[i][0] for i in idx]
    lengths = torch.tensor([x.shape[0] for x in xs])
    targets = [torch.tensor([int(c) + 1 for c in items[i][1]]) for i in idx]
    return (nn.utils.rnn.pad_sequence(xs), lengths, torch.cat(targets), torch.tensor([len(t) for t in targets]))


def greedy(logp, lengths):
    best = logp.argmax(-1).T
    out = []
    for row, n in zip(best.tolist(), lengths.tolist()):
        text, previous = [], 0
        for c in row[:n]:
            if c != 0 and c != previous:
                text.append(str(c - 1))
            previous = c
        out.append("".join(text))
    return out


def edit_distance(a, b):
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        previous, row[0] = row[0], i
        for j in range(1, len(b) + 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] != b[j - 1]))
    return row[len(b)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", default="isolated")
    p.add_argument("--data", default="../shared/data/fsdd/recordings")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--minutes", type=float, default=15)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--utterances", type=int, default=4000)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    rng = random.Random(1)
    clips = load(args.data)
    train_clips = [c for c in clips if c[2] >= 5]
    test_clips = [c for c in clips if c[2] < 5]
    if args.task == "isolated":
        train = [(c[0], c[3]) for c in train_clips]
        test = [(c[0], c[3]) for c in test_clips]
    else:
        train = connected(train_clips, args.utterances, rng)
        test = connected(test_clips, 500, rng)
    started = time.perf_counter()
    train = [(features(y), text) for text, y in train]
    test = [(features(y), text) for text, y in test]
    print(f"features: {time.perf_counter() - started:.1f} s")
    rng.shuffle(train)
    held = round(0.1 * len(train))
    valid, train = train[:held], train[held:]
    model = Recogniser(train[0][0].shape[1], args.hidden, args.layers, 0.1)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    total = math.ceil(args.epochs * len(train) / 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda u: (u + 1) / 100 if u < 100 else 0.5 * (1 + math.cos(math.pi * min(1, (u - 100) / max(1, total - 100)))))
    ctc = nn.CTCLoss(blank=0, reduction="mean")
    best, best_state, since, training_seconds = float("inf"), None, 0, 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        losses = []
        for idx in batches(train, 32, rng):
            x, lengths, targets, target_lengths = collate(train, idx)
            loss = ctc(model(x, lengths), targets, lengths, target_lengths)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5)
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
        training_seconds += time.perf_counter() - t0
        model.eval()
        valid_loss = 0.0
        with torch.no_grad():
            for idx in batches(valid, 64, random.Random(0)):
                x, lengths, targets, target_lengths = collate(valid, idx)
                valid_loss += ctc(model(x, lengths), targets, lengths, target_lengths).item() * len(idx) / len(valid)
        print(f"  epoch {epoch}: training {np.mean(losses):.4f}, validation {valid_loss:.4f}, "
              f"training {training_seconds:.0f} s", flush=True)
        if valid_loss < best:
            best, since = valid_loss, 0
            best_state = {k: t.clone() for k, t in model.state_dict().items()}
        else:
            since += 1
            if since >= 6:
                break
        if training_seconds > 60 * args.minutes:
            break
    model.load_state_dict(best_state)
    model.eval()
    exact, edits, chars = 0, 0, 0
    with torch.no_grad():
        for s in range(0, len(test), 64):
            idx = list(range(s, min(len(test), s + 64)))
            x, lengths, _, _ = collate(test, idx)
            for i, guess in zip(idx, greedy(model(x, lengths), lengths)):
                exact += guess == test[i][1]
                edits += edit_distance(guess, test[i][1])
                chars += len(test[i][1])
    print(f"PyTorch {torch.__version__} ({args.threads} threads), {args.task}: accuracy {100 * exact / len(test):.2f} %, "
          f"character error {100 * edits / chars:.2f} %, {len(test)} test utterances, "
          f"training {training_seconds:.0f} s for {epoch} epochs ({training_seconds / epoch:.1f} s per epoch)")


if __name__ == "__main__":
    main()
