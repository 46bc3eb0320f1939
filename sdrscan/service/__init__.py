"""The long-running service: pipeline worker, ingest jobs, live event feed, notifications (``docs/service.md``).

:class:`~sdrscan.service.service.Service` ties them together; the API (``api/``) and ``sdrscan serve`` use it.
"""
