"""Benchmarks of the centre server against a peak hour (run by `make bench`, never by pytest)."""
