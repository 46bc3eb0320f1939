"""Convolutional code kernels: a feed-forward rate-1/n encoder and a soft-decision Viterbi decoder.

The code is described entirely by tables built in :mod:`dsp.viterbi` and passed in:

* encoder: ``gens[r, i]`` is the coefficient of ``D**i`` in generator ``r`` (``K`` columns);
* decoder: state = the last ``K - 1`` input bits, newest in bit 0, so from state ``s`` input ``b`` leads to
  ``((s << 1) | b) & (n_states - 1)``. ``prev[ns, x]`` is the predecessor of ``ns`` whose oldest bit is
  ``x``; ``branch_out[ns, x]`` is the pattern of coded bits on that branch (bit ``r`` = output of generator
  ``r``). Soft bits follow the sign convention positive = 1.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from dsp._kernels.exports import signature

_NEG = -1.0e300  # metric of unreachable states: finite, so adding branch metrics never gives NaN


@njit(signature("conv", "conv_encode"), cache=True)
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


@njit(signature("conv", "viterbi"), cache=True)
def viterbi(soft, prev, branch_out, n_gen, n_steps, terminated):
    """Maximum-correlation path through the trellis; returns the ``n_steps`` decided input bits.

    The branch metric is the correlation of the step's ``n_gen`` soft bits with the branch's coded bits as
    +-1: for Gaussian noise and soft bits proportional to log-likelihood ratios this is the
    maximum-likelihood path. Erased bits (0.0) add nothing. The metrics of the ``2**n_gen`` possible output
    patterns are computed once per step. The encoder starts in state 0; a terminated trellis also ends in
    state 0 (the ``K - 1`` tail bits are zero), otherwise traceback starts from the best final state.
    """
    n_states = prev.shape[0]
    n_pat = 1 << n_gen
    metric = np.full(n_states, _NEG)
    metric[0] = 0.0
    new = np.empty(n_states)
    bm = np.empty(n_pat)
    decisions = np.zeros((n_steps, n_states), np.uint8)
    for t in range(n_steps):
        base = t * n_gen
        for pat in range(n_pat):
            acc = 0.0
            for r in range(n_gen):
                if (pat >> r) & 1:
                    acc += soft[base + r]
                else:
                    acc -= soft[base + r]
            bm[pat] = acc
        for ns in range(n_states):
            m0 = metric[prev[ns, 0]] + bm[branch_out[ns, 0]]
            m1 = metric[prev[ns, 1]] + bm[branch_out[ns, 1]]
            if m1 > m0:
                new[ns] = m1
                decisions[t, ns] = 1
            else:
                new[ns] = m0
                decisions[t, ns] = 0
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
