"""Feed-forward convolutional codes: encoder and soft-decision Viterbi decoder.

GSM protects the control channels (TS 45.003 §4.1.3), the SCH (§4.7), RACH and the class-1 bits of TCH/FS
(§3.1.3) with the same rate-1/2, constraint-length-5 code

    G0 = 1 + D^3 + D^4,    G1 = 1 + D + D^3 + D^4,

``c(2k) = u(k) + u(k-3) + u(k-4)``, ``c(2k+1) = u(k) + u(k-1) + u(k-3) + u(k-4)`` (mod 2), ``u(k) = 0`` for
``k < 0``, terminated by ``K - 1 = 4`` zero tail bits. :data:`GSM_K5` describes it; other feed-forward
rate-1/n codes work by building another :class:`ConvCode`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dsp import _kernels
from sdrscan.errors import DspParameterError

_k = _kernels.load("conv")


@dataclass(frozen=True, slots=True)
class ConvCode:
    """A rate-1/n feed-forward convolutional code.

    ``generators[r][i]`` is the coefficient of ``D**i`` in generator polynomial ``r``; all rows have the
    constraint length ``K`` as their length. Coded bits are emitted generator by generator for each input
    bit: ``c(n*k + r)``.
    """

    generators: tuple[tuple[int, ...], ...]

    @property
    def k(self) -> int:
        """Constraint length K (input bits in the encoder's window)."""
        return len(self.generators[0])

    @property
    def n_gen(self) -> int:
        """Coded bits per input bit (the inverse of the rate)."""
        return len(self.generators)

    @property
    def tail_bits(self) -> int:
        """Zero bits that return the encoder to state 0 (K - 1)."""
        return self.k - 1


# TS 45.003 §4.1.3: G0 = 1 + D^3 + D^4, G1 = 1 + D + D^3 + D^4 (coefficients of D^0 .. D^4).
GSM_K5 = ConvCode(generators=((1, 0, 0, 1, 1), (1, 1, 0, 1, 1)))


@lru_cache(maxsize=8)
def _tables(code: ConvCode) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Encoder taps and the decoder's predecessor / branch-output tables (see :mod:`dsp._kernels.conv`)."""
    gens = np.array(code.generators, dtype=np.uint8)
    if gens.ndim != 2 or gens.shape[1] < 2 or not np.all((gens == 0) | (gens == 1)):
        raise DspParameterError(f"generators={code.generators!r} invalid; expected equal-length rows of 0/1")
    k = code.k
    n_states = 1 << (k - 1)
    prev = np.empty((n_states, 2), np.int32)
    out = np.empty((n_states, 2), np.int32)
    for ns in range(n_states):
        b = ns & 1
        for x in range(2):
            p = (ns >> 1) | (x << (k - 2))
            prev[ns, x] = p
            # Window u(t), u(t-1), ..., u(t-K+1): the input, then the state's bits newest first.
            window = [b] + [(p >> i) & 1 for i in range(k - 1)]
            pattern = 0
            for r in range(code.n_gen):
                bit = 0
                for i in range(k):
                    bit ^= int(gens[r, i]) & window[i]
                pattern |= bit << r
            out[ns, x] = pattern
    return gens, prev, out


def conv_encode(u: np.ndarray, *, terminated: bool = True, code: ConvCode = GSM_K5) -> np.ndarray:
    """Encode bits ``u``; with ``terminated`` the ``K - 1`` zero tail bits are appended first.

    Parameters
    ----------
    u : array of 0/1, shape (n,)
        Input bits ``u(0 .. n-1)`` in transmission order.
    terminated : bool
        Append ``code.tail_bits`` zeros (TS 45.003 §4.1.2 / §4.7 tail bits) before encoding.
    code : ConvCode
        The code; default the GSM K=5 rate-1/2 code.

    Returns
    -------
    numpy.ndarray, uint8, shape (code.n_gen * (n + tail),)
        Coded bits ``c(0 ..)`` in transmission order.

    References
    ----------
    TS 45.003 §4.1.3.
    """
    bits = _as_bits(u, "u")
    gens, _, _ = _tables(code)
    if terminated:
        bits = np.concatenate([bits, np.zeros(code.tail_bits, np.uint8)])
    out = np.empty(bits.size * code.n_gen, np.uint8)
    _k.conv_encode(bits, gens, out)
    return out


def viterbi_decode(soft: np.ndarray, n_out_bits: int, *, terminated: bool = True,
                   code: ConvCode = GSM_K5) -> np.ndarray:
    """Soft-decision maximum-likelihood decoding of a convolutional code.

    Parameters
    ----------
    soft : float32 array, shape (code.n_gen * (n_out_bits + tail),)
        Soft coded bits in transmission order, positive = 1, magnitude = confidence, 0.0 = erased (e.g.
        punctured or stolen bits). ``tail`` is ``code.tail_bits`` when ``terminated`` else 0.
    n_out_bits : int
        Number of information bits to return (tail bits excluded).
    terminated : bool
        The encoder was flushed with ``K - 1`` zero bits, so the path must end in state 0.
    code : ConvCode
        The code; default the GSM K=5 rate-1/2 code.

    Returns
    -------
    numpy.ndarray, uint8, shape (n_out_bits,)

    Raises
    ------
    DspParameterError
        If ``soft`` does not have the length implied by ``n_out_bits``.
    """
    _, prev, branch_out = _tables(code)
    n_out = int(n_out_bits)
    n_steps = n_out + (code.tail_bits if terminated else 0)
    x = np.ascontiguousarray(soft, dtype=np.float32)
    if n_out < 0 or x.ndim != 1 or x.size != n_steps * code.n_gen:
        raise DspParameterError(
            f"soft has shape {x.shape} for n_out_bits={n_out_bits}; expected ({n_steps * code.n_gen},) "
            f"= {code.n_gen} x ({n_out} + {n_steps - n_out} tail) soft bits")
    if not np.all(np.isfinite(x)):
        raise DspParameterError("soft bits contain NaN or inf; expected finite float32 values (0.0 = erased)")
    bits = _k.viterbi(x, prev, branch_out, code.n_gen, n_steps, terminated)
    return bits[:n_out]


def _as_bits(u: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(u)
    if arr.ndim != 1:
        raise DspParameterError(f"{name} has shape {arr.shape}; expected a 1-D array of 0/1 bits")
    if arr.size and not np.all((arr == 0) | (arr == 1)):
        raise DspParameterError(f"{name} holds values other than 0/1; expected hard bits")
    return np.ascontiguousarray(arr, dtype=np.uint8)
