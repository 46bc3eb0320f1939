"""sdrscan: passive detection of pseudo GSM base stations with an RTL-SDR."""

__version__ = "0.1.0"
