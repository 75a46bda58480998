"""The five input forms of ``X``, turned into one internal ragged form.

Everything an estimator needs between the user's ``X`` and the NumPy core lives
here: recognising which of the accepted forms ``X`` is in, validating it with
error messages that name the offending sample, learning a vocabulary for token
input, and the ragged container :class:`Ragged` that pads batches time-major
for the recurrent core. Mini-batch bucketing by length is here as well.

Rules for telling the forms apart
---------------------------------
The rules are applied in this order; the first that matches decides.

* A scipy sparse matrix is rejected the way scikit-learn rejects it.
* A single ``str`` is rejected: ``X`` is a collection of samples.
* ``numpy.ndarray``:

  - dtype ``str``/``bytes``, 1-D: form 4 (each string is a sequence of
    characters); 2-D: form 5 (each row is a sequence of tokens).
  - dtype ``object`` and 1-D: a collection of samples, classified like a list
    (below).
  - 3-D: form 2 (``(n_samples, n_timesteps, n_features)``; trailing all-NaN
    steps are padding).
  - anything else (0-D, 1-D numeric, 2-D of any other dtype including object):
    form 1, validated by scikit-learn's :func:`~sklearn.utils.validation.
    validate_data`, which gives scikit-learn's own messages (for instance
    "Expected 2D array, got 1D array instead").

* ``list`` or ``tuple``: each element is classified as a ``str``, a token
  sequence (a list, tuple or array whose first item is a ``str``), a numeric
  sequence (an ``ndarray``, or a list/tuple of anything else), or a scalar.

  - all ``str``: form 4; all token sequences: form 5;
  - all scalars: a 1-D array, which is an error (scikit-learn's message);
  - at least one element is an ``ndarray``: form 3 (ragged), whatever the
    shapes;
  - only nested lists/tuples of numbers: if ``np.asarray`` makes them
    rectangular they are form 1 (2-D) or form 2 (3-D); if their shapes differ
    they are form 3 (ragged). Both readings agree: a 2-D array and a list of
    1-D sequences are both univariate sequences.
  - any other mixture (strings with arrays, characters with tokens, scalars
    with sequences) is an error naming one sample of each kind.

* Any other array-like (a pandas ``DataFrame``, ``Series``, or an object with
  ``__array__``): a 1-D object or string column is classified like a list; a
  3-D result is form 2; everything else is form 1 (so a ``DataFrame`` keeps
  its column names for ``feature_names_in_``).

A 1-D sample ``(T_i,)`` inside a list is a univariate sequence with one
feature per step.
"""

from __future__ import annotations

import numbers
from collections import Counter
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, validate_data

__all__ = [
    "Ragged",
    "encode_tags",
    "make_batches",
    "prediction_batches",
    "unpad",
    "validate_sequences",
    "validate_tag_targets",
    "float_dtype",
]


class Ragged:
    """Sequences of different lengths stored back to back in one array.

    Parameters
    ----------
    data : ndarray of shape (n_total_steps, n_features) or (n_total_steps,)
        The time steps of all sequences, one sequence after the other. A 2-D
        float array holds numeric sequences; a 1-D integer array holds token
        ids.
    offsets : array-like of int of shape (n_sequences + 1,)
        Sequence ``i`` is ``data[offsets[i]:offsets[i + 1]]``. ``offsets[0]``
        must be 0 and ``offsets[-1]`` must be ``len(data)``.

    Notes
    -----
    ``data`` may share memory with the ``X`` it was built from; treat it as
    read-only. :meth:`take` and :meth:`pad` always return new arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import Ragged
    >>> r = Ragged.from_list([np.array([[1.0], [2.0], [3.0]]), np.array([[4.0]])])
    >>> r.lengths
    array([3, 1])
    >>> X, lengths = r.pad()
    >>> X[:, :, 0]
    array([[1., 4.],
           [2., 0.],
           [3., 0.]])
    """

    def __init__(self, data: np.ndarray, offsets) -> None:
        offsets = np.asarray(offsets, dtype=np.int64)
        if offsets.ndim != 1 or offsets.size == 0 or offsets[0] != 0:
            raise ValueError("offsets must be a 1-D array starting with 0.")
        if offsets[-1] != len(data):
            raise ValueError(
                f"offsets[-1]={offsets[-1]} does not match len(data)={len(data)}."
            )
        self.data = data
        self.offsets = offsets

    @property
    def lengths(self) -> np.ndarray:
        """Number of time steps of each sequence, int64 of shape (n,)."""
        return np.diff(self.offsets)

    @property
    def n_step_features(self) -> int | None:
        """Features per time step (numeric), or None for token ids."""
        return self.data.shape[1] if self.data.ndim == 2 else None

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __repr__(self) -> str:
        return (
            f"Ragged(n_sequences={len(self)}, n_total_steps={len(self.data)}, "
            f"data.shape={self.data.shape}, dtype={self.data.dtype})"
        )

    def _steps(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row positions in ``data`` of the chosen sequences, and their lengths."""
        starts = self.offsets[indices]
        lengths = self.offsets[indices + 1] - starts
        new_offsets = np.zeros(len(indices) + 1, dtype=np.int64)
        np.cumsum(lengths, out=new_offsets[1:])
        # Row j of the result belongs to sequence k: data row starts[k] + (j -
        # new_offsets[k]).
        shift = np.repeat(starts - new_offsets[:-1], lengths)
        rows = shift + np.arange(new_offsets[-1], dtype=np.int64)
        return rows, new_offsets

    def _indices(self, indices) -> np.ndarray:
        if indices is None:
            return np.arange(len(self), dtype=np.intp)
        indices = np.asarray(indices)
        if indices.dtype == bool:
            return np.flatnonzero(indices)
        return indices.astype(np.intp, copy=False).reshape(-1)

    def take(self, indices) -> Ragged:
        """Return the sequences at ``indices`` (in that order) as a new Ragged.

        Parameters
        ----------
        indices : array-like of int or bool
            Sequence positions (repeats allowed) or a boolean mask.

        Returns
        -------
        Ragged
            A new container whose ``data`` is a copy.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn._data import Ragged
        >>> r = Ragged.from_list([np.array([1, 2]), np.array([3]), np.array([4, 5])])
        >>> [s.tolist() for s in r.take([2, 0]).to_list()]
        [[4, 5], [1, 2]]
        """
        indices = self._indices(indices)
        rows, new_offsets = self._steps(indices)
        return Ragged(self.data.take(rows, axis=0), new_offsets)

    def pad(self, indices=None, dtype=None) -> tuple[np.ndarray, np.ndarray]:
        """Zero-pad the chosen sequences into one time-major batch.

        Parameters
        ----------
        indices : array-like of int, default=None
            Which sequences, in batch order. ``None`` takes all of them.
        dtype : dtype, default=None
            dtype of the padded batch; ``None`` keeps ``data.dtype``.

        Returns
        -------
        X : ndarray of shape (T_max, B, n_features) or (T_max, B)
            ``X[t, b]`` is step ``t`` of the ``b``-th chosen sequence, or 0
            past its end. Token ids pad with 0, the id for unseen tokens.
        lengths : ndarray of int64 of shape (B,)
            Lengths of the chosen sequences.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn._data import Ragged
        >>> r = Ragged.from_list([np.array([5, 6, 7]), np.array([8])])
        >>> X, lengths = r.pad([1, 0])
        >>> X
        array([[8, 5],
               [0, 6],
               [0, 7]])
        >>> lengths
        array([1, 3])
        """
        indices = self._indices(indices)
        starts = self.offsets[indices]
        lengths = self.offsets[indices + 1] - starts
        n_steps = int(lengths.max()) if len(lengths) else 0
        steps = np.arange(n_steps, dtype=np.int64)[:, None]
        mask = steps < lengths
        # Where a step is padding, read row 0 of the sequence (always valid:
        # every sequence has at least one step) and zero it afterwards.
        positions = starts + np.where(mask, steps, 0)
        out = self.data.take(positions, axis=0)
        if dtype is not None:
            out = out.astype(dtype, copy=False)
        out[~mask] = 0
        return out, lengths

    def to_list(self) -> list[np.ndarray]:
        """Split into one array per sequence (views into ``data``).

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn._data import Ragged
        >>> Ragged(np.arange(5), [0, 2, 5]).to_list()
        [array([0, 1]), array([2, 3, 4])]
        """
        if len(self) == 0:
            return []
        return np.split(self.data, self.offsets[1:-1])

    @classmethod
    def from_list(cls, sequences) -> Ragged:
        """Concatenate a list of arrays (``(T_i, F)`` numeric or ``(T_i,)`` ids).

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn._data import Ragged
        >>> r = Ragged.from_list([np.zeros((2, 3)), np.ones((4, 3))])
        >>> r.data.shape, r.offsets
        ((6, 3), array([0, 2, 6]))
        """
        sequences = [np.asarray(s) for s in sequences]
        if not sequences:
            raise ValueError("Ragged.from_list needs at least one sequence.")
        offsets = np.zeros(len(sequences) + 1, dtype=np.int64)
        np.cumsum([len(s) for s in sequences], out=offsets[1:])
        return cls(np.concatenate(sequences, axis=0), offsets)


def unpad(values: np.ndarray, lengths) -> list[np.ndarray]:
    """Turn a time-major padded batch back into one array per sequence.

    Parameters
    ----------
    values : ndarray of shape (T, B, ...)
        Time-major batch, for instance the per-step outputs of the network.
    lengths : array-like of int of shape (B,)
        Real length of each column.

    Returns
    -------
    list of ndarray
        ``B`` arrays of shape ``(lengths[b], ...)``, in batch order. They are
        views into one new contiguous array, never into ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import unpad
    >>> values = np.array([[1, 4], [2, 0], [3, 0]])
    >>> unpad(values, [3, 1])
    [array([1, 2, 3]), array([4])]
    """
    values = np.asarray(values)
    lengths = np.asarray(lengths, dtype=np.int64)
    if values.ndim < 2 or values.shape[1] != len(lengths):
        raise ValueError(
            f"values of shape {values.shape} do not match {len(lengths)} lengths; "
            "expected a time-major array (T, B, ...)."
        )
    if len(lengths) and lengths.max() > values.shape[0]:
        raise ValueError(
            f"A length of {lengths.max()} exceeds the {values.shape[0]} time "
            "steps of values."
        )
    batch_major = np.swapaxes(values, 0, 1)
    mask = np.arange(values.shape[0]) < lengths[:, None]
    return _split(batch_major[mask], lengths)


def _split(flat: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """Cut concatenated sequences back into a list of views."""
    if len(lengths) == 0:
        return []
    return np.split(flat, np.cumsum(lengths)[:-1])


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


class _Checked(NamedTuple):
    """What the validation found: the sequences, and how ``X`` was shaped."""

    ragged: Ragged
    form: str  # "2d", "3d", "ragged", "chars" or "tokens"
    one_d: np.ndarray | None  # form "ragged": which samples were 1-D arrays
    n_steps: int | None  # form "3d": the padded number of time steps


_NUMERIC_FORMS = ("2d", "3d", "ragged")
_KIND_WORDS = {
    "str": "a str",
    "tokens": "a sequence of str tokens",
    "numeric": "a numeric sequence",
    "scalar": "a scalar",
}


def _empty_error(i: int) -> ValueError:
    return ValueError(
        f"X[{i}] is an empty sequence (0 time steps); every sample needs at "
        "least one time step."
    )


def _classify(x, i: int) -> str:
    """The kind of one element of a list-like X; raise for empty samples."""
    if isinstance(x, str):
        if not x:
            raise _empty_error(i)
        return "str"
    if isinstance(x, (bytes, dict, set)) or x is None:
        raise ValueError(
            f"X[{i}] is a {type(x).__name__}; a sample must be a str, a "
            "sequence of str tokens or a numeric sequence."
        )
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return "scalar"
        if x.shape[0] == 0:
            raise _empty_error(i)
        if x.dtype.kind in "US":
            return "tokens"
        if x.dtype == object and isinstance(x.flat[0], str):
            return "tokens"
        return "numeric"
    if isinstance(x, (list, tuple)):
        if len(x) == 0:
            raise _empty_error(i)
        return "tokens" if isinstance(x[0], str) else "numeric"
    if isinstance(x, (numbers.Number, np.generic)):
        return "scalar"
    if hasattr(x, "__array__"):  # pandas objects and other array-likes
        return _classify(np.asarray(x), i)
    raise ValueError(
        f"X[{i}] is a {type(x).__name__}; a sample must be a str, a sequence "
        "of str tokens or a numeric sequence."
    )


def _detect_list(X, name: str):
    """Classify a list-like X; return (form, payload)."""
    n = len(X)
    if n == 0:
        raise ValueError(
            "Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is "
            f"required by {name}."
        )
    first_of = {}
    has_array = False
    for i, x in enumerate(X):
        kind = _classify(x, i)
        first_of.setdefault(kind, i)
        has_array = has_array or not isinstance(x, (list, tuple))
    kinds = list(first_of)  # in order of first appearance
    if len(kinds) > 1:
        a, b = sorted(kinds, key=first_of.get)[:2]
        raise ValueError(
            f"X mixes kinds of samples: X[{first_of[a]}] is {_KIND_WORDS[a]} but "
            f"X[{first_of[b]}] is {_KIND_WORDS[b]}. All samples must be of one "
            "kind: str (characters), token sequences, or numeric sequences."
        )
    kind = kinds[0]
    if kind == "str":
        return "chars", X
    if kind == "tokens":
        return "tokens", X
    if kind == "scalar":
        # A 1-D array of numbers: let scikit-learn say "Expected 2D array".
        return "2d", X
    if has_array:
        return "ragged", X
    try:
        arr = np.asarray(X)
    except ValueError:  # inhomogeneous nesting: sequences of different shapes
        return "ragged", X
    if arr.dtype.kind in "US":
        for i, x in enumerate(X):
            if any(isinstance(v, str) for v in np.ravel(np.asarray(x, dtype=object))):
                raise _non_numeric(i, "a numeric sequence holds str items.")
    if arr.ndim == 2:
        return "2d", arr
    if arr.ndim == 3:
        return "3d", arr
    return "ragged", X


def _detect_form(X, name: str):
    """Tell which of the five forms X is in; return (form, payload)."""
    if sp.issparse(X):
        return "2d", X
    if isinstance(X, (str, bytes)):
        raise ValueError(
            f"{name} expects a collection of sequences, but X is a single "
            f"{type(X).__name__}. Wrap it in a list: [X]."
        )
    if isinstance(X, (list, tuple)):
        return _detect_list(X, name)
    if isinstance(X, np.ndarray):
        if X.dtype.kind in "US":
            if X.ndim == 1:
                return _detect_list(X.tolist(), name)
            if X.ndim == 2:
                return _detect_list(X.tolist(), name)
        if X.dtype == object and X.ndim == 1:
            return _detect_list(X, name)
        if X.ndim == 3:
            return "3d", X
        if X.ndim > 3:
            raise ValueError(_ndim_message(X.ndim, name))
        return "2d", X
    if getattr(X, "ndim", None) == 2:  # a DataFrame: keep its column names
        return "2d", X
    if hasattr(X, "__array__"):
        peek = np.asarray(X)
        if peek.ndim == 1 and peek.dtype.kind in "OUS":
            return _detect_list(peek.tolist(), name)
        if peek.ndim == 3:
            return "3d", peek
        if peek.ndim > 3:
            raise ValueError(_ndim_message(peek.ndim, name))
    return "2d", X


def _ndim_message(ndim: int, name: str) -> str:
    return (
        f"X has {ndim} dimensions, but {name} expects a 2-D array (n_samples, "
        "n_timesteps), a 3-D array (n_samples, n_timesteps, n_features), or a "
        "list of sequences."
    )


def _locate(offsets: np.ndarray, row: int) -> tuple[int, int]:
    """Sample index and time step of a row of the concatenated data."""
    i = int(np.searchsorted(offsets, row, side="right")) - 1
    return i, int(row - offsets[i])


def _check_finite_rows(data: np.ndarray, offsets: np.ndarray) -> None:
    bad = ~np.isfinite(data)
    if data.ndim == 2:
        bad = bad.any(axis=1)
    if bad.any():
        row = int(np.argmax(bad))
        i, t = _locate(offsets, row)
        what = "NaN" if np.isnan(data[row]).any() else "inf"
        raise ValueError(
            f"X[{i}] contains {what} at time step {t}. NaN and inf are not "
            "allowed inside a sequence (NaN is allowed only as trailing all-NaN "
            "padding steps of a 3-D array)."
        )


def _non_numeric(i: int, detail: str) -> ValueError:
    return ValueError(f"X[{i}] holds non-numeric data: {detail}")


def _ragged_numeric(X, dtype) -> tuple[Ragged, np.ndarray]:
    """Validate a list of numeric sequences; return them and a 1-D flag each."""
    arrays = []
    one_d = np.zeros(len(X), dtype=bool)
    n_features = first = None
    for i, x in enumerate(X):
        try:
            a = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise _non_numeric(i, str(exc)) from None
        if a.dtype.kind in "USV":
            raise _non_numeric(i, f"dtype {a.dtype}.")
        if a.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: X[{i}] is complex.")
        if a.ndim == 1:
            a = a[:, None]
            one_d[i] = True
        elif a.ndim != 2:
            raise ValueError(
                f"X[{i}] has shape {a.shape}; a sequence must be 1-D (T,) or 2-D "
                "(T, n_features)."
            )
        if a.shape[0] == 0:
            raise _empty_error(i)
        if a.shape[1] == 0:
            raise ValueError(
                f"X[{i}] has 0 features per time step (shape={a.shape}); at "
                "least 1 is required."
            )
        if n_features is None:
            n_features, first = a.shape[1], i
        elif a.shape[1] != n_features:
            raise ValueError(
                f"X[{i}] has {a.shape[1]} features per time step, but X[{first}] "
                f"has {n_features}. All sequences must have the same number of "
                "features."
            )
        if a.dtype == object:
            try:
                a = a.astype(dtype)
            except (TypeError, ValueError) as exc:
                raise _non_numeric(i, str(exc)) from None
        arrays.append(a)
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=offsets[1:])
    data = np.concatenate(arrays, axis=0, dtype=dtype, casting="unsafe")
    _check_finite_rows(data, offsets)
    return Ragged(data, offsets), one_d


def _padded_numeric(source, dtype, estimator) -> tuple[Ragged, int]:
    """Validate a 3-D array whose trailing all-NaN steps are padding."""
    name = type(estimator).__name__
    kind = getattr(getattr(source, "dtype", None), "kind", None)
    if kind in ("U", "S", "V"):
        raise ValueError(
            f"X is a 3-D array of dtype {source.dtype}; a 3-D X must be numeric. "
            "Pass token sequences as a list of lists of str."
        )
    X = check_array(
        source,
        dtype=dtype,
        allow_nd=True,
        ensure_all_finite=False,
        estimator=name,
        input_name="X",
    )
    n, n_steps, n_features = X.shape
    if n_steps == 0 or n_features == 0:
        raise ValueError(
            f"Found array with {n_steps} time step(s) and {n_features} feature(s) "
            f"(shape={X.shape}) while a minimum of 1 of each is required by {name}."
        )
    inf = np.isinf(X)
    if inf.any():
        i, t, _ = np.unravel_index(np.argmax(inf), X.shape)
        raise ValueError(
            f"X[{i}] contains inf at time step {t}. NaN and inf are not allowed "
            "inside a sequence."
        )
    nan = np.isnan(X)
    step_nan = nan.any(axis=2)
    if step_nan.any():
        step_all_nan = nan.all(axis=2)
        partial = step_nan & ~step_all_nan
        if partial.any():
            i, t = np.unravel_index(np.argmax(partial), partial.shape)
            raise ValueError(
                f"X[{i}] contains NaN in some but not all features at time step "
                f"{t}. NaN is allowed only as trailing padding steps that are NaN "
                "in every feature."
            )
        real = ~step_all_nan
        # Length = 1 + index of the last real step (0 when there is none).
        lengths = n_steps - np.argmax(real[:, ::-1], axis=1)
        lengths[~real.any(axis=1)] = 0
        if (lengths == 0).any():
            i = int(np.argmax(lengths == 0))
            raise ValueError(
                f"X[{i}] is an empty sequence: all its time steps are NaN. Every "
                "sample needs at least one time step."
            )
        inside = np.arange(n_steps) < lengths[:, None]
        holes = step_all_nan & inside
        if holes.any():
            i, t = np.unravel_index(np.argmax(holes), holes.shape)
            raise ValueError(
                f"X[{i}] contains NaN at time step {t}, followed by real time "
                "steps. NaN is allowed only as trailing padding steps."
            )
        data = X[inside]
    else:
        lengths = np.full(n, n_steps, dtype=np.int64)
        data = X.reshape(n * n_steps, n_features)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return Ragged(_read_only_if_shared(data, source), offsets), n_steps


def _read_only_if_shared(data: np.ndarray, source) -> np.ndarray:
    """Protect the caller's X: a view of it is returned read-only."""
    if isinstance(source, np.ndarray):
        shared = np.may_share_memory(data, source)
    elif isinstance(source, (list, tuple)):
        shared = False
    else:  # a DataFrame or another array-like may hand out its own memory
        try:
            shared = np.may_share_memory(data, np.asarray(source))
        except Exception:
            shared = True
    if shared:
        data = data.view()
        data.flags.writeable = False
    return data


def _from_2d(X2: np.ndarray, source) -> Ragged:
    n, n_steps = X2.shape
    data = X2.reshape(n * n_steps, 1)
    offsets = np.arange(n + 1, dtype=np.int64) * n_steps
    return Ragged(_read_only_if_shared(data, source), offsets)


def _tokens_of(X, form: str):
    """Lengths and a flat iterable of tokens (``None`` for the chars form)."""
    lengths = np.fromiter(map(len, X), dtype=np.int64, count=len(X))
    offsets = np.zeros(len(X) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if form == "chars":
        joined = "".join(X)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        return offsets, codes, None
    tokens = list(chain.from_iterable(X))
    types = set(map(type, tokens))
    if np.str_ in types:
        tokens = [str(tok) for tok in tokens]
    if not types <= {str, np.str_}:
        for i, seq in enumerate(X):
            for t, tok in enumerate(seq):
                if not isinstance(tok, str):
                    raise ValueError(
                        f"X[{i}] holds {tok!r} (of type {type(tok).__name__}) at "
                        f"time step {t}; token sequences must hold only str "
                        "tokens."
                    )
    return offsets, None, tokens


def _min_frequency(estimator) -> int:
    """The estimator's ``min_frequency`` (1 when it has none or it is None)."""
    value = getattr(estimator, "min_frequency", None)
    return 1 if value is None else value


def _build_vocabulary(counts, min_frequency) -> dict:
    kept = [(tok, c) for tok, c in counts if c >= min_frequency]
    if not kept:
        raise ValueError(
            f"No token occurs at least min_frequency={min_frequency} times; "
            "lower min_frequency."
        )
    kept.sort(key=lambda item: (-item[1], item[0]))
    return {tok: i for i, (tok, _) in enumerate(kept, start=1)}


def _categorical(estimator, X, form: str, reset: bool) -> Ragged:
    offsets, codes, tokens = _tokens_of(X, form)
    if codes is not None:
        uniq, inverse, counts = np.unique(
            codes, return_inverse=True, return_counts=True
        )
        chars = [chr(u) for u in uniq.tolist()]
        if reset:
            vocabulary = _build_vocabulary(
                zip(chars, counts.tolist(), strict=True),
                _min_frequency(estimator),
            )
        else:
            vocabulary = estimator.vocabulary_
        table = np.array([vocabulary.get(c, 0) for c in chars], dtype=np.intp)
        ids = table[inverse.reshape(-1)]
    else:
        if reset:
            vocabulary = _build_vocabulary(
                Counter(tokens).items(), _min_frequency(estimator)
            )
        else:
            vocabulary = estimator.vocabulary_
        ids = np.fromiter(
            map(vocabulary.get, tokens, repeat(0)), dtype=np.intp, count=len(tokens)
        )
    if reset:
        estimator.vocabulary_ = vocabulary
    return Ragged(ids, offsets)


def _delete(estimator, *names: str) -> None:
    for attr in names:
        if attr in vars(estimator):
            delattr(estimator, attr)


def _validate(estimator, X, *, reset: bool, dtype, categorical: bool = True):
    """Validate X in any of the five forms; see :func:`validate_sequences`."""
    name = type(estimator).__name__
    if dtype is None:
        dtype = np.float64
    if not reset and getattr(estimator, "_input_kind", None) is None:
        raise NotFittedError(
            f"This {name} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )
    form, payload = _detect_form(X, name)
    kind = "numeric" if form in _NUMERIC_FORMS else "categorical"
    if not categorical and kind == "categorical":
        raise ValueError(
            f"{name} works on numeric sequences, but X holds "
            f"{'strings' if form == 'chars' else 'token sequences'}."
        )
    if not reset:
        fitted_kind = estimator._input_kind
        if kind != fitted_kind:
            fitted = "numeric" if fitted_kind == "numeric" else "token"
            now = {"chars": "strings", "tokens": "token sequences"}.get(
                form, "numeric sequences"
            )
            raise ValueError(
                f"{name} was fitted on {fitted} sequences but X holds {now}."
            )

    one_d = n_steps = None
    if form == "2d":
        check = dict(dtype=dtype, accept_sparse=False, ensure_all_finite=True)
        if reset:
            X2 = validate_data(estimator, payload, reset=True, **check)
        elif estimator._fit_2d:
            X2 = validate_data(estimator, payload, reset=False, **check)
        else:
            X2 = check_array(payload, estimator=name, input_name="X", **check)
            _check_step_features(estimator, 1, two_d=True)
        ragged = _from_2d(X2, payload)
    elif form == "3d":
        ragged, n_steps = _padded_numeric(payload, dtype, estimator)
    elif form == "ragged":
        ragged, one_d = _ragged_numeric(payload, dtype)
    else:
        ragged = _categorical(estimator, payload, form, reset)

    if kind == "numeric" and form != "2d" and not reset:
        _check_step_features(estimator, ragged.data.shape[1], two_d=False)

    if reset:
        estimator._input_kind = kind
        estimator._fit_2d = form == "2d"
        if kind == "numeric":
            estimator._n_step_features = ragged.data.shape[1]
            _delete(estimator, "vocabulary_")
            if form != "2d":
                estimator.n_features_in_ = ragged.data.shape[1]
                _delete(estimator, "feature_names_in_")
        else:
            estimator._n_step_features = 1
            _delete(estimator, "n_features_in_", "feature_names_in_")
    return _Checked(ragged, form, one_d, n_steps)


def _check_step_features(estimator, n_features: int, two_d: bool) -> None:
    expected = estimator._n_step_features
    if n_features != expected:
        name = type(estimator).__name__
        if two_d:
            raise ValueError(
                "X is a 2-D array, which holds univariate sequences (1 feature "
                f"per time step), but {name} is expecting {expected} features "
                "per time step as input. Pass a 3-D array or a list of "
                f"(T_i, {expected}) arrays."
            )
        raise ValueError(
            f"X has {n_features} features per time step, but {name} is "
            f"expecting {expected} features per time step as input."
        )


def validate_sequences(estimator, X, *, reset: bool, dtype) -> Ragged:
    """Validate ``X`` in any of the five input forms and return it as Ragged.

    The forms and the rules that tell them apart are in the module docstring
    of :mod:`skrnn._data`.

    Parameters
    ----------
    estimator : estimator instance
        The estimator being fitted or used; its class name appears in error
        messages. With ``reset=True`` it receives ``_input_kind``
        (``"numeric"`` or ``"categorical"``), ``_n_step_features`` (features
        per time step; 1 for the 2-D form and for tokens) and ``_fit_2d``;
        ``n_features_in_`` for numeric input (the width for the 2-D form,
        which also sets ``feature_names_in_`` for a DataFrame; the features
        per step otherwise); and ``vocabulary_`` for string input. Attributes
        of an earlier fit that no longer apply are deleted. With
        ``reset=False`` the estimator must be fitted and is not modified.
    X : array-like, list of sequences, list of str or list of token lists
        The samples.
    reset : bool
        True in ``fit``: detect and record. False in ``predict``: check
        against what was recorded.
    dtype : dtype
        Float dtype of numeric data (ignored for tokens, which are ``np.intp``
        ids).

    Returns
    -------
    Ragged
        Numeric ``(n_total_steps, n_features)`` data of ``dtype``, or token
        ids where 0 stands for a token outside ``vocabulary_``.

    Raises
    ------
    ValueError
        For invalid input, with the index of the offending sample.

    Notes
    -----
    The vocabulary: each token with at least ``estimator.min_frequency``
    occurrences (1 if the estimator has no such parameter) gets an id from 1
    on, by decreasing count, ties broken by the token's sort order. Id 0 is
    reserved for unseen tokens and padding, so an embedding needs
    ``len(vocabulary_) + 1`` rows.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from skrnn._data import validate_sequences
    >>> class Est(BaseEstimator):
    ...     def __init__(self, min_frequency=1):
    ...         self.min_frequency = min_frequency
    >>> est = Est()
    >>> r = validate_sequences(est, ["abca", "cab"], reset=True, dtype=float)
    >>> est.vocabulary_
    {'a': 1, 'b': 2, 'c': 3}
    >>> r.data, r.offsets
    (array([1, 2, 3, 1, 3, 1, 2]), array([0, 4, 7]))
    >>> validate_sequences(est, ["abd"], reset=False, dtype=float).data
    array([1, 2, 0])
    """
    return _validate(estimator, X, reset=reset, dtype=dtype).ragged


# --------------------------------------------------------------------------
# Tagger targets
# --------------------------------------------------------------------------


def validate_tag_targets(y, X: Ragged, *, name: str) -> list[np.ndarray]:
    """Check a tagger's label sequences against its validated input.

    Parameters
    ----------
    y : list of array-like, or array-like of shape (n_samples, n_timesteps)
        One sequence of labels (any hashable values of one type) per sample.
        A 2-D array is read row by row, each row cut to its sample's length
        (for the 2-D and 3-D forms of ``X``, where padded positions of ``y``
        may hold anything).
    X : Ragged
        The validated input, from :func:`validate_sequences`.
    name : str
        The estimator's name, for error messages.

    Returns
    -------
    list of ndarray
        One 1-D label array per sample, ``len(result[i]) == X.lengths[i]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import Ragged, validate_tag_targets
    >>> X = Ragged(np.zeros((5, 1)), [0, 2, 5])
    >>> validate_tag_targets([["N", "V"], ["D", "N", "V"]], X, name="Tagger")
    [array(['N', 'V'], dtype='<U1'), array(['D', 'N', 'V'], dtype='<U1')]
    >>> validate_tag_targets(np.array([[1, 2, -1], [3, 4, 5]]), X, name="Tagger")
    [array([1, 2]), array([3, 4, 5])]
    """
    lengths = X.lengths
    if isinstance(y, str) or y is None:
        raise ValueError(
            f"{name} needs y as a list of label sequences, one per sample; got "
            f"{type(y).__name__}."
        )
    if not isinstance(y, (list, tuple)):
        y = np.asarray(y)
        if y.ndim == 2:
            return _tag_rows(y, lengths, name)
        if y.ndim != 1 or y.dtype != object:
            raise ValueError(
                f"{name} needs y as a list of label sequences, one per sample "
                f"(or a 2-D array); got an array of shape {y.shape}."
            )
    if len(y) != len(lengths):
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: y has "
            f"{len(y)} label sequences but X has {len(lengths)} sequences."
        )
    out = []
    for i, labels in enumerate(y):
        if isinstance(labels, str) or not hasattr(labels, "__len__"):
            raise ValueError(
                f"y[{i}] is a {type(labels).__name__}, not a sequence of labels; "
                f"{name} needs one list of labels per sample."
            )
        labels = np.asarray(labels)
        if labels.ndim != 1:
            raise ValueError(
                f"y[{i}] has shape {labels.shape}; each label sequence must be 1-D."
            )
        if len(labels) != lengths[i]:
            raise ValueError(_length_message(i, len(labels), lengths[i], name))
        out.append(labels)
    return out


def _length_message(i: int, n_labels: int, n_steps: int, name: str) -> str:
    return (
        f"y[{i}] has {n_labels} labels but X[{i}] has {n_steps} time steps; "
        f"{name} needs one label per time step."
    )


def _tag_rows(y: np.ndarray, lengths: np.ndarray, name: str) -> list[np.ndarray]:
    if len(y) != len(lengths):
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: y has "
            f"{len(y)} rows but X has {len(lengths)} sequences."
        )
    short = lengths > y.shape[1]
    if short.any():
        i = int(np.argmax(short))
        raise ValueError(_length_message(i, y.shape[1], lengths[i], name))
    flat = y[np.arange(y.shape[1]) < lengths[:, None]]
    return _split(flat, lengths)


def encode_tags(labels, classes: np.ndarray) -> Ragged:
    """Map label sequences to integer ids through the sorted ``classes``.

    Parameters
    ----------
    labels : list of ndarray
        Label sequences, for instance from :func:`validate_tag_targets`.
    classes : ndarray
        Sorted known labels (as from ``np.unique``); label ``classes[k]``
        becomes id ``k``.

    Returns
    -------
    Ragged
        ``np.intp`` ids with the same offsets as the sequences.

    Raises
    ------
    ValueError
        If a label is not in ``classes``; the message names the sample.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import encode_tags
    >>> labels = [np.array(["N", "V"]), np.array(["D"])]
    >>> r = encode_tags(labels, classes=np.array(["D", "N", "V"]))
    >>> r.data, r.offsets
    (array([1, 2, 0]), array([0, 2, 3]))
    """
    classes = np.asarray(classes)
    offsets = np.zeros(len(labels) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in labels], out=offsets[1:])
    if offsets[-1] == 0:
        return Ragged(np.zeros(0, dtype=np.intp), offsets)
    flat = np.concatenate([np.asarray(s) for s in labels])
    try:
        ids = np.searchsorted(classes, flat)
        found = classes[np.minimum(ids, len(classes) - 1)] == flat
        found = np.broadcast_to(found, flat.shape)
    except (TypeError, ValueError, IndexError):  # labels of another type
        index = {c: k for k, c in enumerate(classes.tolist())}
        ids = np.array([index.get(v, -1) for v in flat.tolist()], dtype=np.intp)
        found = ids >= 0
    if not found.all():
        row = int(np.argmax(~found))
        i, t = _locate(offsets, row)
        label = flat[row : row + 1].tolist()[0]
        raise ValueError(
            f"y[{i}] has label {label!r} at time step {t}, which is not one of "
            f"the known classes {classes.tolist()!r}."
        )
    return Ragged(ids.astype(np.intp, copy=False), offsets)


# --------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------

_BATCHES_PER_POOL = 50


def _by_length(indices: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``indices`` reordered by decreasing length (stable)."""
    return indices[np.argsort(-lengths[indices], kind="stable")]


def make_batches(
    lengths, batch_size: int, rng=None, shuffle: bool = True
) -> list[np.ndarray]:
    """Split samples into training mini-batches of similar lengths.

    Parameters
    ----------
    lengths : array-like of int of shape (n_samples,)
        Sequence lengths.
    batch_size : int
        Samples per batch; capped at ``n_samples``. The last batch of each
        pool may be smaller.
    rng : numpy.random.Generator, RandomState, int or None
        Source of randomness when ``shuffle=True``.
    shuffle : bool, default=True
        With shuffling the samples are permuted, cut into pools of
        ``50 * batch_size``, each pool is sorted by length and cut into
        batches, and the order of all batches is shuffled: batches group
        similar lengths (little padding) but differ from epoch to epoch. With
        equal lengths this is ordinary random mini-batching. Without
        shuffling, samples are sorted by decreasing length and chunked.

    Returns
    -------
    list of ndarray of intp
        Index arrays that together hold every sample exactly once. Within
        each batch, indices are sorted by decreasing length (ties keep their
        order), as the recurrent core requires.

    Examples
    --------
    >>> from skrnn._data import make_batches
    >>> make_batches([2, 5, 3, 5, 1], batch_size=2, shuffle=False)
    [array([1, 3]), array([2, 0]), array([4])]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    n = len(lengths)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if n == 0:
        return []
    batch_size = min(int(batch_size), n)
    if not shuffle:
        order = _by_length(np.arange(n), lengths)
        return np.split(order, range(batch_size, n, batch_size))
    if not hasattr(rng, "permutation"):
        rng = check_random_state(rng)
    perm = rng.permutation(n)
    pool_size = batch_size * _BATCHES_PER_POOL
    batches = []
    for start in range(0, n, pool_size):
        pool = _by_length(perm[start : start + pool_size], lengths)
        batches.extend(np.split(pool, range(batch_size, len(pool), batch_size)))
    return [batches[k] for k in rng.permutation(len(batches))]


def prediction_batches(
    lengths, batch_size: int = 1024
) -> tuple[list[np.ndarray], np.ndarray]:
    """Split samples into large, length-sorted batches for prediction.

    Parameters
    ----------
    lengths : array-like of int of shape (n_samples,)
        Sequence lengths.
    batch_size : int, default=1024
        Samples per batch.

    Returns
    -------
    batches : list of ndarray of intp
        Index arrays over the samples sorted by decreasing length, so each
        batch holds similar lengths.
    inverse : ndarray of intp of shape (n_samples,)
        Undoes the sorting: if ``out`` stacks the per-batch results in batch
        order, ``out[inverse]`` is in the original sample order. (Writing
        ``result[batch] = batch_result`` for each batch works as well.)

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import prediction_batches
    >>> lengths = np.array([2, 5, 3])
    >>> batches, inverse = prediction_batches(lengths, batch_size=2)
    >>> batches
    [array([1, 2]), array([0])]
    >>> np.concatenate([lengths[b] for b in batches])[inverse]
    array([2, 5, 3])
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    n = len(lengths)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    order = _by_length(np.arange(n), lengths)
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.arange(n)
    return np.split(order, range(batch_size, n, batch_size)), inverse


def float_dtype(X) -> type:
    """float32 if ``X`` holds float32 arrays, else float64."""
    if getattr(X, "dtype", None) == np.float32:
        return np.float32
    if (
        isinstance(X, (list, tuple))
        and X
        and all(getattr(x, "dtype", None) == np.float32 for x in X)
    ):
        return np.float32
    return np.float64
