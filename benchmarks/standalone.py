"""Standalone baseline for the cold-build benchmark: run the site's chains in ONE warm interpreter.

Usage: python benchmarks/standalone.py CHAINS.pickle OUT.json

The interpreter imports torch, torchvision, numpy and matplotlib first (untimed), then
runs every chain's blocks in a fresh namespace with seeds 0, one torch thread, a fresh
temporary working directory and Agg matplotlib, timing only the exec of each block.
No figure scraping, no output capture beyond discarding stdout, no processes: the
"same code, run by hand" the engine's cold build is compared with.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import random
import signal
import sys
import tempfile
import time


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout()


def main(chains_path: str, out_path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import torch
    import torchvision  # noqa: F401

    with open(chains_path, "rb") as handle:
        chains = pickle.load(handle)
    signal.signal(signal.SIGALRM, _alarm)
    home = os.getcwd()
    rows = []
    for chain in chains:
        workdir = tempfile.mkdtemp(prefix="bench-standalone-")
        os.chdir(workdir)
        random.seed(0)
        np.random.seed(0)
        torch.manual_seed(0)
        torch.set_num_threads(1)
        matplotlib.rcdefaults()
        matplotlib.use("Agg")
        plt.close("all")
        namespace = {"__name__": "__main__"}
        seconds, cpu, status = 0.0, 0.0, "ok"
        for block in chain.blocks:
            code = compile("\n" * block.line + block.code, block.page, "exec")
            sink = io.StringIO()
            signal.setitimer(signal.ITIMER_REAL, block.options.timeout)
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    exec(code, namespace)  # noqa: S102 - the benchmark's whole point
            except _Timeout:
                status = "timeout"
            except SystemExit:
                status = "sys.exit"
            except BaseException as exc:  # noqa: BLE001
                status = f"raised {type(exc).__name__}"
            finally:
                seconds += time.perf_counter() - start
                cpu += time.process_time() - start_cpu
                signal.setitimer(signal.ITIMER_REAL, 0)
            if status != "ok":
                break
        plt.close("all")
        os.chdir(home)
        rows.append({"where": chain.head.where, "blocks": len(chain.blocks), "seconds": seconds, "cpu": cpu,
                     "status": status})
        print(f"  standalone {chain.head.where}: {seconds:.2f} s {status}", file=sys.stderr, flush=True)
    with open(out_path, "w") as handle:
        json.dump(rows, handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
