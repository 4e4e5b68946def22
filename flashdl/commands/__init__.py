"""One module per ``flashdl`` subcommand. Each declares its arguments in ``register`` and imports
what it needs inside its run function."""
