"""Fuzz the RR parser: random 23-octet blocks, random blocks behind a valid RR header, mutations of real
messages. Every block must give a message or an RrParseError with a known reason (never "internal_error",
never another exception), and every parsed message must re-encode or raise EncodeError.

    python bench/fuzz_rr.py [--count 100000] [--seed 0]

Exits 1 on any failure. The lead wires this to ``make fuzz``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sdrscan.errors import RrParseError  # noqa: E402
from sdrscan.gsm.rr.bits import EncodeError  # noqa: E402
from sdrscan.gsm.rr.dispatch import MESSAGE_TYPES, REASONS, try_parse_rr  # noqa: E402

REAL = ROOT.parent / "shared" / "testdata" / "real"


def real_corpus() -> list[bytes]:
    """The real SI messages and burst-file blocks (empty list if the shared data is missing)."""
    out: list[bytes] = []
    si = REAL / "si_messages.json"
    if si.is_file():
        out += [bytes.fromhex(e["hex"]) for e in json.loads(si.read_text())]
    bursts = REAL / "bursts" / "grgsm_decode_test1_expected.txt"
    if bursts.is_file():
        for line in bursts.read_text().splitlines():
            if line.strip():
                out.append(bytes.fromhex("".join(line.split(":", 1)[1].split())))
    return out


def mutate(rng: random.Random, block: bytes) -> bytes:
    b = bytearray(block)
    kind = rng.randrange(5)
    if kind == 0:  # flip 1..8 bits
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b) * 8)
            b[i >> 3] ^= 0x80 >> (i & 7)
    elif kind == 1:  # overwrite an octet
        b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 2:  # truncate
        b = b[:rng.randrange(len(b) + 1)]
    elif kind == 3:  # randomise everything after the header
        for i in range(3, len(b)):
            b[i] = rng.randrange(256)
    else:  # random L2 pseudo length
        if b:
            b[0] = rng.randrange(64) << 2 | 1
    return bytes(b)


def blocks(seed: int, count: int, corpus: list[bytes]) -> Iterator[bytes]:
    """``count`` blocks: a third fully random, a third random behind a valid header, a third mutations."""
    rng = random.Random(seed)
    types = sorted(MESSAGE_TYPES)
    for i in range(count):
        k = i % 3
        if k == 0 or not corpus and k == 2:
            yield bytes(rng.randrange(256) for _ in range(23))
        elif k == 1:
            body = bytes(rng.randrange(256) for _ in range(20))
            yield bytes([rng.randrange(23) << 2 | 1, 0x06, rng.choice(types)]) + body
        else:
            yield mutate(rng, rng.choice(corpus))


def check(block: bytes, reasons: Counter[str]) -> str | None:
    """Parse and re-encode one block; return a failure description or None."""
    try:
        result = try_parse_rr(block)
    except Exception as exc:  # noqa: BLE001 - this is what we hunt
        return f"{block.hex()}: parser raised {type(exc).__name__}: {exc}"
    if isinstance(result, RrParseError):
        reasons[result.reason] += 1
        if result.reason not in REASONS or result.reason == "internal_error":
            return f"{block.hex()}: {result}"
        return None
    reasons["ok:" + result.NAME] += 1
    try:
        result.encode()
    except EncodeError:
        pass
    except Exception as exc:  # noqa: BLE001
        return f"{block.hex()}: re-encoding raised {type(exc).__name__}: {exc}"
    return None


def run(count: int, seed: int) -> tuple[Counter[str], list[str], float]:
    reasons: Counter[str] = Counter()
    failures: list[str] = []
    t0 = time.perf_counter()
    for block in blocks(seed, count, real_corpus()):
        problem = check(block, reasons)
        if problem:
            failures.append(problem)
    return reasons, failures, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    reasons, failures, dt = run(args.count, args.seed)
    print(f"{args.count} blocks in {dt:.1f} s ({args.count / dt:.0f}/s), seed {args.seed}")
    for key, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  {key:32s} {n}")
    for f in failures[:20]:
        print("FAIL", f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
