"""``GET /api/v1/spectrum``: power per ARFCN over the band, for the dashboard's band plot."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.schemas import BandPowerPoint, Spectrum

router = APIRouter(tags=["cells"])


@router.get("/spectrum", response_model=Spectrum, summary="Power per ARFCN")
def spectrum(store: StoreDep) -> Spectrum:
    """The most recent power the receiver measured on each ARFCN, and the decoded cells on them."""
    cells = store.list_cells(limit=2000).items
    return Spectrum(points=[BandPowerPoint(**p) for p in store.band_power()],
                    cells=[{"id": c["id"], "arfcn": c["arfcn"], "bsic": c["bsic"], "verdict": c["verdict"],
                            "power_dbfs": c["power_dbfs"]} for c in cells])
