"""Complex FFTs for the receiver: scipy's compiled pocketfft, loaded without the rest of ``scipy.fft``.

``import scipy.fft`` also imports ``scipy.special``, ``scipy.linalg`` and SciPy's array-API layer: about
0.25 s of CPU at every CLI start on this machine (measured with ``python -X importtime``), for nothing the
receiver uses. The compiled ``pypocketfft`` extension inside it is self-contained and loads in ~20 ms, so it
is loaded directly; if a SciPy build lays its files out differently, ``scipy.fft`` is used instead (same
results, slower start).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np


def _load_pocketfft() -> ModuleType | None:
    spec = importlib.util.find_spec("scipy")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "fft" / "_pocketfft"
    for path in sorted(folder.glob("pypocketfft*.so")) + sorted(folder.glob("pypocketfft*.pyd")):
        try:
            mod_spec = importlib.util.spec_from_file_location("scipy.fft._pocketfft.pypocketfft", path)
            if mod_spec is None or mod_spec.loader is None:
                continue
            module = importlib.util.module_from_spec(mod_spec)
            mod_spec.loader.exec_module(module)
            return module
        except (ImportError, OSError):
            continue
    return None


_POCKETFFT = _load_pocketfft()


def fft(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Forward FFT along ``axis`` (complex64 in, complex64 out), unnormalised like ``numpy.fft.fft``."""
    if _POCKETFFT is not None:
        return _POCKETFFT.c2c(x, (axis % x.ndim,), True, 0, None, 1)
    import scipy.fft

    return scipy.fft.fft(x, axis=axis)


def ifft(x: np.ndarray, axis: int = -1, overwrite_x: bool = False) -> np.ndarray:
    """Inverse FFT along ``axis``, normalised by 1/n like ``numpy.fft.ifft``; may reuse ``x``'s memory."""
    if _POCKETFFT is not None:
        return _POCKETFFT.c2c(x, (axis % x.ndim,), False, 2, x if overwrite_x else None, 1)
    import scipy.fft

    return scipy.fft.ifft(x, axis=axis, overwrite_x=overwrite_x)


def using_scipy_fallback() -> bool:
    return _POCKETFFT is None
