"""Binary cyclic-code kernel: remainder of a polynomial over GF(2) modulo a generator.

Serves the Fire code of the control channels (TS 45.003 §4.1.2, degree 40) and the SCH parity code
(§4.7, degree 10). Both are systematic codes written with the first transmitted bit as the highest power
of ``D``, so the bits are fed in transmission order.
"""

from __future__ import annotations

from numba import njit

from dsp._kernels.exports import signature


@njit(signature("fire", "poly_mod"), cache=True)
def poly_mod(bits, gen, degree):
    """``bits(D) mod g(D)`` as an integer (bit ``i`` = coefficient of ``D**i``).

    ``bits[0]`` is the coefficient of the highest power ``D**(len-1)``. ``gen`` holds every coefficient of
    ``g`` including ``D**degree`` (so ``degree <= 62``). Plain long division: shift the next coefficient in,
    and subtract ``g`` whenever the register reaches degree ``degree``.
    """
    reg = 0
    top = 1 << degree
    for i in range(bits.shape[0]):
        reg = (reg << 1) | (int(bits[i]) & 1)  # int(): keep the register int64 with NUMBA_DISABLE_JIT too
        if reg & top:
            reg ^= gen
    return reg
