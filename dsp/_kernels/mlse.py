"""Burst demodulation kernels: least-squares channel estimation on a training sequence and a soft-output
MLSE (max-log-MAP over a 16-state trellis) for GMSK seen as a linear modulation.

Model (Laurent's linearisation of GMSK, TS 45.004 differential encoding): after de-rotating the received
signal by ``j**-n``, sample ``z[j]`` taken at symbol ``j`` is ``sum_k h[k] * b[j-k] + noise`` with real
pseudo-symbols ``b[j] = 1 - 2 * d[j]`` where ``d`` are the burst's bits as transmitted (tail, data,
stealing flags, training sequence). ``h`` (``N_TAPS`` complex taps) lumps together the GMSK pulse, the
receive filter, the propagation channel, the unknown carrier phase and the residual timing offset.

All kernels are pure: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from dsp._kernels.exports import N_TAPS, signature  # N_TAPS = 5: 4 symbol periods -> 16 trellis states

N_STATES = 16
_BIG = 1e30


@njit(cache=True)
def derotate_window(y, start, n_samples, sps, freq_cycles_per_sample, out):
    """Copy ``y[start:start+n_samples]`` into ``out``, removing the GMSK rotation and a frequency offset.

    Both are one continuous mixer over the index of ``y`` (the rotation is +90 degrees per symbol, i.e. a
    tone at a quarter of the symbol rate), so the channel estimates of bursts demodulated from the same
    ``y`` keep a common phase reference: their phase steps measure the residual frequency error.
    Samples outside ``y`` are zero.
    """
    w_rot = -np.pi / 2.0 / sps
    w_cfo = -2.0 * np.pi * freq_cycles_per_sample
    n_y = y.shape[0]
    for m in range(n_samples):
        idx = start + m
        if idx < 0 or idx >= n_y:
            out[m] = 0.0
        else:
            ph = (w_rot + w_cfo) * idx
            out[m] = y[idx] * complex(np.cos(ph), np.sin(ph))


@njit(cache=True)
def estimate_cir(z, pinv, train_first_obs, delays):
    """Least-squares channel estimate for each candidate delay; returns the best one.

    Parameters
    ----------
    z : complex64[:]  de-rotated samples at one per symbol; ``z[j + delay]`` holds symbol ``j``.
    pinv : complex128[N_TAPS, n_eq]  pseudo-inverse of the training matrix (rows: equations).
    train_first_obs : int  burst symbol index of the first equation (its 5 symbols all lie in training).
    delays : int64[:]  candidate offsets (samples of ``z``) to try.

    Returns ``(best_delay, h, residual_energy)`` where residual is per equation.
    """
    n_eq = pinv.shape[1]
    best_d = delays[0]
    best_energy = -1.0
    best_h = np.zeros(N_TAPS, np.complex128)
    for di in range(delays.shape[0]):
        d = delays[di]
        lo = train_first_obs + d
        if lo < 0 or lo + n_eq > z.shape[0]:
            continue
        h = np.zeros(N_TAPS, np.complex128)
        for k in range(N_TAPS):
            acc = 0.0 + 0.0j
            for r in range(n_eq):
                acc += pinv[k, r] * z[lo + r]
            h[k] = acc
        e = 0.0
        for k in range(N_TAPS):
            e += h[k].real * h[k].real + h[k].imag * h[k].imag
        if e > best_energy:
            best_energy = e
            best_d = d
            best_h[:] = h
    return best_d, best_h, best_energy


@njit(cache=True)
def training_residual(z, h, train_bits, train_start, delay):
    """Mean squared residual of the model on the training equations (noise variance estimate)."""
    n_train = train_bits.shape[0]
    acc = 0.0
    cnt = 0
    for j in range(train_start + N_TAPS - 1, train_start + n_train):
        idx = j + delay
        if idx < 0 or idx >= z.shape[0]:
            continue
        pred = 0.0 + 0.0j
        for k in range(N_TAPS):
            pred += h[k] * (1.0 - 2.0 * train_bits[j - k - train_start])
        e = z[idx] - pred
        acc += e.real * e.real + e.imag * e.imag
        cnt += 1
    if cnt <= N_TAPS:
        return 0.0
    # LS residual is biased low by the fitted parameters: divide by the degrees of freedom.
    return acc / (cnt - N_TAPS)


@njit(cache=True)
def mlse_soft(z, delay, h, known, n_sym, noise_var, soft_out):
    """Max-log-MAP equalizer over ``n_sym`` burst symbols; writes LLRs (positive = bit 1) to ``soft_out``.

    ``known[j]`` is 0 or 1 for a known bit (tail, training) and -1 for an unknown one. Two unknown symbols
    on either side of the burst are carried as free trellis inputs so that the edge observations, which
    also see the neighbouring timeslots, are used without bias.
    """
    pad = 2
    n_steps = n_sym + 2 * pad
    # expected[s, d]: noiseless sample for state s = (d[j-1], d[j-2], d[j-3], d[j-4]) and new bit d[j].
    expected = np.empty((N_STATES, 2), np.complex128)
    for s in range(N_STATES):
        for dj in range(2):
            acc = h[0] * (1.0 - 2.0 * dj)
            for k in range(1, N_TAPS):
                bit = (s >> (k - 1)) & 1
                acc += h[k] * (1.0 - 2.0 * bit)
            expected[s, dj] = acc
    alpha = np.empty((n_steps + 1, N_STATES))
    alpha[0, :] = 0.0
    gam = np.empty((n_steps, N_STATES, 2))
    for t in range(n_steps):
        j = t - pad
        idx = j + delay
        have_obs = idx >= 0 and idx < z.shape[0]
        kb = -1
        if j >= 0 and j < n_sym:
            kb = known[j]
        for s in range(N_STATES):
            for dj in range(2):
                if kb >= 0 and dj != kb:
                    gam[t, s, dj] = _BIG
                elif have_obs:
                    e = z[idx] - expected[s, dj]
                    gam[t, s, dj] = e.real * e.real + e.imag * e.imag
                else:
                    gam[t, s, dj] = 0.0
        for s2 in range(N_STATES):
            dj = s2 & 1
            best = _BIG * 4
            for x in range(2):
                s = (s2 >> 1) | (x << 3)
                m = alpha[t, s] + gam[t, s, dj]
                if m < best:
                    best = m
            alpha[t + 1, s2] = best
    beta = np.zeros(N_STATES)
    beta_new = np.empty(N_STATES)
    scale = 1.0 / max(noise_var, 1e-12)
    for t in range(n_steps - 1, -1, -1):
        j = t - pad
        best0 = _BIG * 4
        best1 = _BIG * 4
        for s in range(N_STATES):
            b0 = _BIG * 4
            for dj in range(2):
                s2 = ((s << 1) | dj) & (N_STATES - 1)
                m = gam[t, s, dj] + beta[s2]
                if m < b0:
                    b0 = m
                tot = alpha[t, s] + m
                if dj == 0:
                    if tot < best0:
                        best0 = tot
                elif tot < best1:
                    best1 = tot
            beta_new[s] = b0
        beta[:] = beta_new
        if 0 <= j < n_sym:
            llr = (best0 - best1) * scale
            if llr > 1e4:
                llr = 1e4
            elif llr < -1e4:
                llr = -1e4
            soft_out[j] = llr


@njit(signature("mlse", "demod_bursts"), cache=True)
def demod_bursts(y, starts, freq_cycles_per_sample, sps, known, train_bits, train_start, pinv,
                 max_delay, soft, timing, snr_lin, power, cir):
    """Demodulate a batch of bursts of one kind (normal with one TSC, or SCH) from one channel stream.

    Parameters
    ----------
    y : complex64[:]  channel samples at ``sps`` (1 or 2) samples per symbol.
    starts : float64[:]  predicted sample index of each burst's first symbol.
    freq_cycles_per_sample : float64[:]  frequency offset to remove per burst (cycles per sample).
    known : int8[:]  per burst symbol: 0/1 known bit, -1 unknown.
    train_bits : uint8[:]  the training sequence, at burst symbols ``train_start ..``.
    pinv : complex128[N_TAPS, n_eq]  least-squares matrix for that training sequence.
    max_delay : int  timing search range, in symbols, around the prediction.
    soft, timing, snr_lin, power, cir : outputs (n_bursts x 148 LLRs; timing error in symbols; CIR energy
        over noise variance; mean sample power; the chosen CIR).
    """
    n_sym = known.shape[0]
    margin = max_delay + N_TAPS + 2
    n_win_sym = n_sym + 2 * margin
    n_win = n_win_sym * sps
    win = np.empty(n_win, np.complex128)
    z = np.empty(n_win_sym, np.complex128)
    # Centre the search so that a pulse arriving exactly at the prediction peaks on the middle tap.
    centre = margin - N_TAPS // 2
    delays = np.arange(centre - max_delay, centre + max_delay + 1).astype(np.int64)
    first_obs = train_start + N_TAPS - 1
    for i in range(starts.shape[0]):
        s0 = int(np.floor(starts[i])) - margin * sps
        derotate_window(y, s0, n_win, sps, freq_cycles_per_sample[i], win)
        p = 0.0
        for m in range(margin * sps, (margin + n_sym) * sps):
            p += win[m].real * win[m].real + win[m].imag * win[m].imag
        power[i] = p / (n_sym * sps)
        best_e = -1.0
        best_phase = 0
        best_d = margin
        best_h = np.zeros(N_TAPS, np.complex128)
        for ph in range(sps):
            for n in range(n_win_sym):
                z[n] = win[n * sps + ph]
            d, h, e = estimate_cir(z, pinv, first_obs, delays)
            if e > best_e:
                best_e = e
                best_phase = ph
                best_d = d
                best_h[:] = h
        for n in range(n_win_sym):
            z[n] = win[n * sps + best_phase]
        nv = training_residual(z, best_h, train_bits, train_start, best_d)
        if nv <= 0.0:
            nv = 1e-12
        mlse_soft(z, best_d, best_h, known, n_sym, nv, soft[i])
        # Arrival time of the CIR's energy centroid relative to the prediction: continuous across changes
        # of the chosen delay and sampling phase, so the tracker can average it.
        e_sum = 0.0
        c_sum = 0.0
        for k in range(N_TAPS):
            ek = best_h[k].real * best_h[k].real + best_h[k].imag * best_h[k].imag
            e_sum += ek
            c_sum += k * ek
        centroid = c_sum / e_sum if e_sum > 0.0 else N_TAPS // 2
        timing[i] = (best_d - centre) + (centroid - N_TAPS // 2) + best_phase / sps
        snr_lin[i] = best_e / nv
        for k in range(N_TAPS):
            cir[i, k] = best_h[k]


@njit(signature("mlse", "fit_training"), cache=True)
def fit_training(y, starts, freq_cycles_per_sample, sps, train_bits, train_start, pinv, max_delay, snr_lin):
    """Only the channel-estimation half of :func:`demod_bursts`: how well each burst fits a training
    sequence (CIR energy over residual noise, best delay and phase). Used to recognise dummy bursts."""
    n_sym = 148
    margin = max_delay + N_TAPS + 2
    n_win_sym = n_sym + 2 * margin
    win = np.empty(n_win_sym * sps, np.complex128)
    z = np.empty(n_win_sym, np.complex128)
    centre = margin - N_TAPS // 2
    delays = np.arange(centre - max_delay, centre + max_delay + 1).astype(np.int64)
    first_obs = train_start + N_TAPS - 1
    for i in range(starts.shape[0]):
        s0 = int(np.floor(starts[i])) - margin * sps
        derotate_window(y, s0, n_win_sym * sps, sps, freq_cycles_per_sample[i], win)
        best = 0.0
        for ph in range(sps):
            for n in range(n_win_sym):
                z[n] = win[n * sps + ph]
            d, h, e = estimate_cir(z, pinv, first_obs, delays)
            nv = training_residual(z, h, train_bits, train_start, d)
            q = e / max(nv, 1e-12)
            if q > best:
                best = q
        snr_lin[i] = best
