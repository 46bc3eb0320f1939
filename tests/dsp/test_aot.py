"""The ahead-of-time kernels: built and current, guarded against wrong arguments, and identical to the JIT.

The JIT kernels are what every other kernel test checks against slow references; these tests tie the
compiled extension to them: the same recording gives byte-identical IQ from the transmitter and
byte-identical decoded blocks from the receiver in both modes.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dsp import _kernels
from dsp._kernels.exports import EXPORTS, fingerprint
from sdrscan import aot

ROOT = Path(__file__).resolve().parents[2]
SCENE = ROOT / "recordings" / "scenes" / "four_cells.json"


def _toolchain() -> bool:
    return importlib.util.find_spec("numba.pycc") is not None and shutil.which("cc") is not None


def test_extension_is_built_and_current() -> None:
    """`make venv` builds it; on a machine with a C compiler a missing or stale build is a defect."""
    if not _toolchain():
        pytest.skip("no numba.pycc or C compiler: the JIT kernels are used")
    assert aot.is_current(), "run `make venv` or `python -m sdrscan.aot build`"


def test_fingerprint_follows_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dsp._kernels.exports as ex

    before = fingerprint()
    copy = tmp_path / "_kernels"
    shutil.copytree(Path(ex.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__", "_aot.*"))
    (copy / "mlse.py").write_text((copy / "mlse.py").read_text() + "\n# edited\n")
    monkeypatch.setattr(ex, "__file__", str(copy / "exports.py"))
    assert ex.fingerprint() != before


def test_checked_wrapper_rejects_what_would_corrupt_memory() -> None:
    seen: list[tuple] = []
    sig = EXPORTS["fcch"]["sliding_tone_energy"]  # void(complex128[::1], int64, float64[::1])
    f = _kernels._checked(lambda *a: seen.append(a), "t.sliding_tone_energy", sig)
    z, out = np.zeros(8, np.complex128), np.zeros(4)
    f(z, np.int32(3), out)
    assert type(seen[0][1]) is int and seen[0][1] == 3
    with pytest.raises(TypeError, match="argument 0 must be complex128"):
        f(z.astype(np.complex64), 3, out)
    with pytest.raises(TypeError, match="argument 0"):
        f(np.zeros(16, np.complex128)[::2], 3, out)  # [::1] needs C-contiguous
    with pytest.raises(TypeError, match="argument 2"):
        f(z, 3, np.zeros((2, 2)))
    with pytest.raises(TypeError, match="3 arguments"):
        f(z, 3)
    with pytest.raises(TypeError, match="argument 0"):
        f(list(z), 3, out)
    g = _kernels._checked(lambda *a: seen.append(a), "t.gather_bins", EXPORTS["channelizer"]["gather_bins"])
    spectra = np.zeros((4, 6), np.complex64)
    g(spectra[:, ::2], np.zeros(3, np.int64), np.zeros(3, np.float32), np.zeros(4, np.complex64),
      np.zeros((4, 3), np.complex64))  # [:, :] accepts any strides


def test_every_export_parses() -> None:
    for family, kernels in EXPORTS.items():
        for name, sig in kernels.items():
            _kernels._checked(lambda *a: None, f"{family}.{name}", sig)


def _run(env_mode: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SDRSCAN_KERNELS=env_mode)
    return subprocess.run([sys.executable, "-m", "sdrscan", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_aot_and_jit_give_identical_iq_and_blocks(tmp_path: Path) -> None:
    if not aot.is_current():
        pytest.skip("AOT kernels not built: nothing to compare (test_extension_is_built_and_current says why)")
    outputs = {}
    for mode in ("aot", "jit"):
        meta = tmp_path / f"{mode}.sigmf-meta"
        r = _run(mode, ["synth", "--spec", str(SCENE), "--out", str(meta), "--duration", "1.5", "--seed", "3",
                        "--quiet"], tmp_path)
        assert r.returncode == 0, r.stderr
        r2 = _run(mode, ["frames", "--json", str(meta)], tmp_path)
        assert r2.returncode == 0, r2.stderr
        outputs[mode] = (meta.with_suffix(".sigmf-data").read_bytes(), r2.stdout)
    assert outputs["aot"][0] == outputs["jit"][0]  # transmitter: gmsk_phase, interp_phase, accumulate_phasor
    assert outputs["aot"][1] == outputs["jit"][1]  # receiver: every other kernel
    assert len(outputs["aot"][1].splitlines()) > 20


def test_cli_process_does_not_import_numba_with_aot() -> None:
    """The point of the extension: a `frames` process never pays for importing Numba."""
    if not aot.is_current():
        pytest.skip("AOT kernels not built")
    code = ("import sys, sdrscan.commands.frames, dsp._kernels as k; "
            "print(k.mode(), 'numba' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.stdout.split() == ["aot", "False"], r.stderr
