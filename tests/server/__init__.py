"""Tests of the centre server."""
