"""Helpers for the test suite: child-process scripts and the throwaway PostgreSQL cluster."""
