"""Establishment cause of a random access, from the RA octet of the Channel Request (TS 44.018 §9.1.8).

The Request Reference of an Immediate Assignment repeats the RA octet of the access it answers, so the
cause of every granted access can be read from the CCCH. Some codes mean different things depending on
the cell's NECI bit (Cell Selection Parameters in SI3/SI4); without it the ambiguous causes say so.
"""

from __future__ import annotations

# TS 44.018 Table 9.1.8.1: (mask, value, cause) tried in order; "x" bits are random reference.
_TABLE: tuple[tuple[int, int, str], ...] = (
    (0b11100000, 0b10100000, "emergency_call"),
    (0b11100000, 0b11000000, "call_reestablishment"),
    (0b11111100, 0b01101000, "call_reestablishment"),  # TCH/H in use, NECI 1
    (0b11111100, 0b01101100, "call_reestablishment"),  # TCH/H + TCH/H in use, NECI 1
    (0b11100000, 0b10000000, "answer_to_paging"),  # any channel (Table 9.1.8.2)
    (0b11110000, 0b00100000, "answer_to_paging"),  # TCH/F
    (0b11110000, 0b00110000, "answer_to_paging"),  # TCH/H or TCH/F
    (0b11100000, 0b11100000, "originating_call"),  # TCH/F needed, or NECI 0 (also SDCCH procedures)
    (0b11110000, 0b01000000, "originating_speech_call_tch_h"),  # NECI 1
    (0b11110000, 0b01010000, "originating_data_call_tch_h"),  # NECI 1
    (0b11111000, 0b01111000, "one_phase_packet_access"),
    (0b11111000, 0b01110000, "single_block_packet_access"),
    (0b11111111, 0b01100111, "lmu_establishment"),
    (0b11111000, 0b01100000, "reserved"),
)


def establishment_cause(ra: int, neci: int | None = None) -> str:
    """Cause for an RA octet. ``neci``: the cell's NECI bit if known.

    >>> establishment_cause(0xA3)
    'emergency_call'
    >>> establishment_cause(0x05), establishment_cause(0x15, neci=1), establishment_cause(0x15, neci=0)
    ('location_updating', 'answer_to_paging_or_other_sdcch_procedure', 'location_updating')
    """
    ra &= 0xFF
    if ra >> 5 == 0:  # 000xxxxx
        if ra >> 4 == 0 or neci == 0:
            return "location_updating"  # 0000xxxx with NECI 1, any 000xxxxx with NECI 0
        # 0001xxxx with NECI 1: answer to paging (SDCCH, Table 9.1.8.2) or another SDCCH procedure.
        if neci == 1:
            return "answer_to_paging_or_other_sdcch_procedure"
        return "location_updating_or_other_sdcch_procedure"  # NECI unknown
    for mask, value, cause in _TABLE:
        if ra & mask == value:
            return cause
    return "reserved"
