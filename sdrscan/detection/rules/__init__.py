"""One module per detection rule; the registry (:mod:`sdrscan.detection.registry`) lists them all."""
