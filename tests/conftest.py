"""Shared fixtures: one stripper with the packaged model per test session."""

from __future__ import annotations

import pytest

import stripper


@pytest.fixture(scope="session")
def default() -> stripper.Stripper:
    """The packaged model, loaded once for the whole test session."""
    return stripper.Stripper()
