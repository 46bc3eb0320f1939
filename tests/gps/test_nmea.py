"""NMEA 0183: checksums, GGA/RMC fields, pairing into fixes; checked against gpsd's own decoder (gpsdecode)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sdrscan.errors import SourceError
from sdrscan.gps.fix import PositionTrack
from sdrscan.gps.nmea import KNOT_MPS, NmeaAssembler, NmeaError, NmeaReader, nmea_checksum, parse_sentence
from tests.conftest import require_tool
from tests.gps.nmea_log import sentence, write_log

# The textbook examples (NMEA 0183 as documented by gpsd's "NMEA 0183 revealed" and many receivers' manuals).
GGA = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"
RMC = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A"


def test_textbook_sentences() -> None:
    assert nmea_checksum(GGA[1:-3]) == "47" and nmea_checksum(RMC[1:-3]) == "6A"
    g = parse_sentence(GGA)
    assert g is not None and g.kind == "GGA" and g.valid
    assert g.lat_deg == pytest.approx(48 + 7.038 / 60) and g.lon_deg == pytest.approx(11 + 31.0 / 60)
    assert g.alt_m == 545.4 and g.satellites == 8 and g.time_of_day == (12, 35, 19, 0)
    r = parse_sentence(RMC)
    assert r is not None and r.kind == "RMC" and r.day == date(1994, 3, 23)
    assert r.speed_mps == pytest.approx(22.4 * KNOT_MPS) and r.track_deg == 84.4


def test_pairs_make_one_fix_per_second() -> None:
    track = PositionTrack()
    asm = NmeaAssembler(track)
    assert asm.feed(RMC) is None  # waits for the GGA of the same second
    fix = asm.feed(GGA)
    assert fix is not None and track.fixes_total == 1
    assert fix.time == datetime(1994, 3, 23, 12, 35, 19, tzinfo=UTC)
    assert (fix.alt_m, fix.mode, fix.track_deg) == (545.4, 3, 84.4)
    # A receiver sending RMC only: each second is emitted when the next one starts.
    rmc_only = NmeaAssembler(PositionTrack())
    later = RMC.split("*")[0][1:].replace("123519", "123520")
    assert rmc_only.feed(RMC) is None
    assert rmc_only.feed(sentence(later)).mode == 2  # type: ignore[union-attr]
    assert rmc_only.flush() is not None and rmc_only.track.fixes_total == 2


@pytest.mark.parametrize("line,reason", [
    (GGA.replace("*47", "*48"), "bad_checksum"), (GGA[:-3], "no_checksum"), ("GPGGA,1*00", "no_dollar"),
    (sentence("GPGGA,123519,4807.038,N"), "short_sentence"), (sentence("GPGGA,9x,,,,,1,08,0.9,1,M,,M,,"), "bad_time"),
    (sentence("GPRMC,123519,A,4807.038,Q,01131.000,E,0,0,230394,,"), "bad_hemisphere"),
])
def test_bad_sentences_are_counted_not_raised(line: str, reason: str) -> None:
    with pytest.raises(NmeaError) as err:
        parse_sentence(line)
    assert err.value.reason == reason
    asm = NmeaAssembler(PositionTrack())
    assert asm.feed(line) is None and asm.skipped[reason] == 1


def test_void_fixes_and_other_sentences() -> None:
    asm = NmeaAssembler(PositionTrack())
    asm.feed(sentence("GPRMC,123519,V,,,,,,,230394,,,N"))
    asm.feed(sentence("GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00"))
    assert asm.skipped["no_fix"] == 1 and asm.track.fixes_total == 0


def test_log_file_reader(tmp_path: Path) -> None:
    log = tmp_path / "drive.nmea"
    truth = write_log(log, 30)
    reader = NmeaReader(log)
    assert reader.track.fixes_total == 30
    for (t, lat, lon, alt), fix in zip(truth, list(reader.track._fixes), strict=True):
        assert fix.time == t and fix.alt_m == alt and fix.mode == 3
        assert fix.lat_deg == pytest.approx(lat, abs=1e-6) and fix.lon_deg == pytest.approx(lon, abs=1e-6)
    with pytest.raises(SourceError, match="NMEA source"):
        NmeaReader(tmp_path / "missing")


def test_fifo_reader_is_live(tmp_path: Path) -> None:
    fifo = tmp_path / "gps.fifo"
    os.mkfifo(fifo)
    log = tmp_path / "drive.nmea"
    write_log(log, 5)

    def feed() -> None:
        with open(fifo, "w") as f:
            for line in log.read_text().splitlines():
                f.write(line + "\r\n")
                f.flush()
                time.sleep(0.01)

    threading.Thread(target=feed, daemon=True).start()
    reader = NmeaReader(fifo)
    deadline = time.monotonic() + 5
    while reader.track.fixes_total < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    reader.close()
    assert reader.track.fixes_total == 5


@pytest.mark.interop
def test_same_fixes_as_gpsdecode(tmp_path: Path) -> None:
    """gpsd's decoder (gpsd-clients) reads the same log to the same positions, altitudes, times and speeds."""
    tool = require_tool("gpsdecode", "gpsd-clients")
    log = tmp_path / "drive.nmea"
    write_log(log, 20, seed=9, knots=17.5, course=301.2)
    r = subprocess.run([tool, "-j"], input=log.read_bytes(), capture_output=True, timeout=30)
    assert r.returncode == 0
    theirs = {}
    for line in r.stdout.decode().splitlines():
        obj = json.loads(line)
        if obj.get("class") == "TPV" and obj.get("mode", 0) >= 2:
            theirs[datetime.fromisoformat(obj["time"].replace("Z", "+00:00"))] = obj
    ours = {f.time: f for f in NmeaReader(log).track._fixes}
    common = sorted(set(ours) & set(theirs))
    assert len(common) >= 18  # gpsdecode reports each second when the next one starts: the last is missing
    for t in common:
        a, b = ours[t], theirs[t]
        assert a.lat_deg == pytest.approx(b["lat"], abs=1e-7) and a.lon_deg == pytest.approx(b["lon"], abs=1e-7)
        assert a.alt_m == pytest.approx(b["altMSL"], abs=1e-3)
        assert a.speed_mps == pytest.approx(b["speed"], abs=1e-3) and a.track_deg == pytest.approx(b["track"])
