"""Tests of the LogPilot service."""
