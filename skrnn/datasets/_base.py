"""Reading the data files shipped inside ``skrnn.datasets``.

Every loader reads through :func:`_read_text`, which opens ``data/<name>`` with
:mod:`importlib.resources`, so the files are found inside an installed wheel as well
as in a source checkout. Nothing outside the package is ever opened.
"""

from __future__ import annotations

import lzma
import numbers
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_PACKAGE = "skrnn.datasets"


def _resource(folder: str, name: str) -> Traversable:
    """The shipped file ``<folder>/<name>`` of this package."""
    return resources.files(_PACKAGE).joinpath(folder, name)


def _read_text(name: str) -> str:
    """Contents of ``data/<name>`` as text, decompressing ``.xz`` files."""
    with _resource("data", name).open("rb") as f:
        raw = f.read()
    if name.endswith(".xz"):
        raw = lzma.decompress(raw)
    return raw.decode("utf-8")


def _load_descr(name: str) -> str:
    """Contents of ``descr/<name>``: the DESCR text of a data set."""
    return _resource("descr", name).read_text(encoding="utf-8")


def _check_count(value: object, name: str) -> int | None:
    """Validate an optional positive sample count such as ``n_sentences``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be None or an int >= 1; got {value!r}.")
    return int(value)
