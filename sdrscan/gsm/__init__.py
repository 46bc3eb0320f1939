"""GSM protocol layers above the physical layer: band plan, multiplexing tables, L2/L3, GSMTAP."""
