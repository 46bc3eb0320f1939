"""What sdrscan knows about each cell: frozen snapshots that detection rules, the store and the CLI read.

A cell is one broadcast carrier, keyed by ``(arfcn, bsic)`` (TS 45.002 §3.3.2: BSIC = NCC * 8 + BCC). The
mutable :class:`~sdrscan.cells.survey.Survey` builds these records from decoded L2 frames; everything
here is immutable, so a consumer may keep a snapshot while the survey goes on.

Parameter names follow the ``sdrscan replay --json`` keys and TS 44.018 §10.5.2. Values are the raw field
codes of the specification unless the name or the docstring says otherwise (``bs_pa_mfrms`` is the real
number of multiframes, 2..9). A parameter is ``None`` while no message that carries it has been decoded.

Times are timezone-aware UTC :class:`~datetime.datetime` objects (see ``docs/cells.md`` for where they come
from); frame numbers (``fn``) are kept beside them because they are exact and the clock may not be.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# A parameter value: field codes, MNC digits, flags and ARFCN lists are all hashable and JSON-friendly.
FieldValue = int | str | bool | tuple[int, ...] | None

@dataclass(frozen=True, slots=True)
class Change:
    """One broadcast parameter that changed: a real network rarely changes its System Information, so each
    change is evidence. ``si`` is the message that carried both values (values from different message
    types are never compared here: an SI3/SI4 disagreement is a rule's business, see ``by_si``)."""

    time: datetime
    fn: int
    si: str
    field: str
    old: FieldValue
    new: FieldValue


@dataclass(frozen=True, slots=True)
class SiSeen:
    """How often one System Information type (or instance, e.g. ``SI2quater[1]``) was received."""

    name: str
    count: int
    first_seen: datetime
    last_seen: datetime
    last_fn: int
    last_hex: str  # the last block received, 23 octets as hex (System Information is not personal data)


@dataclass(frozen=True, slots=True)
class SourceSegment:
    """The part of one recording in which the cell was received (a survey has one per recording)."""

    label: str
    first_seen: datetime
    last_seen: datetime
    first_fn: int
    last_fn: int
    blocks_ok: int


@dataclass(frozen=True, slots=True)
class Measurement:
    """Running statistics of one per-block measurement (power, SNR, frequency offset), in its unit."""

    n: int = 0
    mean: float = float("nan")
    std: float = float("nan")
    min: float = float("nan")
    max: float = float("nan")


@dataclass(frozen=True, slots=True)
class MeasurementWindow:
    """Per-block measurements averaged over one time window (the power history of a cell)."""

    start: datetime
    duration_s: float
    n: int
    power_dbfs: float
    power_dbfs_min: float
    power_dbfs_max: float
    snr_db: float
    freq_offset_hz: float


@dataclass(frozen=True, slots=True)
class CcchCounts:
    """What the CCCH blocks of a cell carried (TS 44.018 §9.1.18-24; TS 44.006 §8.4.1 for fill frames).

    ``paging_blocks`` are blocks with a Paging Request (type 1, 2 or 3) that names at least one mobile;
    ``paging_empty`` are Paging Request Type 1 without identity, which idle networks send as filler.
    ``tmsi``/``imsi``/``imei`` count the identities paged, by type only (never the digits).
    ``imm_ass`` counts channels granted (an Immediate Assignment grants one, an Extended one two), of which
    ``imm_ass_tbf`` are packet (TBF) assignments; ``imm_ass_reject`` counts reject messages.
    """

    blocks: int = 0
    paging_blocks: int = 0
    paging_empty: int = 0
    fill: int = 0
    tmsi: int = 0
    imsi: int = 0
    imei: int = 0
    imm_ass: int = 0
    imm_ass_tbf: int = 0
    imm_ass_reject: int = 0
    nch: int = 0
    other: int = 0  # any other message on the CCCH (System Information, unsupported types)
    parse_errors: int = 0

    @property
    def identities(self) -> int:
        return self.tmsi + self.imsi + self.imei

    @property
    def idle_blocks(self) -> int:
        """Blocks that carried nothing: L2 fill frames and empty paging."""
        return self.fill + self.paging_empty

    @property
    def idle_share(self) -> float:
        """Idle blocks over all decoded CCCH blocks (NaN when none)."""
        return self.idle_blocks / self.blocks if self.blocks else float("nan")

    @property
    def imsi_share(self) -> float:
        """IMSIs over all identities paged (NaN when nobody was paged)."""
        return self.imsi / self.identities if self.identities else float("nan")

    def per_minute(self, name: str, observed_s: float) -> float:
        """Rate of counter ``name`` per minute of observation (NaN when nothing was observed)."""
        return getattr(self, name) * 60.0 / observed_s if observed_s > 0 else float("nan")


@dataclass(frozen=True, slots=True)
class CcchWindow:
    """CCCH counts within one fixed time window. ``observed_s`` is how much of the window the cell was
    actually received (the rates divide by it, not by ``duration_s``)."""

    start: datetime
    duration_s: float
    observed_s: float
    counts: CcchCounts

    def per_minute(self, name: str) -> float:
        return self.counts.per_minute(name, self.observed_s)


@dataclass(frozen=True, slots=True)
class CcchStats:
    """CCCH statistics of a cell: totals over the whole survey, and the most recent windows (oldest first).

    ``causes`` counts the establishment causes of the granted dedicated channels (TS 44.018 Table 9.1.8.1,
    from the RA of each Immediate Assignment; NECI from SI3): a burst of ``location updating`` on a new cell
    is a fake-BTS signature.
    """

    totals: CcchCounts = CcchCounts()
    observed_s: float = 0.0
    windows: tuple[CcchWindow, ...] = ()
    causes: Mapping[str, int] = field(default_factory=dict)

    @property
    def paging_blocks_per_min(self) -> float:
        return self.totals.per_minute("paging_blocks", self.observed_s)

    @property
    def imm_ass_per_min(self) -> float:
        return self.totals.per_minute("imm_ass", self.observed_s)

    @property
    def imsi_share(self) -> float:
        return self.totals.imsi_share

    @property
    def idle_share(self) -> float:
        return self.totals.idle_share


@dataclass(frozen=True, slots=True, kw_only=True)
class CellParameters:
    """Everything the cell broadcasts, merged over its System Information (TS 44.018 §9.1.31-43a, SI5/SI6
    §9.1.37-40). Where several messages carry a field, ``sdrscan.cells.extract.FIELD_SOURCES`` gives
    the order in which they are trusted (SI3 first); the per-message values are in
    :attr:`CellObservation.by_si`.
    """

    # identity: SI3 (SI4, SI6) -- TS 24.008 §10.5.1.3 LAI, §10.5.1.1 CI
    mcc: int | None = None
    mnc: str | None = None  # 2 or 3 digits exactly as broadcast
    lac: int | None = None
    ci: int | None = None
    # BA lists: neighbours = SI2 + SI2bis + SI2ter (§10.5.2.22, §10.5.2.22a); per message below
    neighbours: tuple[int, ...] | None = None
    ba_si2: tuple[int, ...] | None = None
    ba_si2bis: tuple[int, ...] | None = None
    ba_si2ter: tuple[int, ...] | None = None
    ba_si5: tuple[int, ...] | None = None  # SACCH BA list (SI5 + SI5bis + SI5ter)
    ext_ind: int | None = None  # SI2: 1 = the BA list continues in SI2bis
    ba_ind: int | None = None
    multiband_reporting: int | None = None  # SI2ter
    cell_arfcns: tuple[int, ...] | None = None  # SI1 cell allocation (§10.5.2.1b)
    band_indicator: bool | None = None  # SI1 rest octets: True = ARFCNs 512-810 are PCS 1900
    nch_position: int | None = None  # SI1 rest octets
    ncc_permitted: int | None = None  # SI2 (SI6): bit n set = NCC n may be reported (§10.5.2.27)
    # Control Channel Description, SI3 (§10.5.2.11)
    t3212: int | None = None  # deci-hours, 0 = no periodic location updating
    ccch_conf: int | None = None
    bs_ag_blks_res: int | None = None
    bs_pa_mfrms: int | None = None  # real number of 51-multiframes between paging, 2..9
    att: int | None = None
    mscr: int | None = None
    cbq3: int | None = None
    # Cell Options (BCCH), SI3 (§10.5.2.3)
    dtx: int | None = None
    pwrc: int | None = None
    radio_link_timeout: int | None = None
    # Cell Selection Parameters, SI3 (SI4) (§10.5.2.4)
    cell_reselect_hysteresis: int | None = None
    ms_txpwr_max_cch: int | None = None
    acs: int | None = None
    neci: int | None = None
    rxlev_access_min: int | None = None
    # SI3 Rest Octets (§10.5.2.34): C2 selection parameters (None when SI3 sends none), indicators
    cbq: int | None = None
    cro: int | None = None  # CELL_RESELECT_OFFSET, 0..63 (2 dB steps)
    temporary_offset: int | None = None
    penalty_time: int | None = None
    power_offset: int | None = None
    si2ter_indicator: bool | None = None
    si2quater_indicator: bool | None = None
    early_classmark_sending: bool | None = None
    gprs: bool | None = None  # GPRS Indicator in SI3 (or SI13 received)
    ra_colour: int | None = None
    si13_position: int | None = None
    # RACH Control Parameters, SI3 (SI4, SI1, SI2 ...) (§10.5.2.29)
    max_retrans: int | None = None
    tx_integer: int | None = None
    cell_bar_access: int | None = None
    re: int | None = None
    ac: int | None = None  # barred access classes, bit n = class n (bit 10: emergency calls)
    # SI4
    cbch: bool | None = None  # a CBCH channel description is present
    # SI2quater (§10.5.2.33b): 3G and E-UTRAN neighbours, over all instances
    utran_fdd_arfcns: tuple[int, ...] | None = None
    eutran_earfcns: tuple[int, ...] | None = None
    # SI13 (§10.5.2.37b)
    si13: bool | None = None  # SI13 received
    rac: int | None = None
    bcch_change_mark: int | None = None
    nmo: int | None = None  # network mode of operation code

    def parameters(self) -> dict[str, FieldValue]:
        """The broadcast parameters as a plain dict (every field of this class, in declaration order)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(CellParameters)}


PARAMETER_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(CellParameters))


@dataclass(frozen=True, slots=True, kw_only=True)
class CellObservation(CellParameters):
    """A snapshot of one cell: its merged parameters (inherited fields) and how it was observed.

    Attributes
    ----------
    arfcn, bsic : int
        The key. ``freq_hz`` is the ARFCN's nominal downlink frequency.
    by_si : Mapping[str, Mapping[str, FieldValue]]
        The last values each message type carried (``"SI3" -> {"lac": 318, ...}``), for consistency rules.
    si_seen : tuple[SiSeen, ...]
        Per System Information type (and SI2ter/SI2quater instance), in the order SI1, SI2, SI2bis, ...
    first_seen, last_seen, first_fn, last_fn
        First and last decoded block of the cell, over the whole survey.
    blocks_ok, blocks_bad, blocks_idle : int
        Blocks that passed the Fire code, that failed it, and dummy-burst blocks (counted by the receiver).
    channels, messages, parse_errors : Mapping[str, int]
        Good blocks per logical channel, decoded messages per name (``SI3``, ``PAGING1`` ...), RR parse
        failures per reason (``sdrscan.gsm.rr.REASONS``).
    power_dbfs, snr_db, freq_offset_hz : Measurement
        Per-block statistics over the survey; ``measurements`` their recent windows (oldest first).
    ccch : CcchStats
    history : tuple[Change, ...]
        Parameter changes, oldest first; only the newest are kept, ``changes_total`` counts them all.
    sources : tuple[str, ...]
        Labels of the recordings in which the cell was received, in survey order.
    segments : tuple[SourceSegment, ...]
        The same recordings with the cell's first/last block and good-block count in each.
    """

    arfcn: int
    bsic: int
    freq_hz: float
    by_si: Mapping[str, Mapping[str, FieldValue]] = field(default_factory=dict)
    si_seen: tuple[SiSeen, ...] = ()
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    first_fn: int | None = None
    last_fn: int | None = None
    blocks_ok: int = 0
    blocks_bad: int = 0
    blocks_idle: int = 0
    channels: Mapping[str, int] = field(default_factory=dict)
    messages: Mapping[str, int] = field(default_factory=dict)
    parse_errors: Mapping[str, int] = field(default_factory=dict)
    power_dbfs: Measurement = Measurement()
    snr_db: Measurement = Measurement()
    freq_offset_hz: Measurement = Measurement()
    measurements: tuple[MeasurementWindow, ...] = ()
    ccch: CcchStats = CcchStats()
    history: tuple[Change, ...] = ()
    changes_total: int = 0
    sources: tuple[str, ...] = ()
    segments: tuple[SourceSegment, ...] = ()

    @property
    def key(self) -> tuple[int, int]:
        return self.arfcn, self.bsic

    @property
    def ncc(self) -> int:
        """Network colour code, BSIC bits 6..4 (TS 45.002 §3.3.2)."""
        return self.bsic >> 3

    @property
    def bcc(self) -> int:
        """Base station colour code, BSIC bits 3..1; the TSC of the cell's normal bursts on C0."""
        return self.bsic & 7

    @property
    def si_types(self) -> tuple[str, ...]:
        """System Information types received (instances folded: ``SI2quater[1]`` counts as ``SI2quater``)."""
        out: list[str] = []
        for s in self.si_seen:
            base = s.name.split("[", 1)[0]
            if base not in out:
                out.append(base)
        return tuple(out)

    def si_count(self, name: str) -> int:
        """How many blocks of one SI type were received (all instances)."""
        return sum(s.count for s in self.si_seen if s.name.split("[", 1)[0] == name)

    @property
    def plmn(self) -> str | None:
        return None if self.mcc is None or self.mnc is None else f"{self.mcc:03d}-{self.mnc}"
