"""The command line's commands that need more than a call into one layer (`python -m gateway`)."""
