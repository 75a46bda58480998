"""The README's quickstart runs as written and does what it says."""

import re
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_quickstart_runs():
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        exec(compile(code, str(README), "exec"), namespace)
    assert namespace["search"].best_score_ >= 0.9
    X = namespace["X"]
    assert namespace["reg"].score(X, X.sum(1)) >= 0.9
    pred = namespace["tagger"].predict([["the", "cat", "runs"]])
    np.testing.assert_array_equal(pred[0], ["DET", "NOUN", "VERB"])
    lm = namespace["lm"]
    assert lm.predict(["hel", "hell"]).tolist() == ["l", "o"]
    assert lm.sample(temperature=0.1, random_state=0) == ["hello"]


def test_readme_gives_the_two_commands():
    text = README.read_text()
    blocks = re.findall(r"```\n(.*?)\n```", text, re.S)
    assert blocks[:2] == ["make demo", "make test"]
