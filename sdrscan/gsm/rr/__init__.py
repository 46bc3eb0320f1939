"""GSM RR layer 3 on the common channels (TS 44.018): parse and build System Information and CCCH messages.

Entry points: :func:`parse_rr` / :func:`try_parse_rr` (L2 block -> typed message or a reason),
:func:`build_system_information` (cell description -> SI blocks) and the CCCH builders in :mod:`.cell`.
See ``docs/rr.md``.
"""

from sdrscan.gsm.rr.cell import (
    CellDescription,
    build_system_information,
    build_system_information_messages,
    immediate_assignment,
    l2_fill_frame,
    paging_request_type1,
    paging_request_type2,
    paging_request_type3,
    request_reference,
)
from sdrscan.gsm.rr.dispatch import MESSAGE_TYPES, REASONS, ParseStats, SacchFrame, parse_rr, parse_sacch, try_parse_rr
from sdrscan.gsm.rr.freqlist import FreqListFormat, FrequencyList, decode_frequency_list, encode_frequency_list
from sdrscan.gsm.rr.identity import ClearIdentity, IdentityType, MobileIdentity, identity_digest
from sdrscan.gsm.rr.messages import L2FillFrame, RrMessage

__all__ = [
    "CellDescription", "ClearIdentity", "FreqListFormat", "FrequencyList", "IdentityType", "L2FillFrame",
    "MESSAGE_TYPES", "MobileIdentity", "ParseStats", "REASONS", "RrMessage", "build_system_information",
    "build_system_information_messages", "decode_frequency_list", "encode_frequency_list", "identity_digest",
    "immediate_assignment", "l2_fill_frame", "paging_request_type1", "paging_request_type2",
    "paging_request_type3", "parse_rr", "parse_sacch", "SacchFrame", "request_reference", "try_parse_rr",
]
