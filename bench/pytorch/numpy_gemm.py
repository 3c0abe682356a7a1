#!/usr/bin/env python3
"""The suite's GEMM configurations on numpy: the `openblas` peer of bench/peers/openblas.ts.

numpy.matmul on float32 arrays calls the BLAS library numpy was linked with (Debian's
python3-numpy: libblas.so.3, which libopenblas0 provides once installed); the transposes are
views, which numpy hands to sgemm as transpose flags. The thread count comes from the environment
(OPENBLAS_NUM_THREADS, set by the caller). Same protocol and timing as suite.py; with --about it
prints numpy's version and the BLAS library it mapped.
"""
import json
import sys

import numpy as np

from protocol import blas_libraries, emit, run_job

SEED = 1234


def gemm(s, rng):
    n = s["n"]
    a = (rng.random((n, n), dtype=np.float32) * 2 - 1).astype(np.float32)
    b = (rng.random((n, n), dtype=np.float32) * 2 - 1).astype(np.float32)
    c = np.empty((n, n), dtype=np.float32)
    opa = a.T if s["transA"] else a
    opb = b.T if s["transB"] else b
    return (lambda: np.matmul(opa, opb, out=c)), None, None


def main():
    if "--about" in sys.argv:
        np.ones((64, 64), dtype=np.float32) @ np.ones((64, 64), dtype=np.float32)  # map the BLAS library
        emit({"numpy": np.__version__, "python": sys.version.split()[0], "executable": sys.executable,
              "libraries": blas_libraries()})
        return
    job = json.load(sys.stdin)

    def build(c):
        if c["shape"]["kind"] != "gemm":
            raise ValueError("this peer runs the GEMM configurations only")
        return gemm(c["shape"], np.random.default_rng(SEED))

    run_job(job, build)

if __name__ == "__main__":
    main()
