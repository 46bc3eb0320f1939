"""Faults in the field: the device disappears, comes back late or never, or stalls; nothing decoded is lost."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from sdrscan.errors import DeviceError
from sdrscan.field.plan import SweepPlan, plan_sweep
from sdrscan.field.scanner import DeviceGap, FieldFrame, HopDone
from sdrscan.sim.server import RtlTcpServer
from tests.field.simrig import start_rig


def _plan(n: int) -> SweepPlan:
    plan = plan_sweep("GSM900")
    return dataclasses.replace(plan, hops=plan.hops[1:1 + n])  # 928-936 MHz: cells in every hop


@pytest.mark.slow
def test_server_killed_mid_hop_reconnects_and_loses_nothing_decoded() -> None:
    rig = start_rig()
    scanner = rig.scanner(_plan(3), reconnect_min_s=0.1)
    events: list[object] = []
    frames_at_loss = None
    try:
        for ev in scanner.run(sweeps=1):
            events.append(ev)
            if isinstance(ev, FieldFrame) and ev.hop == 2 and frames_at_loss is None:
                frames_at_loss = sum(isinstance(e, FieldFrame) for e in events)
                rig.server.drop_client()  # what a USB unplug or a killed rtl_tcp looks like to the client
    finally:
        rig.close()
    gaps = [e for e in events if isinstance(e, DeviceGap)]
    hops = [e for e in events if isinstance(e, HopDone)]
    assert len(gaps) == 1 and gaps[0].attempts >= 1 and gaps[0].end >= gaps[0].start
    assert [h.reason for h in hops if h.hop.index == 2] == ["device-lost", "complete"]  # the hop was done again
    frames = [e for e in events if isinstance(e, FieldFrame)]
    assert frames_at_loss is not None and len(frames) > frames_at_loss
    # Every hop still completed every carrier it found.
    done = [h for h in hops if h.reason != "device-lost"]
    assert all(c.complete for h in done for c in h.carriers if c.bsic is not None)
    assert scanner.stats.reconnects == 1


@pytest.mark.slow
def test_a_server_that_comes_back_later_is_waited_for_with_backoff() -> None:
    rig = start_rig()
    port = rig.server.port
    scanner = rig.scanner(_plan(2), reconnect_min_s=0.2, reconnect_max_s=0.8)
    events: list[object] = []
    revived: list[RtlTcpServer] = []

    def revive() -> None:
        time.sleep(1.5)
        srv = RtlTcpServer(rig.dongle, port=port, realtime=False)
        srv.start()
        revived.append(srv)

    try:
        for ev in scanner.run(sweeps=1):
            events.append(ev)
            if isinstance(ev, FieldFrame) and not revived and not any(isinstance(e, DeviceGap) for e in events) \
                    and rig.server._listener is not None and sum(isinstance(e, FieldFrame) for e in events) == 20:
                rig.server.stop()  # the server process is gone ...
                threading.Thread(target=revive, daemon=True).start()  # ... and restarted 1.5 s later
    finally:
        for srv in revived:
            srv.stop()
        rig.close()
    (gap,) = [e for e in events if isinstance(e, DeviceGap)]
    assert gap.attempts >= 3  # 0.2, 0.4, 0.8 ... s between attempts
    assert (gap.end - gap.start).total_seconds() >= 1.2
    assert sum(1 for e in events if isinstance(e, HopDone) and e.reason == "complete") == 2


def test_giving_up_is_one_clear_error() -> None:
    rig = start_rig()
    scanner = rig.scanner(_plan(2), reconnect_min_s=0.1, reconnect_max_s=0.2, give_up_after_s=1.0)
    t0 = time.monotonic()
    with pytest.raises(DeviceError) as err:
        for ev in scanner.run(sweeps=1):
            if isinstance(ev, FieldFrame):
                rig.server.stop()
    rig.close()
    msg = str(err.value)
    assert "not back after" in msg and "cannot connect to rtl_tcp" in msg and "\n" not in msg
    assert time.monotonic() - t0 < 20


@pytest.mark.slow
def test_a_stalled_server_is_timed_out_and_reconnected() -> None:
    rig = start_rig()
    scanner = rig.scanner(_plan(2), read_timeout_s=0.5, reconnect_min_s=0.1)
    scanner.open_device = rig.opener(read_timeout_s=0.5)
    events: list[object] = []
    try:
        for ev in scanner.run(sweeps=1):
            events.append(ev)
            if isinstance(ev, FieldFrame) and sum(isinstance(e, FieldFrame) for e in events) == 10:
                rig.server.stall()
                threading.Timer(1.0, rig.server.stall, args=(False,)).start()
    finally:
        rig.close()
    # A reconnection may land while the server is still stalled (on a loaded machine it does): each
    # timeout is then a gap of its own, and every one of them must name the stall.
    gaps = [e for e in events if isinstance(e, DeviceGap)]
    assert gaps and all("stalled" in g.reason or "no samples" in g.reason for g in gaps)
    assert sum(1 for e in events if isinstance(e, HopDone) and e.reason == "complete") == 2


@pytest.mark.slow
def test_a_slow_consumer_drops_samples_and_says_so() -> None:
    rig = start_rig(realtime=True)
    plan = _plan(1)
    scanner = rig.scanner(plan, overflow="drop", ring_s=0.2)
    try:
        for ev in scanner.run(sweeps=1):
            if isinstance(ev, FieldFrame):
                time.sleep(0.05)  # a consumer far slower than the dongle
    finally:
        rig.close()
    assert scanner.stats.dropped_samples > 0
