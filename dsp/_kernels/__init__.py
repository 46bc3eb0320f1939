"""Private Numba kernels of :mod:`dsp`, one module per family (``fcch``, ``gmsk``, ``mlse``, ``conv``, ``fire`` ...).

Kernels take contiguous arrays and scalars only; every lookup table comes in as an argument, because Numba
freezes module globals at compile time and its on-disk cache does not notice when they change. Call them
through the checked public wrappers in ``dsp/<stage>.py``, never directly.

Two ways to run them, same Python source, same signatures (:mod:`dsp._kernels.exports`):

* **ahead of time** (default when built): ``python -m sdrscan.aot build`` (run by ``make venv``) compiles
  every exported kernel into the extension ``dsp._kernels._aot``. A CLI process then never imports Numba:
  importing Numba, SciPy's linear algebra (which Numba loads) and Numba's code generator to load cached
  kernels costs about 1 s of CPU per start, more than decoding 10 s of a carrier.
* **just in time**: the ``@njit(cache=True)`` kernels themselves, used when the extension is missing or
  stale (its fingerprint of the kernel sources differs), or when ``SDRSCAN_KERNELS=jit``.

An ahead-of-time function trusts its arguments (a wrong dtype reads memory wrongly), so :func:`load` wraps
each one in a check of dtype, dimensions and contiguity against the signature: a mistake is a
``TypeError`` in both modes.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from dsp._kernels.exports import EXPORTS, aot_name, fingerprint

_ARRAY = re.compile(r"^(\w+)\[([^\]]*)\]$")
_DTYPES = {"boolean": np.bool_, "uint8": np.uint8, "int8": np.int8, "int32": np.int32, "int64": np.int64,
           "float32": np.float32, "float64": np.float64, "complex64": np.complex64, "complex128": np.complex128}
_SCALARS: dict[str, Callable[[Any], Any]] = {"int64": int, "float64": float, "complex128": complex,
                                             "boolean": bool}


def _split_args(sig: str) -> list[str]:
    """Top-level comma-separated argument types of ``ret(a, b[:, :], ...)``."""
    inner = sig[sig.index("(") + 1: sig.rindex(")")]
    args, depth, cur = [], 0, ""
    for ch in inner:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        args.append(cur.strip())
    return args


def _checked(fn: Callable[..., Any], qualname: str, sig: str) -> Callable[..., Any]:
    """``fn`` behind a check of every argument against ``sig``; scalars are converted, arrays must match."""
    specs: list[tuple[int, Any, int, bool]] = []  # (index, dtype or converter, ndim, c-contiguous)
    for i, arg in enumerate(_split_args(sig)):
        m = _ARRAY.match(arg)
        if m:
            dims = [d.strip() for d in m.group(2).split(",")]
            specs.append((i, np.dtype(_DTYPES[m.group(1)]), len(dims), dims[-1] == "::1"))
        else:
            specs.append((i, _SCALARS[arg], 0, False))
    n_args = len(specs)

    def call(*args: Any) -> Any:
        if len(args) != n_args:
            raise TypeError(f"{qualname}: {n_args} arguments expected, got {len(args)}")
        conv = list(args)
        for i, want, ndim, contiguous in specs:
            a = args[i]
            if ndim == 0:
                conv[i] = want(a)
            elif not (type(a) is np.ndarray and a.dtype == want and a.ndim == ndim
                      and (not contiguous or a.flags.c_contiguous)):
                got = f"{a.dtype}[{a.ndim}-D]" if isinstance(a, np.ndarray) else type(a).__name__
                raise TypeError(f"{qualname}: argument {i} must be {_split_args(sig)[i]}, got {got}")
        return fn(*conv)

    call.__name__ = qualname.rsplit(".", 1)[-1]
    call.__qualname__ = qualname
    call.__doc__ = f"Ahead-of-time compiled ``{qualname}`` ``{sig}``."
    return call


def _load_aot() -> ModuleType | None:
    """The compiled extension if it exists and was built from the current sources, else None."""
    try:
        mod = importlib.import_module("dsp._kernels._aot")
    except ImportError:
        return None
    try:
        return mod if int(mod.fingerprint()) == fingerprint() else None
    except (AttributeError, TypeError):
        return None


_AOT: ModuleType | None | bool = False  # False: not looked up yet


def mode() -> str:
    """``"aot"`` or ``"jit"``: which kernels :func:`load` hands out in this process."""
    global _AOT
    if _AOT is False:
        _AOT = None if os.environ.get("SDRSCAN_KERNELS", "auto").lower() == "jit" else _load_aot()
    return "jit" if _AOT is None else "aot"


def load(family: str) -> Any:
    """The exported kernels of ``family`` (``"fcch"``, ``"mlse"`` ...) as attributes of one object."""
    if family not in EXPORTS:
        raise KeyError(f"no kernel family {family!r}")
    if mode() == "jit":
        return importlib.import_module(f"dsp._kernels.{family}")
    assert isinstance(_AOT, ModuleType)
    return SimpleNamespace(**{
        name: _checked(getattr(_AOT, aot_name(family, name)), f"dsp._kernels.{family}.{name}", sig)
        for name, sig in EXPORTS[family].items()
    })
