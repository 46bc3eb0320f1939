"""Frozen records the receiver hands to the rest of sdrscan."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class L2Frame:
    """One decoded 23-octet block that passed the Fire code (TS 45.003 §4.1.2).

    ``fn`` is the TDMA frame number of the block's first burst (TS 45.002 §4.3.3).
    """

    arfcn: int
    freq_hz: float
    bsic: int
    fn: int
    tn: int
    channel: str  # "BCCH", "CCCH", "SDCCH/4", "SACCH/4", ...
    data: bytes
    power_dbfs: float
    snr_db: float
    freq_offset_hz: float
    sample_offset: int  # input-sample index of the block's first burst, for provenance

    def to_json(self) -> dict[str, object]:
        return {
            "arfcn": self.arfcn,
            "freq_hz": round(self.freq_hz, 1),
            "bsic": self.bsic,
            "fn": self.fn,
            "ts": self.tn,
            "channel": self.channel,
            "hex": self.data.hex(),
            "power_dbfs": round(self.power_dbfs, 2),
            "snr_db": round(self.snr_db, 2),
            "freq_offset_hz": round(self.freq_offset_hz, 1),
        }


@dataclass(frozen=True, slots=True)
class SyncEvent:
    """One synchronisation burst (SCH, TS 45.003 §4.7) decoded with its parity checked."""

    arfcn: int
    freq_hz: float
    bsic: int
    fn: int
    power_dbfs: float
    snr_db: float
    freq_offset_hz: float
    sample_offset: int

    def to_json(self) -> dict[str, object]:
        return {"arfcn": self.arfcn, "freq_hz": round(self.freq_hz, 1), "bsic": self.bsic, "fn": self.fn, "ts": 0,
                "channel": "SCH", "ncc": self.bsic >> 3, "bcc": self.bsic & 7,
                "power_dbfs": round(self.power_dbfs, 2), "snr_db": round(self.snr_db, 2),
                "freq_offset_hz": round(self.freq_offset_hz, 1)}


@dataclass(slots=True)
class CarrierStats:
    """Running counters of one carrier (mutable; owned by its receiver)."""

    arfcn: int
    freq_hz: float
    bsic: int | None = None
    blocks_ok: int = 0
    blocks_failed: int = 0
    blocks_idle: int = 0  # blocks of dummy bursts: nothing sent, not a decode failure
    sch_ok: int = 0
    sch_failed: int = 0
    bursts: int = 0
    power_dbfs_sum: float = 0.0
    snr_db_sum: float = 0.0
    freq_offset_hz: float = 0.0
    locks: int = 0
    lock_losses: int = 0
    first_fn: int | None = None
    last_fn: int | None = None
    ccch_combined: bool | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def power_dbfs(self) -> float:
        return self.power_dbfs_sum / self.bursts if self.bursts else float("nan")

    @property
    def snr_db(self) -> float:
        return self.snr_db_sum / self.bursts if self.bursts else float("nan")
