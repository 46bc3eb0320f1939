"""A simulated dongle on loopback for the field tests: scene -> SimDongle -> rtl_tcp server -> our client."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sdrscan.field.plan import SweepPlan, plan_sweep
from sdrscan.field.scanner import ScanConfig, Scanner
from sdrscan.gps.fix import PositionTrack
from sdrscan.sim.dongle import SimDongle
from sdrscan.sim.drive import Drive
from sdrscan.sim.server import RtlTcpServer
from sdrscan.sim.world import load_world_scene
from sdrscan.sources.rtltcp import RtlTcpDevice

EGSM30 = Path(__file__).with_name("scenes") / "egsm30.json"


def scene_cells() -> list[dict]:
    return json.loads(EGSM30.read_text())["cells"]


@dataclass
class Rig:
    dongle: SimDongle
    server: RtlTcpServer

    @property
    def url(self) -> str:
        return f"rtltcp://127.0.0.1:{self.server.port}"

    def opener(self, read_timeout_s: float = 5.0) -> Callable[[], RtlTcpDevice]:
        port = self.server.port
        return lambda: RtlTcpDevice("127.0.0.1", port, read_timeout_s=read_timeout_s)

    def scanner(self, plan: SweepPlan | None = None, positions: PositionTrack | None = None,
                **cfg: object) -> Scanner:
        config = ScanConfig(**{"overflow": "block", "ring_s": 0.05, **cfg})  # type: ignore[arg-type]
        return Scanner(self.opener(), plan or plan_sweep("GSM900"), config, positions)

    def close(self) -> None:
        self.server.stop()


def start_rig(*, ppm: float = 0.0, seed: int = 11, realtime: bool = False, drive: Drive | None = None,
              scene: Path = EGSM30, port: int = 0, tuner: str = "R820T") -> Rig:
    dongle = SimDongle(load_world_scene(scene, ppm=ppm), seed, drive=drive, tuner=tuner)
    server = RtlTcpServer(dongle, port=port, realtime=realtime)
    server.start()
    return Rig(dongle, server)
