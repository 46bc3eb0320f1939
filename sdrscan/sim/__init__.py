"""The simulated dongle: an rtl_tcp server that synthesizes, on the fly and with our transmitter, what a
dongle would receive at whatever frequency and rate its client tunes (:mod:`.world`, :mod:`.dongle`,
:mod:`.server`), optionally while driving (:mod:`.drive`) with a fake gpsd reporting the position (:mod:`.gpsd`).
"""
