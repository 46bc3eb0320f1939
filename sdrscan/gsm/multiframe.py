"""TDMA frame numbers and the 51-multiframe of the CCCH timeslots on C0.

* Frame numbering and the reduced frame number carried by the SCH: TS 45.002 §3.3.2 and §4.3.3.
* Which logical channel each frame of the 51-multiframe carries on TN 0 (channel combinations iv and v)
  and on the extra CCCH timeslots TN 2/4/6 (combination vi): TS 45.002 §6.4.1 and §7 Table 3.
* CCCH blocks: AGCH reservation, paging blocks and paging groups: TS 45.002 §6.5.1-§6.5.2 and
  TS 44.018 §10.5.2.11 (Control Channel Description).
* System Information on BCCH Norm/Ext by TC = (FN div 51) mod 8: TS 45.002 §6.3.1.3 and TS 44.018 §3.2.2.1.

Everything here is a pure function of its arguments; the tables are plain tuples built once at import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from dsp.constants import FCCH_FN_MOD51, HYPERFRAME, SCH_FN_MOD51
from sdrscan.errors import ConfigError, DspParameterError

# TS 45.002 §4.3.3: a superframe is 26 x 51 TDMA frames; T1 counts superframes (0 .. 2047).
SUPERFRAME: int = 26 * 51
MULTIFRAME_51: int = 51
T1_MAX: int = HYPERFRAME // SUPERFRAME - 1  # 2047


# --------------------------------------------------------------------------------------------------
# Frame numbers (TS 45.002 §3.3.2, §4.3.3)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReducedFn:
    """The reduced TDMA frame number sent on the SCH (TS 45.002 §3.3.2, TS 44.018 §9.1.30).

    ``t1 = FN div 1326`` (11 bits), ``t2 = FN mod 26`` (5 bits), ``t3p = (T3 - 1) div 10`` (3 bits) with
    ``T3 = FN mod 51``; it exists only for the SCH frames, where T3 is 1, 11, 21, 31 or 41.
    """

    t1: int
    t2: int
    t3p: int


def _check_fn(fn: int) -> int:
    fn_i = int(fn)
    if fn_i != fn or not 0 <= fn_i < HYPERFRAME:
        raise DspParameterError(f"fn={fn!r} out of range; expected an integer TDMA frame number 0..{HYPERFRAME - 1}")
    return fn_i


def fn_to_t1_t2_t3(fn: int) -> tuple[int, int, int]:
    """``(T1, T2, T3) = (FN div (26 x 51), FN mod 26, FN mod 51)`` of TS 45.002 §3.3.2.

    >>> fn_to_t1_t2_t3(860911)
    (649, 25, 31)
    """
    fn_i = _check_fn(fn)
    return fn_i // SUPERFRAME, fn_i % 26, fn_i % 51


def reduced_fn(fn: int) -> ReducedFn:
    """The SCH's reduced frame number of SCH frame ``fn``.

    Raises
    ------
    DspParameterError
        If ``fn mod 51`` is not an SCH position (1, 11, 21, 31, 41), where T3' is not defined.
    """
    t1, t2, t3 = fn_to_t1_t2_t3(fn)
    if t3 not in SCH_FN_MOD51:
        raise DspParameterError(
            f"fn={fn} has FN mod 51 = {t3}, not an SCH frame; the SCH is sent at FN mod 51 in {SCH_FN_MOD51}")
    return ReducedFn(t1=t1, t2=t2, t3p=(t3 - 1) // 10)


def fn_from_reduced(t1: int, t2: int, t3p: int) -> int:
    """Full FN of the SCH frame with reduced frame number ``(t1, t2, t3p)``.

    With ``T3 = 10 T3' + 1`` (TS 45.002 §3.3.2): ``FN = 51 ((T3 - T2) mod 26) + T3 + 51 x 26 x T1``.

    >>> fn_from_reduced(649, 25, 3)
    860911

    Raises
    ------
    DspParameterError
        If a field is outside its range (T1 0..2047, T2 0..25, T3' 0..4).
    """
    if not (0 <= t1 <= T1_MAX and 0 <= t2 <= 25 and 0 <= t3p <= 4):
        raise DspParameterError(
            f"reduced FN (t1={t1}, t2={t2}, t3p={t3p}) out of range; expected t1 0..{T1_MAX}, t2 0..25, t3p 0..4")
    t3 = 10 * t3p + 1
    return 51 * ((t3 - t2) % 26) + t3 + SUPERFRAME * t1


def fn_add(fn: int, delta: int) -> int:
    """``fn + delta`` modulo the hyperframe (2 715 648 frames)."""
    return (int(fn) + int(delta)) % HYPERFRAME


def fn_diff(fn_a: int, fn_b: int) -> int:
    """Signed shortest distance ``fn_a - fn_b`` across the hyperframe wrap, in ``[-H/2, H/2)``."""
    d = (int(fn_a) - int(fn_b)) % HYPERFRAME
    return d - HYPERFRAME if d >= HYPERFRAME // 2 else d


def tc_of(fn: int) -> int:
    """``TC = (FN div 51) mod 8``, the BCCH System Information index of TS 45.002 §6.3.1.3."""
    return (int(fn) // 51) % 8


# --------------------------------------------------------------------------------------------------
# 51-multiframe layout (TS 45.002 §6.4.1, §7 Table 3)
# --------------------------------------------------------------------------------------------------


class Channel(StrEnum):
    """Downlink logical channels of the CCCH timeslots on C0."""

    FCCH = "fcch"
    SCH = "sch"
    BCCH = "bcch"  # BCCH Norm (frames 2-5)
    CCCH = "ccch"  # PCH / AGCH, or BCCH Ext in CCCH block 0 (see CcchConfig)
    SDCCH4 = "sdcch4"
    SACCH4 = "sacch4"  # SACCH/C4; 102-frame period, see locate()
    IDLE = "idle"


@dataclass(frozen=True, slots=True)
class Slot51:
    """What one frame of the 51-multiframe carries.

    ``block`` numbers the blocks of the same channel in order of appearance (CCCH 0..8, SDCCH/4 0..3,
    SACCH/C4 0..1 within one 51-multiframe, FCCH/SCH occurrence 0..4, BCCH 0); ``burst`` is the burst's
    index 0..3 inside a 4-burst block (0 for single-burst channels and IDLE). IDLE has ``block`` -1.
    """

    fn_mod51: int
    channel: Channel
    block: int
    burst: int


# TS 45.002 §7 Table 3: first frame (FN mod 51) of each 4-frame block.
_BCCH_START = (2,)
_CCCH_START_NONCOMBINED = (6, 12, 16, 22, 26, 32, 36, 42, 46)
_CCCH_START_COMBINED = (6, 12, 16)
_SDCCH4_START = (22, 26, 32, 36)
_SACCH4_START = (42, 46)


def _build_layout(singles: dict[Channel, tuple[int, ...]],
                  blocks: dict[Channel, tuple[int, ...]]) -> tuple[Slot51, ...]:
    slots: list[Slot51 | None] = [None] * MULTIFRAME_51
    for ch, frames in singles.items():
        for i, f in enumerate(frames):
            slots[f] = Slot51(f, ch, i, 0)
    for ch, starts in blocks.items():
        for i, s in enumerate(starts):
            for b in range(4):
                if slots[s + b] is not None:
                    raise AssertionError(f"51-multiframe table overlap at frame {s + b}")
                slots[s + b] = Slot51(s + b, ch, i, b)
    return tuple(s if s is not None else Slot51(f, Channel.IDLE, -1, 0) for f, s in enumerate(slots))


# Combination iv: FCCH + SCH + BCCH + CCCH (CCCH_CONF != 1), TN 0.
_TN0_NONCOMBINED = _build_layout(
    {Channel.FCCH: FCCH_FN_MOD51, Channel.SCH: SCH_FN_MOD51},
    {Channel.BCCH: _BCCH_START, Channel.CCCH: _CCCH_START_NONCOMBINED},
)
# Combination v: FCCH + SCH + BCCH + CCCH + SDCCH/4(0..3) + SACCH/C4(0..3) (CCCH_CONF = 1), TN 0.
_TN0_COMBINED = _build_layout(
    {Channel.FCCH: FCCH_FN_MOD51, Channel.SCH: SCH_FN_MOD51},
    {Channel.BCCH: _BCCH_START, Channel.CCCH: _CCCH_START_COMBINED, Channel.SDCCH4: _SDCCH4_START,
     Channel.SACCH4: _SACCH4_START},
)
# Combination vi: BCCH + CCCH on TN 2, 4, 6 (CCCH_CONF 2/4/6). Table 3 puts BCCH and CCCH on TN 0, 2, 4, 6 at
# the same frames as on TN 0; FCCH and SCH exist on TN 0 only, so their frames (and frame 50) are idle here.
_BCCH_CCCH = _build_layout({}, {Channel.BCCH: _BCCH_START, Channel.CCCH: _CCCH_START_NONCOMBINED})


def tn0_layout(combined: bool) -> tuple[Slot51, ...]:
    """The 51 frames of TN 0 on C0, indexed by FN mod 51 (TS 45.002 §7 Table 3).

    Parameters
    ----------
    combined : bool
        True for CCCH_CONF = 1 (combination v: 3 CCCH blocks, SDCCH/4 and SACCH/C4), False for
        combination iv (9 CCCH blocks).
    """
    return _TN0_COMBINED if combined else _TN0_NONCOMBINED


# TS 44.018 §10.5.2.11 Table 10.5.2.11.1: CCCH_CONF code -> timeslots of C0 carrying a CCCH.
_CCCH_TIMESLOTS: dict[int, tuple[int, ...]] = {0: (0,), 1: (0,), 2: (0, 2), 4: (0, 2, 4), 6: (0, 2, 4, 6)}


def ccch_timeslots(ccch_conf: int) -> tuple[int, ...]:
    """Timeslots of C0 with a CCCH for a CCCH_CONF code (TS 44.018 §10.5.2.11); BS_CC_CHANS is its length."""
    try:
        return _CCCH_TIMESLOTS[ccch_conf]
    except KeyError:
        raise ConfigError(f"ccch_conf={ccch_conf!r} invalid; expected one of 0, 1, 2, 4, 6 "
                          "(TS 44.018 §10.5.2.11 codes 000, 001, 010, 100, 110)") from None


def c0_layout(tn: int, ccch_conf: int) -> tuple[Slot51, ...]:
    """The 51-multiframe of CCCH timeslot ``tn`` on C0 for a cell with the given CCCH_CONF.

    TN 0 is combination iv or v; TN 2/4/6 (present when CCCH_CONF is 2, 4 or 6) are combination vi,
    BCCH + CCCH, with FCCH/SCH frames idle.

    Raises
    ------
    ConfigError
        If ``ccch_conf`` is not a valid code or ``tn`` carries no CCCH in that configuration.
    """
    slots = ccch_timeslots(ccch_conf)
    if tn not in slots:
        raise ConfigError(f"tn={tn} carries no CCCH with ccch_conf={ccch_conf}; CCCH timeslots are {slots}")
    if tn == 0:
        return tn0_layout(ccch_conf == 1)
    return _BCCH_CCCH


def block_start_frames(combined: bool) -> dict[Channel, tuple[int, ...]]:
    """FN mod 51 of the first frame of every block on TN 0, per channel, in block order.

    >>> block_start_frames(False)[Channel.CCCH]
    (6, 12, 16, 22, 26, 32, 36, 42, 46)
    """
    out: dict[Channel, list[int]] = {}
    for s in tn0_layout(combined):
        if s.channel is not Channel.IDLE and s.burst == 0:
            out.setdefault(s.channel, []).append(s.fn_mod51)
    return {ch: tuple(v) for ch, v in out.items()}


@dataclass(frozen=True, slots=True)
class BlockPosition:
    """Where a burst sits: channel, block (sub-channel for SDCCH/4 and SACCH/C4), burst index, first FN.

    For SACCH/C4 ``block`` is the sub-channel 0..3: the two SACCH blocks of a 51-multiframe carry
    sub-channels 0 and 1 when ``(FN div 51)`` is even and 2 and 3 when it is odd (102-frame period,
    TS 45.002 §7 Table 3). ``first_fn`` is the FN of the block's first burst (the block's FN).
    """

    channel: Channel
    block: int
    burst: int
    first_fn: int


def locate(fn: int, layout: tuple[Slot51, ...]) -> BlockPosition:
    """The block that frame ``fn`` belongs to in a 51-multiframe ``layout`` (e.g. ``tn0_layout(False)``)."""
    fn_i = _check_fn(fn)
    if len(layout) != MULTIFRAME_51:
        raise DspParameterError(f"layout has {len(layout)} entries; expected {MULTIFRAME_51} (use tn0_layout())")
    s = layout[fn_i % 51]
    block = s.block
    if s.channel is Channel.SACCH4:
        block += 2 * ((fn_i // 51) % 2)
    return BlockPosition(s.channel, block, s.burst, fn_add(fn_i, -s.burst))


# --------------------------------------------------------------------------------------------------
# CCCH blocks, AGCH reservation and paging (TS 45.002 §6.5, TS 44.018 §10.5.2.11)
# --------------------------------------------------------------------------------------------------


class CcchRole(StrEnum):
    """Use of one CCCH block."""

    BCCH_EXT = "bcch_ext"
    AGCH = "agch"  # reserved for access grant (BS_AG_BLKS_RES)
    PCH = "pch"  # paging block (may also carry AGCH messages when free)


@dataclass(frozen=True, slots=True)
class CcchConfig:
    """CCCH parameters from the Control Channel Description of SI3 (TS 44.018 §10.5.2.11).

    Attributes
    ----------
    ccch_conf : int
        CCCH_CONF code: 0 (one CCCH, not combined), 1 (one CCCH combined with SDCCH/4), 2, 4, 6 (two, three,
        four CCCHs on TN 0/2/4/6).
    bs_ag_blks_res : int
        CCCH blocks per 51-multiframe reserved for AGCH: 0..7, at most 2 when combined (N must stay >= 1).
    bs_pa_mfrms : int
        51-multiframes between paging of the same group, 2..9 (the IE carries this minus 2).
    bcch_ext : bool
        BCCH Ext is sent in CCCH block 0 (frames 6-9). That block is then not a paging block, so it must
        be one of the AGCH-reserved blocks: ``bs_ag_blks_res >= 1``.
    """

    ccch_conf: int = 0
    bs_ag_blks_res: int = 1
    bs_pa_mfrms: int = 2
    bcch_ext: bool = False
    _n_blocks: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ccch_timeslots(self.ccch_conf)
        n_blocks = len(_CCCH_START_COMBINED) if self.ccch_conf == 1 else len(_CCCH_START_NONCOMBINED)
        object.__setattr__(self, "_n_blocks", n_blocks)
        if not 0 <= self.bs_ag_blks_res <= min(7, n_blocks - 1):
            raise ConfigError(f"bs_ag_blks_res={self.bs_ag_blks_res} invalid with ccch_conf={self.ccch_conf}; "
                              f"expected 0..{min(7, n_blocks - 1)} so at least one paging block remains")
        if not 2 <= self.bs_pa_mfrms <= 9:
            raise ConfigError(f"bs_pa_mfrms={self.bs_pa_mfrms} invalid; expected 2..9 multiframes "
                              "(the SI3 field value plus 2)")
        if self.bcch_ext and self.bs_ag_blks_res == 0:
            raise ConfigError("bcch_ext=True with bs_ag_blks_res=0: CCCH block 0 would be both BCCH Ext and a "
                              "paging block; BCCH Ext needs bs_ag_blks_res >= 1")

    @property
    def combined(self) -> bool:
        """CCCH shares TN 0 with SDCCH/4 (CCCH_CONF = 1)."""
        return self.ccch_conf == 1

    @property
    def bs_cc_chans(self) -> int:
        """Number of basic physical channels carrying a CCCH."""
        return len(ccch_timeslots(self.ccch_conf))

    @property
    def ccch_blocks_per_mf(self) -> int:
        """CCCH blocks in one 51-multiframe of one CCCH timeslot: 9, or 3 when combined."""
        return self._n_blocks

    @property
    def paging_blocks_per_mf(self) -> int:
        """Paging blocks per 51-multiframe on one CCCH: ``ccch_blocks_per_mf - BS_AG_BLKS_RES``."""
        return self._n_blocks - self.bs_ag_blks_res

    @property
    def n_paging_groups(self) -> int:
        """N of TS 45.002 §6.5.2: paging blocks available on one CCCH = paging blocks per 51-mf x BS_PA_MFRMS."""
        return self.paging_blocks_per_mf * self.bs_pa_mfrms


def ccch_block_roles(cfg: CcchConfig) -> tuple[CcchRole, ...]:
    """Role of each CCCH block 0..n-1 of a 51-multiframe (TS 45.002 §6.5.1).

    The first BS_AG_BLKS_RES blocks are reserved for AGCH (block 0 carries BCCH Ext instead when used); the
    rest are paging blocks, paging block index 0 being the first block after the reserved ones.
    """
    roles = [CcchRole.AGCH] * cfg.bs_ag_blks_res + [CcchRole.PCH] * cfg.paging_blocks_per_mf
    if cfg.bcch_ext:
        roles[0] = CcchRole.BCCH_EXT
    return tuple(roles)


@dataclass(frozen=True, slots=True)
class PagingOccasion:
    """Where a mobile of a given IMSI listens for paging (TS 45.002 §6.5.2).

    ``tn`` is the CCCH timeslot (from CCCH_GROUP); the mobile's paging block is CCCH block ``ccch_block``
    of every 51-multiframe with ``(FN div 51) mod BS_PA_MFRMS == mf_index``.
    """

    ccch_group: int
    paging_group: int
    tn: int
    mf_index: int
    ccch_block: int


def paging_occasion(imsi: str | int, cfg: CcchConfig) -> PagingOccasion:
    """CCCH_GROUP, PAGING_GROUP and the block to watch for an IMSI (TS 45.002 §6.5.2).

    ``CCCH_GROUP = ((IMSI mod 1000) mod (BS_CC_CHANS x N)) div N``,
    ``PAGING_GROUP = ((IMSI mod 1000) mod (BS_CC_CHANS x N)) mod N``, the multiframe is the one with
    ``(FN div 51) mod BS_PA_MFRMS = PAGING_GROUP div (N div BS_PA_MFRMS)`` and the paging block index
    within it is ``PAGING_GROUP mod (N div BS_PA_MFRMS)``.
    """
    digits = str(imsi)
    if not digits.isdigit():
        raise ConfigError(f"imsi={imsi!r} invalid; expected a string of decimal digits")
    n = cfg.n_paging_groups
    x = (int(digits) % 1000) % (cfg.bs_cc_chans * n)
    ccch_group, paging_group = divmod(x, n)
    per_mf = n // cfg.bs_pa_mfrms
    mf_index, block_index = divmod(paging_group, per_mf)
    return PagingOccasion(ccch_group=ccch_group, paging_group=paging_group,
                          tn=ccch_timeslots(cfg.ccch_conf)[ccch_group], mf_index=mf_index,
                          ccch_block=cfg.bs_ag_blks_res + block_index)


def paging_group_of_block(fn: int, ccch_block: int, cfg: CcchConfig) -> int | None:
    """PAGING_GROUP served by CCCH block ``ccch_block`` of the 51-multiframe containing ``fn``.

    None for an AGCH-reserved (or BCCH Ext) block. The inverse of :func:`paging_occasion` for one CCCH.
    """
    if not 0 <= ccch_block < cfg.ccch_blocks_per_mf:
        raise ConfigError(f"ccch_block={ccch_block} invalid; expected 0..{cfg.ccch_blocks_per_mf - 1}")
    idx = ccch_block - cfg.bs_ag_blks_res
    if idx < 0:
        return None
    mf = (_check_fn(fn) // 51) % cfg.bs_pa_mfrms
    return mf * cfg.paging_blocks_per_mf + idx


# --------------------------------------------------------------------------------------------------
# System Information scheduling on the BCCH (TS 45.002 §6.3.1.3, TS 44.018 §3.2.2.1)
# --------------------------------------------------------------------------------------------------


class SiType(StrEnum):
    """System Information messages sent on the BCCH."""

    SI1 = "1"
    SI2 = "2"
    SI2BIS = "2bis"
    SI2TER = "2ter"
    SI2QUATER = "2quater"
    SI3 = "3"
    SI4 = "4"
    SI7 = "7"
    SI8 = "8"
    SI9 = "9"
    SI13 = "13"
    SI16 = "16"
    SI17 = "17"


# TS 45.002 §6.3.1.3 table: TC values at which each type is sent on BCCH Norm and on BCCH Ext.
# SI2ter: TC 5 when alone, TC 4 when SI2bis is also used. SI2quater on Norm: TC 5 when neither SI2bis nor SI2ter
# is used, else TC 4. SI2 must be sent at least at TC 1 and may fill otherwise empty slots.
_NORM_TCS: dict[SiType, frozenset[int]] = {
    SiType.SI1: frozenset({0}),
    SiType.SI2: frozenset({1}),
    SiType.SI2BIS: frozenset({5}),
    SiType.SI2TER: frozenset({4, 5}),
    SiType.SI2QUATER: frozenset({4, 5}),
    SiType.SI3: frozenset({2, 6}),
    SiType.SI4: frozenset({3, 7}),
    SiType.SI9: frozenset({4}),
    SiType.SI13: frozenset({4}),
}
_EXT_TCS: dict[SiType, frozenset[int]] = {
    SiType.SI2QUATER: frozenset({5}),
    SiType.SI7: frozenset({7}),
    SiType.SI8: frozenset({3}),
    SiType.SI13: frozenset({0}),
    SiType.SI16: frozenset({6}),
    SiType.SI17: frozenset({2}),
}
# Free slots of BCCH Norm (TC 0 without SI1, TC 4/5 with nothing due) repeat SI2; an MS that finds another
# message at TC 0 concludes SI1 is not in use (§6.3.1.3).
FILLER_SI: SiType = SiType.SI2


def allowed_tcs(si: SiType, *, ext: bool = False) -> frozenset[int]:
    """TC values at which ``si`` is scheduled on BCCH Norm (``ext=False``) or BCCH Ext (TS 45.002 §6.3.1.3).

    Empty when the type is never sent on that channel. SI2 as a filler in free slots is not included; see
    :func:`si_position_plausible`.
    """
    return (_EXT_TCS if ext else _NORM_TCS).get(si, frozenset())


def si_position_plausible(si: SiType, tc: int, *, ext: bool = False) -> bool:
    """Whether a receiver may see ``si`` at ``tc``: its scheduled TCs, or SI2 in a slot that can be free."""
    if tc in allowed_tcs(si, ext=ext):
        return True
    return not ext and si is FILLER_SI and tc in (0, 4, 5)


def bcch_norm_schedule(present: Iterable[SiType]) -> tuple[tuple[SiType, ...], ...]:
    """Per TC 0..7, the System Information types BCCH Norm carries, in rotation order.

    Follows TS 45.002 §6.3.1.3 for the set of SI types a cell broadcasts on BCCH Norm. SI3 and SI4 are
    mandatory. Where several types share TC 4 they are sent in turn, so each appears within any 4
    consecutive occurrences of TC 4 as required (at most 4 can share it: 2ter, 2quater, 9, 13).
    Types only sent on BCCH Ext (7, 8, 16, 17) are rejected.
    """
    have = set(present)
    for si in (SiType.SI2, SiType.SI3, SiType.SI4):
        if si not in have:
            raise ConfigError(f"SI set {sorted(have)} lacks {si}; SI2, SI3 and SI4 are always sent on BCCH Norm")
    ext_only = sorted(s for s in have if not _NORM_TCS.get(s))
    if ext_only:
        raise ConfigError(f"SI types {ext_only} are not sent on BCCH Norm; schedule them on BCCH Ext")
    bis, ter, quater = SiType.SI2BIS in have, SiType.SI2TER in have, SiType.SI2QUATER in have
    tc4: list[SiType] = []
    if bis and ter:
        tc4.append(SiType.SI2TER)
    if quater and (bis or ter):
        tc4.append(SiType.SI2QUATER)
    tc4 += [s for s in (SiType.SI9, SiType.SI13) if s in have]
    if bis:
        tc5 = [SiType.SI2BIS]
    elif ter:
        tc5 = [SiType.SI2TER]
    elif quater:
        tc5 = [SiType.SI2QUATER]
    else:
        tc5 = [FILLER_SI]
    return (
        (SiType.SI1,) if SiType.SI1 in have else (FILLER_SI,),
        (SiType.SI2,),
        (SiType.SI3,),
        (SiType.SI4,),
        tuple(tc4) if tc4 else (FILLER_SI,),
        tuple(tc5),
        (SiType.SI3,),
        (SiType.SI4,),
    )


def si_for_frame(fn: int, schedule: tuple[tuple[SiType, ...], ...]) -> SiType:
    """The SI type to send in the BCCH Norm block of the 51-multiframe containing ``fn``.

    Types sharing one TC rotate with the count of that TC's occurrences, ``(FN div 51) div 8``. That count
    restarts at the hyperframe wrap (every 3 h 28 min); 6656 occurrences per hyperframe is a multiple of 2
    and 4 but not of 3, so with three types on TC 4 one rotation step repeats once at the wrap.
    """
    mf = _check_fn(fn) // 51
    options = schedule[mf % 8]
    return options[(mf // 8) % len(options)]
