"""Tests of the centre client."""
