"""The live event feed behind ``GET /alerts/stream``: the store's events table, tailed and fanned out.

One pump task per service follows the ``events`` table (woken at once by the worker after each commit,
and every ``poll_s`` anyway, so events written by another process appear too) and hands each new row to
every subscriber's bounded queue: one query per commit however many clients listen. A client that falls
behind (full queue) is not dropped: it re-reads what it missed from the store. Event ids are the SSE ids,
so a client that reconnects with ``Last-Event-ID`` misses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from sdrscan.store.store import Store

log = logging.getLogger(__name__)

BATCH = 500


class Subscriber:
    """One client's queue of event rows."""

    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=size)
        self.overflow = False


class EventHub:
    """Tails the store's events and fans them out to subscribers (see the module docstring)."""

    def __init__(self, store: Store, *, poll_s: float = 0.5, queue_size: int = 1000) -> None:
        self.store = store
        self.poll_s = poll_s
        self.queue_size = queue_size
        self.last_id = 0
        self._subs: set[Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def clients(self) -> int:
        return len(self._subs)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.last_id = await asyncio.to_thread(self.store.max_event_id)
        self._task = asyncio.create_task(self._pump(), name="sdrscan-event-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def wake(self) -> None:
        """New events were committed (thread-safe; called by the worker)."""
        loop, ev = self._loop, self._wake
        if loop is not None and ev is not None and not loop.is_closed():
            loop.call_soon_threadsafe(ev.set)

    async def _pump(self) -> None:
        assert self._wake is not None
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_s)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                while True:
                    rows = await asyncio.to_thread(self.store.events_after, self.last_id, BATCH)
                    for row in rows:
                        self._broadcast(row)
                    if rows:
                        self.last_id = rows[-1]["id"]
                    if len(rows) < BATCH:
                        break
            except Exception:  # a database hiccup must not end the live stream for good
                log.exception("event feed: reading new events failed; retrying")

    def _broadcast(self, row: dict[str, Any]) -> None:
        for sub in self._subs:
            if sub.overflow:
                continue
            try:
                sub.queue.put_nowait(row)
            except asyncio.QueueFull:
                sub.overflow = True

    def subscribe(self) -> Subscriber:
        sub = Subscriber(self.queue_size)
        self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subs.discard(sub)

    async def events(self, after: int | None, keepalive_s: float) -> AsyncIterator[dict[str, Any] | None]:
        """Rows with ids above ``after`` (None: only new ones), in order and without gaps; None = keepalive."""
        sub = self.subscribe()
        try:
            last = self.last_id if after is None else after
            backlog = after is not None
            while True:
                if backlog or sub.overflow:
                    # Anything at or below the hub's position may be missing from the queue: read the store.
                    sub.overflow = False
                    rows = await asyncio.to_thread(self.store.events_after, last, BATCH)
                    for row in rows:
                        last = row["id"]
                        yield row
                    backlog = len(rows) == BATCH
                    continue
                try:
                    row = await asyncio.wait_for(sub.queue.get(), keepalive_s)
                except TimeoutError:
                    yield None
                    continue
                if row["id"] <= last:
                    continue
                last = row["id"]
                yield row
        finally:
            self.unsubscribe(sub)
