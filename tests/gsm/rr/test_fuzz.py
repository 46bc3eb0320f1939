"""Parsing never raises on garbage: random blocks and mutations of real messages give a message or a typed
RrParseError with a known reason, counted per reason (the long run is ``bench/fuzz_rr.py``)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_rr import blocks, check, mutate, real_corpus
from sdrscan.errors import RrParseError
from sdrscan.gsm.rr import REASONS, ParseStats, parse_rr
from sdrscan.gsm.rr.dispatch import MESSAGE_TYPES

CORPUS = real_corpus()


def test_seeded_fuzz_5000_blocks() -> None:
    reasons: Counter[str] = Counter()
    failures = [f for b in blocks(seed=1234, count=5000, corpus=CORPUS) if (f := check(b, reasons))]
    assert failures == []
    assert sum(reasons.values()) == 5000
    # the run reaches the deep parsers, not only the header checks
    assert sum(n for k, n in reasons.items() if k.startswith("ok:")) > 1000
    assert {"bad_pseudo_length", "bad_ie", "rest_octets", "not_rr"} <= set(reasons)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=0, max_size=30))
def test_random_blocks_never_raise_anything_else(block: bytes) -> None:
    try:
        parse_rr(block)
    except RrParseError as exc:
        assert exc.reason in REASONS and exc.reason != "internal_error", exc


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(MESSAGE_TYPES)), st.integers(0, 22), st.binary(min_size=20, max_size=20))
def test_random_bodies_behind_a_valid_header(mt: int, length: int, body: bytes) -> None:
    assert check(bytes([length << 2 | 1, 0x06, mt]) + body, Counter()) is None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.sampled_from(CORPUS or [bytes(23)]))
def test_mutations_of_real_messages(rng: object, block: bytes) -> None:
    assert check(mutate(rng, block), Counter()) is None  # type: ignore[arg-type]


def test_parse_stats_counts_per_reason() -> None:
    stats = ParseStats()
    for block in (b"", b"\x00\x06\x1b" + bytes(20), b"\x49\x05\x1b" + bytes(20), b"\x49\x16\x1b" + bytes(20),
                  b"\x49\x06\x99" + bytes(20), b"\x01" + b"\x2b" * 22, bytes.fromhex(CORPUS[0].hex()) if CORPUS
                  else b"\x01" + b"\x2b" * 22):
        stats.parse(block)
    assert stats.failed == {"short_block": 1, "bad_pseudo_length": 1, "not_rr": 1, "skip_indicator": 1,
                            "unknown_message_type": 1}
    assert stats.total == 7 and stats.ok["FILL"] >= 1
    assert set(stats.as_dict()) == {"ok", "failed"}


def test_errors_are_one_line_with_a_reason() -> None:
    try:
        parse_rr(b"\x0d\x06\x1b\x00")  # pseudo length 3, but an SI3 needs 16 octets of IEs
    except RrParseError as exc:
        assert exc.reason == "short_block" and "\n" not in str(exc) and str(exc).startswith("short_block: SI3")
    else:  # pragma: no cover
        raise AssertionError("a 4-octet SI3 must not parse")
