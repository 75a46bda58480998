"""Shared fixtures. Reference tests need PyTorch; CI sets SKRNN_REQUIRE_TORCH=1 so a
missing torch fails the run instead of skipping those tests."""

import os
import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

try:
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:  # pragma: no cover - depends on the environment
    if os.environ.get("SKRNN_REQUIRE_TORCH"):
        raise
    HAVE_TORCH = False


requires_torch = pytest.mark.skipif(
    not HAVE_TORCH, reason="needs torch==2.13.0 (pip install -e '.[reference]')"
)


@pytest.fixture
def quiet_convergence():
    """Silence ConvergenceWarning: tests that train a fixed, small number of
    epochs end at ``max_iter`` on purpose. Modules use it through
    ``pytestmark = pytest.mark.usefixtures("quiet_convergence")``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield
