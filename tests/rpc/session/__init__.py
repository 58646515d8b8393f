"""Tests of the session RPCs."""
