"""Streaming wrapper around the pure fast-convolution filter bank in :mod:`dsp.channelizer`.

Holds the only state the filter bank needs: the input samples not yet consumed by a full FFT block and
the global index of the next block. Channel sample ``g`` corresponds to input sample ``g * in_rate /
out_rate`` (exactly), thanks to a lead-in of ``overlap / 2`` zeros.
"""

from __future__ import annotations

import numpy as np

from dsp.channelizer import ChannelizerPlan, band_power, block_spectra, extract_channel


class StreamingChannelizer:
    """Feed wideband blocks with :meth:`push`; get each channel's new samples with :meth:`extract`."""

    def __init__(self, plan: ChannelizerPlan) -> None:
        self.plan = plan
        self._pending = np.zeros(plan.overlap // 2, np.complex64)
        self._spectra = np.empty((0, plan.fft_size), np.complex64)
        self.block_index = 0  # global index of the first row of the current spectra
        self.blocks_done = 0

    def push(self, x: np.ndarray) -> int:
        """Add input samples; computes the spectra of every block now complete. Returns their number."""
        buf = np.concatenate([self._pending, np.asarray(x, np.complex64)])
        spectra = block_spectra(buf, self.plan)
        n = spectra.shape[0]
        self.block_index = self.blocks_done
        self.blocks_done += n
        self._spectra = spectra
        self._pending = buf[n * self.plan.hop:]
        return n

    def flush(self) -> int:
        """Pad the tail with zeros so every input sample reaches the output."""
        return self.push(np.zeros(self.plan.fft_size, np.complex64))

    def extract(self, centre_bin: int) -> np.ndarray:
        """New samples (for the blocks of the last :meth:`push`) of the channel centred on ``centre_bin``."""
        return extract_channel(self._spectra, self.plan, centre_bin, self.block_index)

    def power_per_bin(self) -> np.ndarray:
        """Mean power per FFT bin over the last push's blocks (FFT order)."""
        return band_power(self._spectra)

    @property
    def last_blocks(self) -> int:
        return self._spectra.shape[0]

    @property
    def out_samples_done(self) -> int:
        return self.blocks_done * self.plan.out_per_block

    def input_to_output_index(self, input_index: float) -> float:
        return input_index * self.plan.out_rate_hz / self.plan.sample_rate_hz

    def output_to_input_index(self, output_index: float) -> float:
        return output_index * self.plan.sample_rate_hz / self.plan.out_rate_hz
