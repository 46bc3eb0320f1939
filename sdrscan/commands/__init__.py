"""One module per CLI sub-command; see ``sdrscan.cli.COMMANDS``."""
