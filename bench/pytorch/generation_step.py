#!/usr/bin/env python3
"""One generation step of a character LM on PyTorch, the peer of bench/serve-load.ts's ceiling
rows: Embedding(V, E) -> LSTM(E, H, L layers) -> Linear(H, V) over one character for B streams,
each with its own carried state, under torch.inference_mode (what a PyTorch server would run).

    python generation_step.py V E H L B [B ...]   -> one JSON line: {"torch": ..., "threads": ...,
                                                     "steps": {"B": median ms, ...}}
The thread count is torch's default (every core); each batch size is timed over repeated steps
after a warm-up, and the median of 7 rounds is reported.
"""
import json
import statistics
import sys
import time

import torch


def main():
    vocab, embedding, hidden, layers, *batches = (int(a) for a in sys.argv[1:])
    torch.manual_seed(1)
    embed = torch.nn.Embedding(vocab, embedding)
    lstm = torch.nn.LSTM(embedding, hidden, layers)
    head = torch.nn.Linear(hidden, vocab)
    steps = {}
    with torch.inference_mode():
        for b in batches:
            ids = torch.randint(0, vocab, (1, b))
            state = (torch.zeros(layers, b, hidden), torch.zeros(layers, b, hidden))

            def step():
                nonlocal state
                out, state = lstm(embed(ids), state)
                torch.softmax(head(out[0]), dim=-1)

            for _ in range(20):
                step()
            repeats = max(5, 400 // b)
            rounds = []
            for _ in range(7):
                start = time.perf_counter()
                for _ in range(repeats):
                    step()
                rounds.append((time.perf_counter() - start) * 1000 / repeats)
            steps[str(b)] = statistics.median(rounds)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "steps": steps}))


if __name__ == "__main__":
    main()
