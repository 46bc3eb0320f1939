"""Convolutional code kernels: a feed-forward rate-1/n encoder and a soft-decision Viterbi decoder.

The code is described entirely by tables built in :mod:`dsp.viterbi` and passed in:

* encoder: ``gens[r, i]`` is the coefficient of ``D**i`` in generator ``r`` (``K`` columns);
* decoder: state = the last ``K - 1`` input bits, newest in bit 0, so from state ``s`` input ``b`` leads to
  ``((s << 1) | b) & (n_states - 1)``. ``prev[ns, x]`` is the predecessor of ``ns`` whose oldest bit is
  ``x``; ``branch_sign[ns, x, r]`` is the expected coded bit of generator ``r`` on that branch as +1 (bit 1)
  or -1 (bit 0), matching the soft-bit sign convention (positive = 1).
"""

from __future__ import annotations

import numpy as np
from numba import boolean, float32, int32, int64, njit, uint8, void

_NEG = -1.0e300  # metric of unreachable states (finite, so sums never produce NaN)


@njit(void(uint8[:], uint8[:, :], uint8[:]), cache=True)
def conv_encode(u, gens, out):
    """``out[n*t + r] = sum_i gens[r, i] * u[t - i]  (mod 2)`` with ``u[t] = 0`` for ``t < 0``."""
    n_gen, k = gens.shape
    for t in range(u.shape[0]):
        for r in range(n_gen):
            acc = 0
            for i in range(k):
                if gens[r, i] != 0 and t - i >= 0:
                    acc ^= u[t - i]
            out[t * n_gen + r] = acc


@njit(uint8[:](float32[:], int32[:, :], float32[:, :, :], int64, boolean), cache=True)
def viterbi(soft, prev, branch_sign, n_steps, terminated):
    """Maximum-correlation path through the trellis; returns the ``n_steps`` decided input bits.

    The branch metric is ``sum_r soft[n*t + r] * branch_sign[ns, x, r]``: for Gaussian noise and soft bits
    proportional to log-likelihood ratios this is the maximum-likelihood path. Erased bits (0.0) add
    nothing. The encoder starts in state 0; a terminated trellis also ends in state 0 (the ``K - 1`` tail
    bits are zero), otherwise traceback starts from the best final state.
    """
    n_states = prev.shape[0]
    n_gen = branch_sign.shape[2]
    metric = np.full(n_states, _NEG)
    metric[0] = 0.0
    new = np.empty(n_states)
    decisions = np.zeros((n_steps, n_states), np.uint8)
    for t in range(n_steps):
        base = t * n_gen
        for ns in range(n_states):
            best = _NEG
            best_x = 0
            for x in range(2):
                p = prev[ns, x]
                if metric[p] <= _NEG:
                    continue
                bm = 0.0
                for r in range(n_gen):
                    bm += soft[base + r] * branch_sign[ns, x, r]
                m = metric[p] + bm
                if m > best:
                    best = m
                    best_x = x
            new[ns] = best
            decisions[t, ns] = best_x
        for s in range(n_states):
            metric[s] = new[s]
    s = 0
    if not terminated:
        for i in range(1, n_states):
            if metric[i] > metric[s]:
                s = i
    out = np.empty(n_steps, np.uint8)
    for t in range(n_steps - 1, -1, -1):
        out[t] = s & 1
        s = prev[s, decisions[t, s]]
    return out
