"""Private Numba kernels of :mod:`dsp`, one module per family (``fcch``, ``gmsk``, ``mlse``, ``conv``, ``fire`` ...).

Kernels take contiguous arrays and scalars only; every lookup table comes in as an argument, because Numba
freezes module globals at compile time and its on-disk cache does not notice when they change. Call them
through the checked public wrappers in ``dsp/<stage>.py``, never directly.
"""
