"""What every Python peer of the suite shares: bench/peers/child.ts's protocol, the timing loop of
bench/harness.ts step for step, and which BLAS library the process mapped. No torch here, so a
peer that needs only numpy (numpy_gemm.py) imports it too.
"""
import json
import math
import os
import time


class TooSlow(Exception):
    pass


def measure(run, warmup, share, budget):
    """bench/harness.ts measure(), step for step: returns (opsPerRep, repSeconds)."""
    warm = warmup or run
    start = time.perf_counter()
    fastest = math.inf
    while True:
        t0 = time.perf_counter()
        warm()
        fastest = min(fastest, time.perf_counter() - t0)
        if time.perf_counter() - start >= budget["warmupSeconds"]:
            break
    fixed = budget.get("fixedOps")
    max_seconds = budget.get("maxSeconds", math.inf)
    ops = fixed or 1
    if fixed is not None and budget.get("skipAboveSeconds") is not None and share is not None:
        rep_time = fastest / share * ops
        reps = min(budget["reps"], max(1, math.ceil(max_seconds / rep_time)))
        if reps * rep_time > budget["skipAboveSeconds"]:
            raise TooSlow(reps * rep_time, budget["skipAboveSeconds"])
    full_up_to = budget.get("fullWarmupUpToSeconds")
    if fixed is not None and full_up_to is not None and warmup is not None:
        if fastest / (share or 1) <= full_up_to:
            run()
    if fixed is None:
        if warmup is not None:
            t0 = time.perf_counter()
            run()
            fastest = time.perf_counter() - t0
        ops = max(1, math.ceil(budget["minRepSeconds"] / max(fastest, 1e-9)))
    rep_seconds = []
    timed = 0.0
    while len(rep_seconds) < budget["reps"] and timed < max_seconds:
        t0 = time.perf_counter()
        for _ in range(ops):
            run()
        seconds = time.perf_counter() - t0
        rep_seconds.append(seconds)
        timed += seconds
    return ops, rep_seconds


def blas_libraries():
    """The BLAS / LAPACK / MKL / OpenMP libraries this process mapped (Linux), to say which ran."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    keys = ("blas", "lapack", "mkl", "omp", "dnnl")
    return sorted(p for p in paths if any(k in os.path.basename(p).lower() for k in keys))


def emit(obj):
    print(json.dumps(obj), flush=True)


def run_job(job, build):
    """Time every configuration of a job, printing one line each as it finishes. build(config)
    returns (run, warmup, share) for bench/harness.ts's measure(); a failure of one configuration is
    reported as its line and the others still run."""
    for c in job["configs"]:
        try:
            run, warmup, share = build(c)
            ops, rep_seconds = measure(run, warmup, share, c["budget"])
            emit({"id": c["id"], "opsPerRep": ops, "repSeconds": rep_seconds})
        except TooSlow as e:
            emit({"id": c["id"], "tooSlow": e.args[0], "limit": e.args[1]})
        except Exception as e:
            emit({"id": c["id"], "error": f"{type(e).__name__}: {e}"})

