"""Pure numeric kernels of sdrscan: arrays in, arrays out; no I/O, no logging, no mutable state.

Each stage has one module (``gmsk``, ``coding``, ``channelizer``, ``fcch``, ``sch``, ``equalizer`` ...).
Private ``@njit(cache=True)`` kernels live in ``dsp._kernels``; the public wrappers coerce dtypes and check
shapes. Lookup tables are passed to kernels as arguments (Numba freezes globals at compile time).
"""
