"""Growth with bundle size: load, assess and JSON from about 1,000 records to the input cap.

    python benchmarks/bench_growth.py [--scales 16,64,256,512]

Each generated bundle (`gen.bundle(rng, scale)`: `scale` multiplies the records) is written to a
file and read back as `safecomm assess` would: `load_evidence`, `assess`, `to_json`, each timed in
CPU seconds (median of 3) in this one process, with the collector as the library leaves it. The
exponent is the slope of log(time) over log(records) between the smallest and the largest bundle:
1.0 is linear. The largest scale must stay under the 5 MB evidence cap.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen  # noqa: E402


def records(data: dict) -> int:
    return sum(len(v) for v in data.values() if isinstance(v, list))


def cpu(func, runs: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.process_time()
        out = func()
        times.append(time.process_time() - start)
    return statistics.median(times), out


def main() -> None:
    from safecomm import assess, load_evidence, load_scheme

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="16,64,256,512")
    args = parser.parse_args()
    scheme = load_scheme()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (int(s) for s in args.scales.split(",")):
            data = gen.bundle(random.Random(7), scale)
            path = gen.write(data, Path(tmp) / f"s{scale}")
            size = path.stat().st_size
            load, ev = cpu(lambda: load_evidence(path))
            graded, result = cpu(lambda: assess(ev, scheme))
            dumped, _ = cpu(lambda: result.to_json())
            rows.append((records(data), size, load, graded, dumped))
            print(f"{records(data):>7} records {size / 1e6:5.2f} MB   load {load:6.3f} s   assess {graded:6.3f} s   json {dumped:6.3f} s   "
                  f"per record {load / records(data) * 1e6:5.0f} / {graded / records(data) * 1e6:5.0f} / {dumped / records(data) * 1e6:4.0f} µs")
    (n0, _, *first), (n1, _, *last) = rows[0], rows[-1]
    slope = [math.log(b / a) / math.log(n1 / n0) for a, b in zip(first, last)]
    print(f"exponent {n0} → {n1} records: load n^{slope[0]:.2f}, assess n^{slope[1]:.2f}, json n^{slope[2]:.2f}")


if __name__ == "__main__":
    main()
