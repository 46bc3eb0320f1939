"""GSMTAP v2 header layout (libosmocore gsmtap.h), pcap writing/reading and the UDP sender."""

from __future__ import annotations

import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from sdrscan.errors import ConfigError, SourceError
from sdrscan.gsm.gsmtap import (
    FRAME_DURATION_S,
    ChannelType,
    GsmtapHeader,
    GsmtapUdpSender,
    PcapWriter,
    channel_type_code,
    gsmtap_packet,
    read_gsmtap_pcap,
)


def test_header_matches_a_gr_gsm_header(real_data: Path) -> None:
    # First packet of the gr-gsm pcap of the Vodafone capture: ARFCN 725, CCCH, FN 0x0d24ab, sub-slot 2.
    raw = bytes.fromhex("0204010002d50000000d24ab02000200")
    hdr, payload = GsmtapHeader.unpack(raw + b"\x01")
    assert (hdr.arfcn, hdr.channel_type, hdr.fn, hdr.tn, hdr.sub_slot, hdr.uplink, payload) == (
        725, ChannelType.CCCH, 0x0D24AB, 0, 2, False, b"\x01")
    assert hdr.pack() == raw
    first = next(read_gsmtap_pcap(real_data / "pcap" / "vf_call6_arfcn725_ts0_bcch_ccch_grgsm.pcap"))
    assert first[1].arfcn == 725 and len(first[2]) == 23


def test_flags_and_clipping() -> None:
    hdr = GsmtapHeader(arfcn=512, channel_type=channel_type_code("SACCH/8"), fn=42, tn=7, signal_dbm=-300,
                       snr_db=99.6, uplink=True, pcs=True)
    raw = hdr.pack()
    assert raw[4:6] == (512 | 0x4000 | 0x8000).to_bytes(2, "big") and raw[12] == 0x88
    back, _ = GsmtapHeader.unpack(raw)
    assert (back.signal_dbm, back.snr_db, back.uplink, back.pcs) == (-128, 100, True, True)
    with pytest.raises(ConfigError):
        channel_type_code("PBCCH")
    with pytest.raises(ConfigError):
        GsmtapHeader(arfcn=20000, channel_type=1, fn=0).pack()
    with pytest.raises(SourceError):
        GsmtapHeader.unpack(b"\x01\x04")


def test_packet_from_a_frame_record() -> None:
    frame = SimpleNamespace(arfcn=93, fn=857118, tn=0, channel="CCCH", data=bytes(23), power_dbfs=-31.4,
                            snr_db=17.2)
    hdr, payload = GsmtapHeader.unpack(gsmtap_packet(frame))
    assert (hdr.arfcn, hdr.fn, hdr.channel_type, hdr.signal_dbm, hdr.snr_db) == (93, 857118, 2, -31, 17)
    hdr2, _ = GsmtapHeader.unpack(gsmtap_packet(frame, arfcn=94, channel="BCCH"))
    assert (hdr2.arfcn, hdr2.channel_type) == (94, 1)
    with pytest.raises(ConfigError):
        gsmtap_packet(payload=b"x")


def test_pcap_roundtrip_and_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "x.pcap"
    frames = [SimpleNamespace(fn=fn) for fn in (100, 151)]
    with PcapWriter(path) as w:
        w.write(gsmtap_packet(payload=b"\x01" + b"\x2b" * 22, arfcn=1, channel="BCCH", fn=100), frames[0])
        w.write(gsmtap_packet(payload=b"\x01" + b"\x2b" * 22, arfcn=1, channel="BCCH", fn=151), frames[1])
        w.write(gsmtap_packet(payload=b"\x01" + b"\x2b" * 22, arfcn=1, channel="BCCH", fn=152))
        w.write(gsmtap_packet(payload=b"\x01" + b"\x2b" * 22, arfcn=1, channel="BCCH", fn=0), 12.5)
        assert w.count == 4
    got = list(read_gsmtap_pcap(path))
    assert [h.fn for _, h, _ in got] == [100, 151, 152, 0]
    assert got[0][0] == pytest.approx(100 * FRAME_DURATION_S, abs=1e-6)
    assert got[2][0] == pytest.approx(got[1][0] + FRAME_DURATION_S, abs=1e-6)
    assert got[3][0] == 12.5
    with pytest.raises(SourceError):
        PcapWriter(tmp_path / "no" / "dir.pcap")
    (tmp_path / "bad.pcap").write_bytes(b"not a pcap at all, really not")
    with pytest.raises(SourceError):
        list(read_gsmtap_pcap(tmp_path / "bad.pcap"))


def test_udp_sender_delivers_to_a_listener() -> None:
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(2.0)
    pkt = gsmtap_packet(payload=bytes(23), arfcn=5, channel="PCH", fn=9)
    with GsmtapUdpSender("127.0.0.1", rx.getsockname()[1]) as tx:
        tx.send(pkt)
    assert rx.recv(100) == pkt
    rx.close()
    with pytest.raises(ConfigError):
        GsmtapUdpSender("no.such.host.invalid", 4729)
