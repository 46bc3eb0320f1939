"""Sample-format conversions against the slow per-sample reference in ``naive_codec.py``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdrscan.errors import SourceError
from sdrscan.sources.formats import FORMATS, decode, encode, get_format

from .naive_codec import decode_naive, encode_naive

DATATYPES = list(FORMATS)


@pytest.mark.parametrize("datatype", DATATYPES)
def test_decode_matches_naive_on_every_code(datatype: str) -> None:
    fmt = FORMATS[datatype]
    rng = np.random.default_rng(7)
    if fmt.is_float:
        raw = rng.normal(scale=3.0, size=2000).astype("<f4").view(np.uint8)
    else:
        info = np.iinfo(fmt.component)
        codes = np.concatenate([np.arange(info.min, info.max + 1), rng.integers(info.min, info.max + 1, 1000)])
        raw = codes.astype(fmt.component).view(np.uint8)
        raw = raw[: len(raw) - len(raw) % fmt.bytes_per_sample]
    got, bad = decode(raw, fmt)
    want, want_bad = decode_naive(raw.tobytes(), datatype)
    assert got.dtype == np.complex64 and got.flags.c_contiguous
    assert bad == want_bad == 0
    # float32 results must equal the correctly rounded float64 reference exactly
    np.testing.assert_array_equal(got, np.array(want, dtype=np.complex64))


def test_cu8_extremes_and_midcode() -> None:
    got, _ = decode(np.array([0, 255, 127, 128], dtype=np.uint8), FORMATS["cu8"])
    assert got[0] == np.complex64(-1 + 1j) and got[1] == np.complex64(-1 / 255 + 1j / 255)


def test_cf32_nonfinite_counted_and_zeroed() -> None:
    x = np.array([1 + 1j, np.nan + 0j, 2 + 1j * np.inf, -np.inf - 1j, 0.5 - 0.5j], dtype=np.complex64)
    got, bad = decode(x.view(np.uint8), FORMATS["cf32_le"])
    want, want_bad = decode_naive(x.tobytes(), "cf32_le")
    assert bad == want_bad == 3
    np.testing.assert_array_equal(got, np.array(want, dtype=np.complex64))
    assert np.isfinite(got.view(np.float32)).all()


@pytest.mark.parametrize("datatype", DATATYPES)
@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.tuples(st.floats(-2, 2, width=32), st.floats(-2, 2, width=32)), max_size=64))
def test_encode_matches_naive(datatype: str, values: list[tuple[float, float]]) -> None:
    x = np.array([complex(i, q) for i, q in values], dtype=np.complex64)
    codes, clipped, bad = encode(x, FORMATS[datatype])
    # the reference works on the complex64 values (float32 * scale is exact in float64 for these scales)
    assert codes.tobytes() == encode_naive([complex(v) for v in x], datatype)
    assert bad == 0
    if datatype == "cf32_le":
        assert clipped == 0


def test_encode_cu8_rounds_and_counts_clipping() -> None:
    x = np.array([1.0 + 1j, -1.0 - 1j, 1.5 - 2j, 0j, 0.002 + 0.006j], dtype=np.complex64)
    codes, clipped, bad = encode(x, FORMATS["cu8"])
    # x*127.5+127.5: 255, 0, clip(318.75)=255, clip(-127.5)=0, 127.5 -> 128 (half to even), 127.755 -> 128, 128.265
    assert codes.tolist() == [255, 255, 0, 0, 255, 0, 128, 128, 128, 128]
    assert clipped == 2 and bad == 0


def test_encode_nonfinite_written_as_zero() -> None:
    x = np.array([np.nan + 1j, 1 + 0j], dtype=np.complex64)
    codes, _, bad = encode(x, FORMATS["ci16_le"])
    assert bad == 1 and codes.tolist() == [0, 0, 32767, 0]


@pytest.mark.parametrize("datatype", DATATYPES)
def test_round_trip_error_within_half_step(datatype: str) -> None:
    fmt = FORMATS[datatype]
    rng = np.random.default_rng(3)
    x = (rng.uniform(-0.99, 0.99, 5000) + 1j * rng.uniform(-0.99, 0.99, 5000)).astype(np.complex64)
    codes, clipped, _ = encode(x, fmt)
    y, _ = decode(codes.view(np.uint8), fmt)
    assert clipped == 0
    step = 0.0 if fmt.is_float else 1.0 / fmt.scale
    assert np.abs(y.real - x.real).max() <= step / 2 + 1e-7
    assert np.abs(y.imag - x.imag).max() <= step / 2 + 1e-7


@pytest.mark.parametrize(("alias", "name"), [("CS16", "ci16_le"), ("cfile", "cf32_le"), ("rtl", "cu8"),
                                             ("cs8", "ci8"), (" cu8 ", "cu8")])
def test_aliases(alias: str, name: str) -> None:
    assert get_format(alias).datatype == name


def test_unknown_format_is_one_line_error() -> None:
    with pytest.raises(SourceError, match="unknown sample format 'ri16'.*supported: cu8, ci8, ci16_le, cf32_le"):
        get_format("ri16")
