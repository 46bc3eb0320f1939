"""xCCH / SCH decoding speed and Numba start-up cost (``python bench/bench_coding.py``).

* cold: a fresh interpreter with an empty ``NUMBA_CACHE_DIR`` imports :mod:`dsp.coding` (the kernels have
  explicit signatures, so they compile at import) and decodes one xCCH block and one SCH;
* cached: the same in another fresh interpreter reusing that cache (what a normal run pays);
* warm: xCCH decodes per second in this process (deinterleave + Viterbi + Fire syndrome + re-encoding),
  plus the Viterbi kernel alone and the SCH decoder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsp.coding import sch_decode, sch_encode, xcch_decode, xcch_deinterleave, xcch_encode  # noqa: E402
from dsp.viterbi import viterbi_decode  # noqa: E402

FIRST_CALL = """
import time, numpy as np, numba  # baseline imports, not counted
t0 = time.perf_counter()
from dsp.coding import xcch_decode, sch_decode, xcch_encode, sch_encode  # compiles (explicit signatures)
t1 = time.perf_counter()
soft = xcch_encode(bytes(23)).astype(np.float32) * 2 - 1
assert xcch_decode(soft).ok
assert sch_decode(sch_encode(7, 1).astype(np.float32) * 2 - 1) is not None
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""


def _first_call(cache_dir: str) -> tuple[float, float]:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1])


def _rate(fn, items, repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        for x in items:
            fn(x)
    return repeat * len(items) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--blocks", type=int, default=2000, help="noisy blocks to decode (default 2000)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        imp_cold, call_cold = _first_call(cache)
        imp_cached, call_cached = _first_call(cache)
    print(f"cold   (empty Numba cache): import dsp.coding {imp_cold:.2f} s (JIT), first xCCH+SCH decode "
          f"{call_cold * 1e3:.1f} ms")
    print(f"cached (warm Numba cache):  import dsp.coding {imp_cached:.2f} s, first xCCH+SCH decode "
          f"{call_cached * 1e3:.1f} ms")

    rng = np.random.default_rng(0)
    softs = []
    for _ in range(args.blocks):
        coded = xcch_encode(rng.integers(0, 256, 23, dtype=np.uint8).tobytes())
        softs.append((coded.astype(np.float32) * 2 - 1 + rng.normal(0, 0.5, coded.shape)).astype(np.float32))
    xcch_decode(softs[0])  # make sure everything is compiled
    per_s = _rate(xcch_decode, softs, 1)
    ok = sum(xcch_decode(s).ok for s in softs[:200])
    c456 = [np.ascontiguousarray(xcch_deinterleave(s)) for s in softs]
    vit_s = _rate(lambda c: viterbi_decode(c, 224), c456, 1)
    schs = [sch_encode(int(rng.integers(0, 64)), 51 * int(rng.integers(0, 50000)) + 11).astype(np.float32) * 2 - 1
            for _ in range(500)]
    sch_s = _rate(sch_decode, schs, 2)
    print(f"warm xCCH decode: {per_s:,.0f} blocks/s ({1e6 / per_s:.0f} us/block, {ok}/200 ok at sigma 0.5)")
    print(f"warm Viterbi alone (228 steps, 16 states): {vit_s:,.0f} blocks/s ({1e6 / vit_s:.0f} us)")
    print(f"warm SCH decode: {sch_s:,.0f} bursts/s")
    print(f"one ARFCN's TS0 carries at most 10 blocks per 51 frames = {10 / (51 * 120 / 26e3):.0f} blocks/s")


if __name__ == "__main__":
    main()
