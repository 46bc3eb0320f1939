import pytest

from sdrscan.errors import DspParameterError
from sdrscan.gsm.arfcn import BANDS, arfcn_to_downlink_hz, arfcns_between, downlink_hz_to_arfcn


@pytest.mark.parametrize(
    ("arfcn", "band", "freq_hz"),
    [
        (1, None, 935.2e6),  # TS 45.005 §2: P-GSM Fu(1) = 890.2 MHz, Fd = Fu + 45 MHz
        (124, None, 959.8e6),
        (0, None, 935.0e6),  # E-GSM
        (975, None, 925.2e6),
        (1023, None, 934.8e6),
        (955, None, 921.2e6),  # R-GSM
        (128, None, 869.2e6),  # GSM850
        (251, None, 893.8e6),
        (512, None, 1805.2e6),  # DCS1800
        (885, None, 1879.8e6),
        (725, None, 1847.8e6),  # the SRLabs capture: 1847.8 MHz
        (512, "PCS1900", 1930.2e6),
        (810, "PCS1900", 1989.8e6),
        (259, None, 460.6e6),  # GSM450
    ],
)
def test_known_carriers(arfcn: int, band: str | None, freq_hz: float) -> None:
    assert arfcn_to_downlink_hz(arfcn, band) == pytest.approx(freq_hz)


def test_every_carrier_maps_back() -> None:
    for name, band in BANDS.items():
        for n in band.arfcns():
            hit = downlink_hz_to_arfcn(band.downlink_hz(n))
            assert hit is not None and hit[0] == n, (name, n)


def test_off_raster_and_unknown() -> None:
    assert downlink_hz_to_arfcn(953.7e6) is None
    with pytest.raises(DspParameterError):
        arfcn_to_downlink_hz(2000)


def test_arfcns_between_sorted_and_unique() -> None:
    chans = arfcns_between(934.0e6, 936.0e6)
    assert [n for n, _ in chans] == [1019, 1020, 1021, 1022, 1023, 0, 1, 2, 3, 4, 5]

