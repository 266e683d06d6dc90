"""The desktop program (Qt widgets) and the command line (ui/cli): the top layer."""
