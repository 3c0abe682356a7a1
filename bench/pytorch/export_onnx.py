#!/usr/bin/env python3
"""ONNX models of the suite's inference configurations, for the onnxruntime peer
(bench/peers/onnxruntime.ts): built with torch.nn from the shapes of bench/shapes.ts and written by
torch.onnx.export, whose nn.LSTM becomes ONNX's LSTM operator (one per layer).

  C3 (lm-generate): inputs ids (1, 1) int64, h0 and c0 (L, 1, H); outputs logits (1, 1, V), hN, cN
                    Gather (embedding) -> LSTM x L -> Gemm/MatMul (linear)
  C4 (lstm-infer):  input x (T, B, D); output y (T, B, H)                     one LSTM

Reads {"dir": "...", "configs": [{"id": "C3", "shape": {...}}, ...]} on standard input and writes
DIR/<id>.onnx for each; prints one JSON line per model: {"id": ..., "path": ...} or {"id": ..., "error": ...}.
"""
import inspect
import json
import os
import sys
import warnings

import torch
import torch.nn as nn

SEED = 1234


class CharLM(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.embedding = nn.Embedding(s["V"], s["E"])
        self.lstm = nn.LSTM(s["E"], s["H"], s["L"])
        self.head = nn.Linear(s["H"], s["V"])

    def forward(self, ids, h0, c0):
        y, (h, c) = self.lstm(self.embedding(ids), (h0, c0))
        return self.head(y), h, c


def export(c, directory):
    s = c["shape"]
    torch.manual_seed(SEED)
    path = os.path.join(directory, f"{c['id']}.onnx")
    if s["kind"] == "lm-generate":
        model = CharLM(s).eval()
        state = torch.zeros(s["L"], 1, s["H"])
        args = (torch.zeros(1, 1, dtype=torch.long), state, state)
        names = dict(input_names=["ids", "h0", "c0"], output_names=["logits", "hN", "cN"])
    elif s["kind"] == "lstm-infer":
        model = nn.LSTM(s["D"], s["H"], 1).eval()
        args = (torch.zeros(s["T"], s["B"], s["D"]),)
        names = dict(input_names=["x"], output_names=["y", "hN", "cN"])
    else:
        raise ValueError(f"no ONNX model for a {s['kind']} configuration")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # PyTorch 2.x defaults to its dynamo exporter, which needs the onnxscript package; the
        # TorchScript exporter (1.13's only one) needs nothing more
        legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
        torch.onnx.export(model, args, path, opset_version=14, **names, **legacy)
    return path


def main():
    job = json.load(sys.stdin)
    os.makedirs(job["dir"], exist_ok=True)
    for c in job["configs"]:
        try:
            print(json.dumps({"id": c["id"], "path": export(c, job["dir"])}), flush=True)
        except Exception as e:
            print(json.dumps({"id": c["id"], "error": f"{type(e).__name__}: {e}"}), flush=True)


if __name__ == "__main__":
    main()
