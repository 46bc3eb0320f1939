"""GSMTAP v2 (the header of libosmocore's ``gsmtap.h``, dissected by Wireshark) in pcap files or over UDP.

Layout of the 16-octet header (all multi-octet fields big-endian)::

    version(=2) hdr_len(=4 words) type(1 = UM) timeslot | arfcn(16: 0x8000 PCS, 0x4000 uplink, 14 bits ARFCN)
    signal_dbm(int8) snr_db(int8) | frame_number(32) | sub_type(channel type) antenna_nr sub_slot reserved

The payload of a type-UM packet is the L2 block (23 octets on BCCH/CCCH, including the L2 pseudo length).
Unlike gr-gsm, which writes ARFCN 0, we always fill in the real ARFCN.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sdrscan.errors import ConfigError, SourceError

GSMTAP_UDP_PORT = 4729
GSMTAP_VERSION = 2
GSMTAP_HDR_WORDS = 4
GSMTAP_TYPE_UM = 0x01
GSMTAP_TYPE_UM_BURST = 0x03
ARFCN_F_PCS = 0x8000
ARFCN_F_UPLINK = 0x4000
ARFCN_MASK = 0x3FFF
FRAME_DURATION_S = 120e-3 / 26  # TS 45.002 §4.3.1: one TDMA frame


class ChannelType(IntEnum):
    """GSMTAP sub-types for TYPE_UM (gsmtap.h); ``ACCH`` is OR-ed onto a dedicated channel for its SACCH."""

    UNKNOWN = 0x00
    BCCH = 0x01
    CCCH = 0x02
    RACH = 0x03
    AGCH = 0x04
    PCH = 0x05
    SDCCH = 0x06
    SDCCH4 = 0x07
    SDCCH8 = 0x08
    TCH_F = 0x09
    TCH_H = 0x0A
    PACCH = 0x0B
    CBCH52 = 0x0C
    PDCH = 0x0D
    PTCCH = 0x0E
    CBCH51 = 0x0F
    ACCH = 0x80


# Channel names used in sdrscan records -> GSMTAP sub-type.
CHANNEL_NAMES: dict[str, int] = {
    "BCCH": ChannelType.BCCH, "CCCH": ChannelType.CCCH, "RACH": ChannelType.RACH,
    "AGCH": ChannelType.AGCH, "PCH": ChannelType.PCH, "SDCCH": ChannelType.SDCCH,
    "SDCCH/4": ChannelType.SDCCH4, "SDCCH/8": ChannelType.SDCCH8, "TCH/F": ChannelType.TCH_F,
    "TCH/H": ChannelType.TCH_H, "PACCH": ChannelType.PACCH, "PDCH": ChannelType.PDCH,
    "CBCH": ChannelType.CBCH51, "SACCH/4": ChannelType.SDCCH4 | ChannelType.ACCH,
    "SACCH/8": ChannelType.SDCCH8 | ChannelType.ACCH, "SACCH/TF": ChannelType.TCH_F | ChannelType.ACCH,
    "SACCH/TH": ChannelType.TCH_H | ChannelType.ACCH,
}


def channel_type_code(channel: str | int) -> int:
    """GSMTAP sub-type for a channel name ("BCCH", "SACCH/4", ...) or a number."""
    if isinstance(channel, int):
        if not 0 <= channel <= 0xFF:
            raise ConfigError(f"GSMTAP channel type {channel} outside 0..255")
        return channel
    try:
        return int(CHANNEL_NAMES[channel.upper()])
    except KeyError:
        raise ConfigError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNEL_NAMES)}") from None


def _int8(v: float) -> int:
    return max(-128, min(127, int(round(v))))


@dataclass(frozen=True, slots=True)
class GsmtapHeader:
    """One GSMTAP v2 header. ``signal_dbm`` and ``snr_db`` are int8 on the wire (clipped, rounded)."""

    arfcn: int
    channel_type: int
    fn: int
    tn: int = 0
    signal_dbm: int = 0
    snr_db: int = 0
    uplink: bool = False
    pcs: bool = False
    antenna: int = 0
    sub_slot: int = 0
    type: int = GSMTAP_TYPE_UM

    def pack(self) -> bytes:
        if not 0 <= self.arfcn <= ARFCN_MASK:
            raise ConfigError(f"ARFCN {self.arfcn} does not fit GSMTAP's 14 bits")
        arfcn = self.arfcn | (ARFCN_F_UPLINK if self.uplink else 0) | (ARFCN_F_PCS if self.pcs else 0)
        return struct.pack(">BBBBHbbIBBBB", GSMTAP_VERSION, GSMTAP_HDR_WORDS, self.type, self.tn & 0xFF, arfcn,
                           _int8(self.signal_dbm), _int8(self.snr_db), self.fn & 0xFFFFFFFF,
                           self.channel_type & 0xFF, self.antenna & 0xFF, self.sub_slot & 0xFF, 0)

    @classmethod
    def unpack(cls, data: bytes) -> tuple[GsmtapHeader, bytes]:
        """Header and payload of one GSMTAP packet (payload starts after ``hdr_len`` words)."""
        if len(data) < 16 or data[0] != GSMTAP_VERSION:
            raise SourceError(f"not a GSMTAP v2 packet ({len(data)} octets, version {data[:1].hex() or '-'})")
        (_, words, typ, tn, arfcn, sig, snr, fn, sub, ant, sub_slot, _) = struct.unpack(">BBBBHbbIBBBB", data[:16])
        hdr = cls(arfcn & ARFCN_MASK, sub, fn, tn, sig, snr, bool(arfcn & ARFCN_F_UPLINK),
                  bool(arfcn & ARFCN_F_PCS), ant, sub_slot, typ)
        return hdr, data[4 * words:]


def gsmtap_packet(frame: Any = None, *, payload: bytes | None = None, arfcn: int | None = None,
                  channel: str | int | None = None, fn: int | None = None, tn: int | None = None,
                  signal_dbm: float | None = None, snr_db: float | None = None, uplink: bool = False,
                  pcs: bool = False, sub_slot: int = 0) -> bytes:
    """A GSMTAP v2 packet (header + L2 block).

    Either pass a decoded frame (any object with ``arfcn``, ``fn``, ``tn``, ``channel``, ``data`` and,
    optionally, ``power_dbfs``/``snr_db`` such as ``L2Frame``), or the keywords; keywords override the
    frame's values. ``power_dbfs`` goes into ``signal_dbm`` as is: sdrscan's levels are relative to full
    scale, not calibrated dBm.
    """
    def pick(value: Any, name: str, default: Any = None) -> Any:
        if value is not None:
            return value
        return getattr(frame, name, default) if frame is not None else default

    data = pick(payload, "data")
    arfcn_v = pick(arfcn, "arfcn")
    fn_v = pick(fn, "fn")
    if data is None or arfcn_v is None or fn_v is None:
        raise ConfigError("gsmtap_packet needs a payload, an ARFCN and a frame number")
    hdr = GsmtapHeader(
        arfcn=int(arfcn_v), channel_type=channel_type_code(pick(channel, "channel", "UNKNOWN")), fn=int(fn_v),
        tn=int(pick(tn, "tn", 0)), signal_dbm=pick(signal_dbm, "power_dbfs", 0) or 0,
        snr_db=pick(snr_db, "snr_db", 0) or 0, uplink=uplink, pcs=pcs, sub_slot=sub_slot)
    return hdr.pack() + bytes(data)


# --- pcap ---------------------------------------------------------------------------------------------
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101  # raw IPv4/IPv6
_PCAP_MAGIC = 0xA1B2C3D4
_SNAPLEN = 65535


def _ipv4_checksum(header: bytes) -> int:
    total = sum(struct.unpack(f">{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_ipv4(payload: bytes, src: str = "127.0.0.1", dst: str = "127.0.0.1", sport: int = GSMTAP_UDP_PORT,
             dport: int = GSMTAP_UDP_PORT, ident: int = 0) -> bytes:
    """An IPv4 + UDP datagram around ``payload`` (UDP checksum 0 = not computed, allowed over IPv4)."""
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0x4000, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack(">H", _ipv4_checksum(hdr)) + hdr[12:]
    return hdr + udp


class PcapWriter:
    """Classic pcap of GSMTAP-in-UDP packets (127.0.0.1 -> 127.0.0.1, port 4729), what Wireshark expects.

    Parameters
    ----------
    path : str or Path
        Output file (overwritten).
    linktype : str
        ``"ethernet"`` (LINKTYPE_ETHERNET, zero MAC addresses) or ``"raw"`` (LINKTYPE_RAW, bare IPv4).
    """

    def __init__(self, path: str | Path, linktype: str = "ethernet") -> None:
        if linktype not in ("ethernet", "raw"):
            raise ConfigError(f"linktype={linktype!r}; expected 'ethernet' or 'raw'")
        self._linktype = linktype
        self._count = 0
        self._last_ts = 0.0
        try:
            self._f: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed by close()/__exit__
        except OSError as exc:
            raise SourceError(f"cannot write pcap {path}: {exc.strerror}; check the folder exists") from None
        lt = LINKTYPE_ETHERNET if linktype == "ethernet" else LINKTYPE_RAW
        self._f.write(struct.pack("<IHHiIII", _PCAP_MAGIC, 2, 4, 0, 0, _SNAPLEN, lt))

    def write(self, packet: bytes, when: Any = None) -> None:
        """Append one GSMTAP packet.

        ``when`` is the timestamp: seconds since the epoch (float), an object with an ``fn`` attribute
        (time = FN x 4.615 ms, as a receiver without a clock reference would have it), or None (the
        previous packet's time plus one TDMA frame).
        """
        if when is None:
            ts = self._last_ts + FRAME_DURATION_S if self._count else 0.0
        elif isinstance(when, int | float):
            ts = float(when)
        else:
            ts = int(when.fn) * FRAME_DURATION_S
        self._last_ts = ts
        ip = udp_ipv4(packet, ident=self._count)
        frame = (b"\x00" * 12 + b"\x08\x00" + ip) if self._linktype == "ethernet" else ip
        sec = int(ts)
        usec = int(round((ts - sec) * 1e6))
        if usec >= 1_000_000:
            sec, usec = sec + 1, usec - 1_000_000
        self._f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
        self._count += 1

    @property
    def count(self) -> int:
        return self._count

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()

    def __enter__(self) -> PcapWriter:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def read_gsmtap_pcap(path: str | Path) -> Iterator[tuple[float, GsmtapHeader, bytes]]:
    """``(timestamp_s, header, payload)`` of every GSMTAP packet in a classic pcap (Ethernet or raw IPv4).

    Raises
    ------
    SourceError
        If the file is not a classic little/big-endian pcap of a supported link type.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read pcap {path}: {exc.strerror}") from None
    if len(data) < 24:
        raise SourceError(f"{path}: {len(data)} octets, too short for a pcap header")
    magic = struct.unpack("<I", data[:4])[0]
    if magic == _PCAP_MAGIC:
        end = "<"
    elif magic == 0xD4C3B2A1:
        end = ">"
    else:
        raise SourceError(f"{path}: not a classic pcap (magic {data[:4].hex()}); convert pcapng with editcap -F pcap")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype not in (LINKTYPE_ETHERNET, LINKTYPE_RAW):
        raise SourceError(f"{path}: link type {linktype} not supported (Ethernet or raw IPv4 only)")
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        ip = frame[14:] if linktype == LINKTYPE_ETHERNET else frame
        if linktype == LINKTYPE_ETHERNET and frame[12:14] != b"\x08\x00":
            continue
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = 4 * (ip[0] & 0x0F)
        dport = struct.unpack(">H", ip[ihl + 2:ihl + 4])[0]
        if dport != GSMTAP_UDP_PORT:
            continue
        hdr, payload = GsmtapHeader.unpack(ip[ihl + 8:])
        yield sec + usec * 1e-6, hdr, payload


class GsmtapUdpSender:
    """Send GSMTAP packets to a live Wireshark (``udp.port == 4729``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = GSMTAP_UDP_PORT) -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)
        except OSError as exc:
            raise ConfigError(f"cannot resolve GSMTAP host {host!r}: {exc}; give an IP address") from None
        family, _, _, _, addr = infos[0]
        self._addr = addr
        self._sock = socket.socket(family, socket.SOCK_DGRAM)

    def send(self, packet: bytes) -> None:
        try:
            self._sock.sendto(packet, self._addr)
        except OSError:
            pass  # nobody listening (ICMP port unreachable) must not stop a scan

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> GsmtapUdpSender:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
