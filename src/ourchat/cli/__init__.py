"""The ``ourchat`` command line: run a server, and (client commands) chat from a terminal."""
