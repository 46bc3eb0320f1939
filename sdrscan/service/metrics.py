"""Counters of the service and their Prometheus text form (exposition format 0.0.4, written by hand)."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Mapping

from sdrscan.detection.event import Severity

Labels = tuple[tuple[str, str], ...]


class Metrics:
    """Thread-safe counters and gauges that the worker, notifier and API update."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: Counter[str] = Counter()
        self.gauges: dict[str, float] = {}
        self.labelled: dict[str, Counter[tuple[tuple[str, str], ...]]] = {}

    def inc(self, name: str, value: float = 1.0) -> None:
        with self._lock:
            self.counters[name] += value  # type: ignore[assignment]

    def inc_labelled(self, name: str, labels: Mapping[str, str], value: float = 1.0) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            self.labelled.setdefault(name, Counter())[key] += value  # type: ignore[assignment]

    def set(self, name: str, value: float) -> None:
        with self._lock:
            self.gauges[name] = value

    def get(self, name: str) -> float:
        with self._lock:
            return float(self.counters.get(name, self.gauges.get(name, 0.0)))

    def snapshot(self) -> tuple[dict[str, float], dict[str, float], dict[str, dict[Labels, float]]]:
        with self._lock:
            return (dict(self.counters), dict(self.gauges),
                    {k: dict(v) for k, v in self.labelled.items()})


# name -> (type, help); the order is the order of /metrics
_HELP: dict[str, tuple[str, str]] = {
    "sdrscan_samples_processed_total": ("counter", "IQ samples read by the receiver."),
    "sdrscan_signal_seconds_total": ("counter", "Seconds of signal decoded."),
    "sdrscan_receiver_cpu_seconds_total": ("counter", "Process CPU seconds spent decoding (receiver and survey)."),
    "sdrscan_x_realtime": ("gauge", "Signal seconds per CPU second of the last finished run (above 1: faster "
                                    "than real time)."),
    "sdrscan_frames_total": ("counter", "L2 blocks decoded (passed the Fire code)."),
    "sdrscan_blocks_total": ("counter", "Blocks by result: ok (Fire code passed) or failed."),
    "sdrscan_dropped_samples_total": ("counter", "Samples lost before the receiver (live sources' queue overflow)."),
    "sdrscan_live_up": ("gauge", "1 while the live device (serve --device) streams, 0 while it is being "
                                 "reconnected or stopped."),
    "sdrscan_live_samples_total": ("counter", "Samples the live sweep received (its hops' signal time, settling "
                                              "included)."),
    "sdrscan_live_dropped_samples_total": ("counter", "Live samples lost before the receiver (it fell behind)."),
    "sdrscan_live_x_realtime": ("gauge", "Signal seconds per CPU second of the live sweep's thread (above 1: "
                                         "faster than real time)."),
    "sdrscan_live_gaps_total": ("counter", "Outages of the live device (ended by a reconnection or the stop)."),
    "sdrscan_live_gap_seconds_total": ("counter", "Seconds without signal from the live device."),
    "sdrscan_cells": ("gauge", "Cells in the store by verdict."),
    "sdrscan_alerts": ("gauge", "Alerts in the store by severity."),
    "sdrscan_alerts_unacknowledged": ("gauge", "Alerts not yet acknowledged, by severity."),
    "sdrscan_jobs": ("gauge", "Runs and upload jobs in the store by status."),
    "sdrscan_job_queue_length": ("gauge", "Jobs waiting for the pipeline worker."),
    "sdrscan_events_total": ("counter", "Events and verdict changes the worker stored."),
    "sdrscan_store_transactions_total": ("counter", "Ingest chunks written to the store."),
    "sdrscan_store_write_seconds_total": ("counter", "Wall seconds spent in ingest transactions."),
    "sdrscan_store_errors_total": ("counter", "Ingest chunks the store refused."),
    "sdrscan_notifications_total": ("counter", "Push notifications by target and result (sent, failed, "
                                               "suppressed by the rate limit, dropped on a full queue)."),
    "sdrscan_sse_clients": ("gauge", "Clients connected to /api/v1/alerts/stream."),
}

VERDICTS = ("ok", "suspicious", "rogue")
JOB_STATUSES = ("receiving", "queued", "running", "done", "failed", "interrupted")


def _fmt(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v)) if not float(v).is_integer() else str(int(v))


def _labels(pairs: Iterable[tuple[str, str]]) -> str:
    body = ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                    for k, v in pairs)
    return "{" + body + "}" if body else ""


def render(metrics: Metrics, counts: Mapping[str, Mapping[str, int]], queue_length: int,
           sse_clients: int) -> str:
    """The ``/metrics`` body: the worker's counters plus the store's cells/alerts/jobs counts."""
    counters, gauges, labelled = metrics.snapshot()
    samples: dict[str, list[tuple[tuple[tuple[str, str], ...], float]]] = {name: [] for name in _HELP}
    for name, v in {**counters, **gauges}.items():
        if name in samples:
            samples[name].append(((), v))
    for name, series in labelled.items():
        for key, v in sorted(series.items()):
            samples.setdefault(name, []).append((key, v))
    cells = counts.get("cells", {})
    samples["sdrscan_cells"] = [((("verdict", v),), float(cells.get(v, 0))) for v in VERDICTS]
    for metric, src in (("sdrscan_alerts", "alerts"), ("sdrscan_alerts_unacknowledged", "alerts_unacked")):
        by = counts.get(src, {})
        samples[metric] = [((("severity", s.label),), float(by.get(str(int(s)), 0))) for s in Severity]
    runs = counts.get("runs", {})
    samples["sdrscan_jobs"] = [((("status", st),), float(runs.get(st, 0))) for st in JOB_STATUSES]
    samples["sdrscan_job_queue_length"] = [((), float(queue_length))]
    samples["sdrscan_sse_clients"] = [((), float(sse_clients))]
    for name in ("sdrscan_samples_processed_total", "sdrscan_signal_seconds_total", "sdrscan_frames_total",
                 "sdrscan_dropped_samples_total", "sdrscan_receiver_cpu_seconds_total", "sdrscan_events_total",
                 "sdrscan_store_transactions_total", "sdrscan_store_write_seconds_total",
                 "sdrscan_store_errors_total"):
        if not samples[name]:
            samples[name] = [((), 0.0)]
    if not samples["sdrscan_blocks_total"]:
        samples["sdrscan_blocks_total"] = [((("result", "failed"),), 0.0), ((("result", "ok"),), 0.0)]
    if not samples["sdrscan_x_realtime"]:
        samples["sdrscan_x_realtime"] = [((), float("nan"))]
    lines: list[str] = []
    for name, (kind, text) in _HELP.items():
        if not samples.get(name):
            continue
        lines.append(f"# HELP {name} {text}")
        lines.append(f"# TYPE {name} {kind}")
        for key, v in samples[name]:
            lines.append(f"{name}{_labels(key)} {_fmt(v)}")
    return "\n".join(lines) + "\n"
