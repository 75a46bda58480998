"""The estimators' numbers do not move under refactoring: weights and outputs on
fixed seeds equal, bit for bit, those recorded by ``tools/record_fixtures.py``."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "record_fixtures", ROOT / "tools" / "record_fixtures.py"
)
record_fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(record_fixtures)

RECORDED = np.load(ROOT / "tests" / "data" / "fixtures.npz")


@pytest.mark.parametrize("name", sorted(record_fixtures.CONFIGS))
def test_bit_identical_to_recorded(name):
    import warnings

    kind, form, params = record_fixtures.CONFIGS[name]
    est, X, y = record_fixtures.build(kind, form, params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
        est.partial_fit(X, y)
    now = record_fixtures.outputs(est, X)
    expected = {
        k.split("/", 1)[1]: RECORDED[k]
        for k in RECORDED.files
        if k.startswith(name + "/")
    }
    assert sorted(now) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_array_equal(now[key], value, err_msg=f"{name}: {key}")
