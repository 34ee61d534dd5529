"""Application services: one function per command, one transaction each."""
