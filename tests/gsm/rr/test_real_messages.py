"""Real third-party messages: every one parses, the values their sources state match, and re-encoding
the parsed message gives back the same octets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdrscan.gsm.gsmtap import read_gsmtap_pcap
from sdrscan.gsm.rr import IdentityType, ParseStats, parse_rr
from sdrscan.gsm.rr.bits import EncodeError
from sdrscan.gsm.rr.messages import L2FillFrame


@pytest.fixture(scope="module")
def si_messages(real_data: Path) -> list[dict]:
    return json.loads((real_data / "si_messages.json").read_text())


def test_every_real_si_message_parses_and_reencodes(si_messages: list[dict]) -> None:
    assert len(si_messages) == 26
    for entry in si_messages:
        block = bytes.fromhex(entry["hex"])
        msg = parse_rr(block)
        assert msg.NAME == entry["type"], entry["id"]
        assert msg.unparsed_rest_bits == "", f"{entry['id']}: rest octets not fully decoded"
        assert msg.encode() == block, entry["id"]


def test_stated_values_match(si_messages: list[dict]) -> None:
    checked = 0
    for entry in si_messages:
        exp = entry["expected"]
        if not exp:
            continue
        msg = parse_rr(bytes.fromhex(entry["hex"]))
        for key, value in exp.items():
            if key in ("bsic_from_sch", "ncc", "bcc", "sch_fn"):
                continue  # SCH facts, not in the SI
            ccd, opt = msg.control_channel_description, msg.cell_options
            sel, rach = msg.cell_selection_parameters, msg.rach_control
            got = {
                "mcc": msg.lai.mcc, "mnc": msg.lai.mnc, "cell_id": msg.ci, "cell_id_hex": f"0x{msg.ci:04x}",
                "lac": msg.lai.lac, "lac_hex": f"0x{msg.lai.lac:04x}", "l2_pseudo_length": msg.l2_pseudo_length,
                "att": ccd.att, "bs_ag_blks_res": ccd.bs_ag_blks_res,
                "ccch_conf": ("1 basic physical channel used for CCCH, not combined with SDCCHs"
                              if ccd.ccch_conf == 0 else str(ccd.ccch_conf)),
                "bs_pa_mfrms_multiframes": ccd.bs_pa_mfrms_multiframes, "t3212_decihours": ccd.t3212,
                "pwrc": opt.pwrc, "dtx": "MSs shall use uplink DTX" if opt.dtx == 1 else str(opt.dtx),
                "radio_link_timeout": opt.radio_link_timeout_blocks,
                "cell_reselect_hysteresis_db": sel.cell_reselect_hysteresis_db,
                "ms_txpwr_max_cch": sel.ms_txpwr_max_cch, "acs": sel.acs, "neci": sel.neci,
                "rxlev_access_min": sel.rxlev_access_min, "max_retrans": rach.max_retransmissions,
                "tx_integer_slots": rach.tx_integer_slots, "cell_barred": bool(rach.cell_bar_access),
                "re_call_reestablishment_allowed": rach.re == 0,
            }[key]
            assert got == value, f"{entry['id']}: {key} = {got!r}, source says {value!r}"
            checked += 1
    assert checked >= 40


def _burst_file_blocks(real_data: Path) -> list[bytes]:
    lines = (real_data / "bursts" / "grgsm_decode_test1_expected.txt").read_text().splitlines()
    return [bytes.fromhex("".join(line.split(":", 1)[1].split())) for line in lines if line.strip()]


def test_grgsm_burst_file_messages_all_parse(real_data: Path) -> None:
    blocks = _burst_file_blocks(real_data)
    assert len(blocks) == 47
    stats = ParseStats()
    for block in blocks:
        msg = stats.parse(block)
        assert not isinstance(msg, Exception), f"{block.hex()}: {msg}"
        assert msg.encode() == block
    assert stats.ok == {"PAGING1": 37, "NCH": 4, "SI2": 1, "SI3": 1, "SI4": 1, "SI13": 1, "SI2ter": 1, "SI2quater": 1}
    # the empty pagings ("no identity") count no identity; the others carry one TMSI each
    pagings = [parse_rr(b) for b in blocks if b[2] == 0x21]
    assert sum(p.n_tmsi for p in pagings) == sum(1 for b in blocks if b[2] == 0x21 and b[5] == 0xF4)


def test_grgsm_pcaps_parse_including_imsi_paging(real_data: Path) -> None:
    stats = ParseStats()
    imsi_pages = 0
    for pcap in sorted((real_data / "pcap").glob("*.pcap")):
        for _, _hdr, block in read_gsmtap_pcap(pcap):
            msg = stats.parse(block, identity_key=b"k")
            assert not isinstance(msg, Exception), f"{block.hex()}: {msg}"
            if isinstance(msg, L2FillFrame):
                assert msg.encode() == block
                continue
            if getattr(msg, "n_imsi", 0):
                imsi_pages += 1
                imsi = next(i for i in msg.identities if i.type == IdentityType.IMSI)
                assert imsi.mcc == "262" and imsi.n_digits == 15 and len(imsi.digest) == 64
                # the digits are nowhere in the object: its repr holds neither the IMSI nor its BCD octets
                bcd = block[5:13].hex()
                digits = "".join(f"{b & 15}{b >> 4}" for b in block[5:13])[1:]
                assert digits not in repr(msg) and bcd not in repr(msg)
                with pytest.raises(EncodeError):
                    msg.encode()  # a parsed IMSI cannot be re-encoded: its digits were never kept
                continue
            assert msg.encode() == block
    assert stats.failed == {}
    assert stats.ok["IMM_ASS"] == 2 and stats.ok["PAGING2"] == 1 and stats.ok["FILL"] == 1
    assert imsi_pages >= 5


def test_immediate_assignment_of_the_vodafone_capture(real_data: Path) -> None:
    pcap = real_data / "pcap" / "vf_call6_arfcn725_ts0_bcch_ccch_grgsm.pcap"
    ia = next(parse_rr(b) for _, _, b in read_gsmtap_pcap(pcap) if b[2] == 0x3F)
    cd = ia.channel_description
    assert (cd.channel_name, cd.tn, cd.tsc, cd.arfcn) == ("SDCCH/8(1)", 1, 0, 725)  # SRLabs: SDCCH on TS1
    assert ia.request_reference.ra == 0x26 and ia.timing_advance == 1
    assert ia.establishment_cause() == "answer_to_paging"  # RA 0010 0110: answer to paging (TCH/F)


def test_sacch_blocks_with_l1_and_lapdm_headers(si_messages: list[dict]) -> None:
    from sdrscan.errors import RrParseError
    from sdrscan.gsm.rr import parse_sacch

    for entry in (e for e in si_messages if e["channel"] == "SACCH"):
        l3 = bytes.fromhex(entry["hex"])
        frame = parse_sacch(bytes([0x25, 0x0A, 0x03, 0x03]) + l3)  # FPC 1, power level 5, TA 10
        assert (frame.ms_power_level, frame.fpc, frame.timing_advance, frame.sapi) == (5, 1, 10, 0)
        assert frame.message.NAME == entry["type"] and frame.message.encode() == l3
    with pytest.raises(RrParseError) as err:
        parse_sacch(bytes([0, 0, 0x0F, 0x03]) + bytes(19))  # SAPI 3 (SMS), not RR
    assert err.value.reason == "not_rr"
