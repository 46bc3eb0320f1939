"""Our GSMTAP v2 header and pcap writer, read back by Wireshark (Debian package ``tshark``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sdrscan.gsm.gsmtap import PcapWriter, gsmtap_packet
from sdrscan.gsm.rr import l2_fill_frame
from tests.conftest import require_tool

pytestmark = pytest.mark.interop
FIELDS = ("frame.time_epoch", "gsmtap.version", "gsmtap.arfcn", "gsmtap.uplink", "gsmtap.pcs_band",
          "gsmtap.signal_dbm", "gsmtap.snr_db", "gsmtap.frame_nr", "gsmtap.chan_type", "gsmtap.ts",
          "gsmtap.sub_slot", "udp.dstport")


@pytest.mark.parametrize("linktype", ["ethernet", "raw"])
def test_wireshark_reads_every_header_field(linktype: str, tmp_path: Path) -> None:
    tshark = require_tool("tshark", "tshark")
    pcap = tmp_path / f"{linktype}.pcap"
    with PcapWriter(pcap, linktype=linktype) as w:
        w.write(gsmtap_packet(payload=l2_fill_frame(), arfcn=600, channel="SACCH/4", fn=2_715_647, tn=3,
                              signal_dbm=-71.6, snr_db=12.4, uplink=True, pcs=True, sub_slot=2), 1_700_000_000.25)
        w.write(gsmtap_packet(payload=l2_fill_frame(), arfcn=1023, channel="BCCH", fn=0), 1_700_000_001.0)
    out = subprocess.run([tshark, "-r", str(pcap), "-T", "fields", *sum((["-e", f] for f in FIELDS), [])],
                         capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    rows = [dict(zip(FIELDS, line.split("\t"), strict=True)) for line in out]
    assert rows[0] == {"frame.time_epoch": "1700000000.250000000", "gsmtap.version": "2", "gsmtap.arfcn": "600",
                       "gsmtap.uplink": "1", "gsmtap.pcs_band": "1", "gsmtap.signal_dbm": "-72",
                       "gsmtap.snr_db": "12", "gsmtap.frame_nr": "2715647", "gsmtap.chan_type": "135",
                       "gsmtap.ts": "3", "gsmtap.sub_slot": "2", "udp.dstport": "4729"}
    assert (rows[1]["gsmtap.arfcn"], rows[1]["gsmtap.uplink"], rows[1]["gsmtap.chan_type"]) == ("1023", "0", "1")
