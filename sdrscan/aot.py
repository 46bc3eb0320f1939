"""Build the ahead-of-time kernel extension ``dsp._kernels._aot``: ``python -m sdrscan.aot build|status``.

``make venv`` runs ``build`` once after installing; it does nothing when the extension is current. The
extension holds the exported ``@njit`` kernels of :mod:`dsp._kernels` compiled by ``numba.pycc`` with the
signatures of :mod:`dsp._kernels.exports`, for this CPU (``--cpu generic`` for a portable build), plus a
``fingerprint()`` of the kernel sources so that an edited kernel is never served from an old build: a
stale or missing extension means the just-in-time kernels are used, with the same results.

Needs a C compiler (Debian: gcc) and setuptools; without them the build fails with one line and the
project still works, only with a slower start (about 1 s more CPU per command).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
import warnings
from pathlib import Path

from dsp._kernels.exports import EXPORTS, aot_name, fingerprint

MODULE = "_aot"
TARGET_DIR = Path(__file__).resolve().parent.parent / "dsp" / "_kernels"


def built_fingerprint() -> int | None:
    """Fingerprint of the extension on disk, or None when there is none that loads."""
    try:
        mod = importlib.import_module(f"dsp._kernels.{MODULE}")
        return int(mod.fingerprint())
    except (ImportError, AttributeError, TypeError, OSError):
        return None


def is_current() -> bool:
    return built_fingerprint() == fingerprint()


def build(cpu: str = "host", out_dir: Path = TARGET_DIR) -> Path:
    """Compile every exported kernel into ``out_dir``; returns the extension's path."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba.pycc announces its own pending deprecation
        from numba.pycc import CC

    digest = fingerprint()
    cc = CC(MODULE)
    cc.target_cpu = "" if cpu == "generic" else cpu
    cc.verbose = False
    for family, kernels in EXPORTS.items():
        mod = importlib.import_module(f"dsp._kernels.{family}")
        for name, sig in kernels.items():
            cc.export(aot_name(family, name), sig)(getattr(mod, name).py_func)

    def _fingerprint() -> int:
        return digest  # a compile-time constant in the extension

    cc.export("fingerprint", "int64()")(_fingerprint)
    # Compile in a scratch folder and move the finished file in place, so a process starting meanwhile
    # never imports a half-written extension.
    with tempfile.TemporaryDirectory(prefix="sdrscan-aot-") as tmp:
        cc.output_dir = tmp
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc.compile()
        built = next(Path(tmp).glob(f"{MODULE}.*"))
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob(f"{MODULE}.*"):
            old.unlink()
        target = out_dir / built.name
        tmp_target = target.with_name(target.name + ".tmp")
        tmp_target.write_bytes(built.read_bytes())
        tmp_target.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sdrscan.aot",
        description="Ahead-of-time compile sdrscan's DSP kernels (faster start: no Numba import at run time).")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="compile the kernels unless the extension is already current")
    b.add_argument("--force", action="store_true", help="rebuild even when current")
    b.add_argument("--cpu", default="host", help="LLVM CPU name, 'host' (default) or 'generic' (portable)")
    sub.add_parser("status", help="say whether the extension is built and current")
    args = parser.parse_args(argv)

    if args.cmd == "status":
        have = built_fingerprint()
        state = "missing" if have is None else ("current" if have == fingerprint() else "stale")
        print(f"AOT kernels: {state} ({TARGET_DIR / MODULE}.*); "  # noqa: T201
              f"{'used by default' if state == 'current' else 'the JIT kernels are used'}")
        return 0 if state == "current" else 1
    if is_current() and not args.force:
        return 0  # silent: `make` runs this on every invocation
    t0 = time.perf_counter()
    try:
        path = build(args.cpu)
    except Exception as exc:  # noqa: BLE001 - any compiler/toolchain failure: one line, JIT still works
        reason = str(exc).splitlines()[0] if str(exc) else ""
        print(f"AOT kernels not built ({type(exc).__name__}: {reason}); sdrscan uses the JIT kernels "  # noqa: T201
              "(same results, ~1 s slower start)", file=sys.stderr)
        return 1
    n = sum(len(k) for k in EXPORTS.values())
    print(f"AOT kernels: {n} kernels compiled for cpu={args.cpu} in {time.perf_counter() - t0:.1f} s "  # noqa: T201
          f"-> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
