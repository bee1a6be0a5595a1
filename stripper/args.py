"""Argument types shared by the command-line tools (stripper, corpus, label/train/evaluate)."""

from __future__ import annotations

import argparse


def threshold_arg(value: str) -> float:
    """An argparse type for --threshold: a number in (0, 1]."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 < number <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"threshold must be in (0, 1], got {value}")
    return number
