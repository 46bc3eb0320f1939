"""IQ sources: read recordings (SigMF, raw rtl_sdr/HackRF/GNU Radio files) and write SigMF, in bounded memory.

``import sdrscan.sources`` never loads pyrtlsdr (see :mod:`sdrscan.sources.rtlsdr`) nor the sigmf package,
which are imported only when a dongle or a SigMF file is used.
"""

from sdrscan.sources.base import (
    DEFAULT_BLOCK_SIZE,
    GeoPosition,
    IQSource,
    SampleBlock,
    SourceInfo,
    SourceStats,
)
from sdrscan.sources.cli_options import open_from_options, source_options
from sdrscan.sources.formats import FORMATS, SampleFormat, get_format
from sdrscan.sources.open import open_source
from sdrscan.sources.reader import StreamSource
from sdrscan.sources.sigmf_writer import SigMFWriter
from sdrscan.sources.units import parse_hz

__all__ = [
    "DEFAULT_BLOCK_SIZE", "FORMATS", "GeoPosition", "IQSource", "SampleBlock", "SampleFormat", "SigMFWriter",
    "SourceInfo", "SourceStats", "StreamSource", "get_format", "open_from_options", "open_source", "parse_hz",
    "source_options",
]
