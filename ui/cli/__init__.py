"""The command line: one module per group of commands, above the services.

Each handler takes the parsed arguments and returns an exit code (0 success, 1 a
business error explained on stderr, 2 a usage error or a file of the wrong kind).
Handlers open the application with ``ui.cli.common.open_app`` and call services in
models/ and exports/ as the command line's administrator (``models.app.cli_actor``: the
office's administrator, or on a bureau installation that PC's local administrator, who
has no office powers).
"""
