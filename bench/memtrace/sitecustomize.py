"""Opt-in allocation tracing for a benchmark's gateway process (`memory.py --trace DIR`).

Put on the gateway's PYTHONPATH only by the benchmark, so nothing in the gateway itself
changes: when BENCH_TRACEMALLOC_DIR is set, tracemalloc starts before the gateway is
imported and a daemon thread writes, every BENCH_TRACEMALLOC_SECONDS, the allocations that
grew most (by file:line) and the object types whose counts grew most, both against the first
checkpoint (the end of the warm-up), to DIR/checkpoint-NNN.txt.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path

TOP = 25


def _type_counts() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def _trace(out: Path, every: float, first_after: float) -> None:
    time.sleep(first_after)
    base = tracemalloc.take_snapshot()
    base_types = _type_counts()
    n = 0
    while True:
        time.sleep(every)
        n += 1
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        types = _type_counts()
        objects = sum(types.values())
        lines = [
            f"checkpoint {n}: {n * every:.0f} s after the base snapshot; "
            f"traced {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MiB; "
            f"gc objects {objects:,} ({objects - sum(base_types.values()):+,})",
            "",
            "top growth by line (size diff, count diff):",
        ]
        for stat in snap.compare_to(base, "lineno")[:TOP]:
            frame = stat.traceback[0]
            lines.append(
                f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+8,}  "
                f"{frame.filename}:{frame.lineno}"
            )
        lines += ["", "top growth by object type (count diff, now):"]
        grown = Counter({k: types[k] - base_types.get(k, 0) for k in types})
        for name, diff in grown.most_common(TOP):
            lines.append(f"  {diff:+8,} {types[name]:9,}  {name}")
        (out / f"checkpoint-{n:03d}.txt").write_text("\n".join(lines) + "\n")


def _start() -> None:
    target = os.environ.get("BENCH_TRACEMALLOC_DIR")
    if not target:
        return
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(int(os.environ.get("BENCH_TRACEMALLOC_FRAMES", "1")))
    every = float(os.environ.get("BENCH_TRACEMALLOC_SECONDS", "30"))
    first_after = float(os.environ.get("BENCH_TRACEMALLOC_FIRST", "60"))
    threading.Thread(target=_trace, args=(out, every, first_after), daemon=True).start()


_start()
