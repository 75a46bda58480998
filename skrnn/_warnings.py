"""Warnings that point at the user's line of code."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import sklearn

_LIBRARY_DIRS = tuple(
    str(Path(module.__file__).resolve().parent) + os.sep
    for module in (sys.modules[__package__], sklearn)
)


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the user's line: the first frame outside
    skrnn and scikit-learn (so a warning from a fit inside a Pipeline or a grid
    search points at the user's call, not at library code)."""
    frame = sys._getframe(1)
    level = 2  # stacklevel 1 is this function, 2 its caller
    while frame is not None and str(
        Path(frame.f_code.co_filename).resolve()
    ).startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
