"""The GSM downlink transmitter used for tests and demos: scene file -> SigMF recording + truth file.

Stages: :mod:`.scene` (schema, defaults), :mod:`.c0` (TS 45.002 C0 multiplex: bursts of every frame),
:mod:`.ccch` (paging / access grant content), :mod:`.stream` (GMSK phase per cell), :mod:`.render`
(clock errors, channel, noise), :mod:`.impairments` (noise, DC, uint8), :mod:`.truth`, :mod:`.run`.
"""
