"""The five input forms of ``X``: recognised, validated, turned into one ragged
form.

:func:`check_sequences` tells which of the accepted forms ``X`` is in and
validates it with error messages that name the offending sample and time step.
Numeric input comes back as a float :class:`~skrnn._ragged.Ragged`; characters
and tokens come back as :class:`~skrnn._vocabulary.Tokens`, which a
:class:`~skrnn._vocabulary.Vocabulary` encodes. Nothing here changes an
estimator: :class:`SequenceInputMixin` is the estimators' side, which records
what ``fit`` saw (the form, the features, the vocabulary) and checks later input
against it.

Rules for telling the forms apart
---------------------------------
The rules are applied in this order; the first that matches decides.

* A scipy sparse matrix is rejected the way scikit-learn rejects it.
* A single ``str`` or ``bytes`` is rejected: ``X`` is a collection of samples.
* ``numpy.ndarray``:

  - dtype ``object`` and 1-D: a collection of samples, classified like a list
    (below).
  - 2-D and an array of strings (dtype ``str``, dtype ``bytes``, or dtype
    ``object`` holding at least one ``str`` or ``bytes`` item, as
    ``DataFrame.values`` of text columns): a list of its rows, classified like
    a list, so each row is a sequence of tokens (form 5). **An array of strings
    is never parsed as numbers**: ``np.array([["1.5", "2.0"]])`` and the same
    data as an object array are both one token sequence whose tokens are
    ``"1.5"`` and ``"2.0"``. Convert with ``X.astype(float)`` for numbers. Rows
    that mix strings and numbers are an error naming the sample and the step;
    ``bytes`` are an error that asks to decode them.
  - dtype ``str``, 1-D: form 4 (each string is a sequence of characters).
  - 3-D: form 2 (``(n_samples, n_timesteps, n_features)``; trailing all-NaN
    steps are padding); it must be numeric.
  - anything else (0-D, 1-D numeric, 2-D numeric or an object array of
    numbers): form 1, converted by scikit-learn's
    :func:`~sklearn.utils.validation.validate_data`, which gives scikit-learn's
    own messages (for instance "Expected 2D array, got 1D array instead").

* ``list`` or ``tuple``: each element is classified as a ``str``, a token
  sequence (a list, tuple or array whose first item is a ``str``), a numeric
  sequence (an ``ndarray``, or a list/tuple of anything else), or a scalar.
  ``bytes`` (a sample, or the first token of one) are an error that asks to
  decode them.

  - all ``str``: form 4; all token sequences: form 5;
  - all scalars: a 1-D array, which is an error (scikit-learn's message);
  - at least one element is an ``ndarray``: form 3 (ragged), whatever the
    shapes;
  - only nested lists/tuples of numbers: if ``np.asarray`` makes them
    rectangular they are form 1 (2-D) or form 2 (3-D); if their shapes differ
    they are form 3 (ragged). Both readings agree: a 2-D array and a list of
    1-D sequences are both univariate sequences. An item that is not a number
    (``None``, a ``str`` after a number) is an error naming sample and step.
  - any other mixture (strings with arrays, characters with tokens, scalars
    with sequences) is an error naming one sample of each kind.

* Any other array-like (a pandas ``DataFrame``, ``Series``, or an object with
  ``__array__``): a 1-D object or string column is classified like a list; a
  2-D one whose values are an array of strings (above) is form 5, row by row;
  a 3-D result is form 2; everything else is form 1 (so a numeric
  ``DataFrame`` keeps its column names for ``feature_names_in_``).

A 1-D sample ``(T_i,)`` inside a list is a univariate sequence with one
feature per step.

The form is part of the model
-----------------------------
``fit`` records the kind of input it saw (:class:`InputRecord`: numeric,
characters or tokens). Every later call (``predict``, ``score``,
``transform``, ``hidden_states``, ``partial_fit`` and a warm start) refuses
another kind with a message that names both: a character model would read
every token as unseen, and a token model every character. Only a fresh fit
(``warm_start=False``) changes it.

Non-finite values
-----------------
NaN and inf are named by sample and time step in every numeric form; NaN is
allowed only as trailing all-NaN padding steps of a 3-D array. A 2-D ``X``
whose row ends in NaN gets the advice to pass ``X[..., None]`` (the 3-D form,
where those steps are padding) or a list of 1-D arrays. A value that is finite
as given but overflows the float type of the computation (1e300 with
``dtype="float32"``) is reported as such, with the dtype, not as inf.
"""

from __future__ import annotations

import numbers
from itertools import chain
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import _get_feature_names, check_array, validate_data

from ._ragged import Ragged, locate
from ._vocabulary import UNKNOWN, Tokens, Vocabulary

__all__ = [
    "CheckedInput",
    "InputRecord",
    "SequenceInputMixin",
    "check_sequences",
    "float_dtype",
]

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


def _short_repr(value, limit: int = 30) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bytes_tokens_error(i: int, token, t: int = 0) -> ValueError:
    return ValueError(
        f"X[{i}] holds bytes ({_short_repr(token)} at time step {t}); tokens "
        "must be str. Decode them first, for instance "
        f"[t.decode('utf-8') for t in X[{i}]]."
    )


def _holds_text(a: np.ndarray) -> bool:
    """Whether an object array holds a str or bytes item."""
    return any(isinstance(v, (str, bytes)) for v in a.flat)


def _classify(x, i: int) -> str:
    """The kind of one element of a list-like X; raise for empty samples."""
    if isinstance(x, str):
        if not x:
            raise _empty_error(i)
        return "str"
    if isinstance(x, bytes):
        raise ValueError(
            f"X[{i}] is bytes ({_short_repr(x)}), not str; decode the samples "
            f"first, for instance X[{i}].decode('utf-8')."
        )
    if isinstance(x, (dict, set)) or x is None:
        raise ValueError(
            f"X[{i}] is a {type(x).__name__}; a sample must be a str, a "
            "sequence of str tokens or a numeric sequence."
        )
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return "scalar"
        if x.shape[0] == 0:
            raise _empty_error(i)
        first = x.flat[0] if x.size else None
        if isinstance(first, bytes):
            raise _bytes_tokens_error(i, first)
        if x.dtype.kind == "U" or isinstance(first, str):
            return "tokens"
        return "numeric"
    if isinstance(x, (list, tuple)):
        if len(x) == 0:
            raise _empty_error(i)
        if isinstance(x[0], bytes):
            raise _bytes_tokens_error(i, x[0])
        return "tokens" if isinstance(x[0], str) else "numeric"
    if isinstance(x, (numbers.Number, np.generic)):
        return "scalar"
    if hasattr(x, "__array__"):  # pandas objects and other array-likes
        return _classify(np.asarray(x), i)
    raise ValueError(
        f"X[{i}] is a {type(x).__name__}; a sample must be a str, a sequence "
        "of str tokens or a numeric sequence."
    )


def _not_a_number(x) -> str | None:
    """Where a numeric sequence (nested lists) holds an item that is not a
    number, for a message; None when it holds only numbers."""
    for t, step in enumerate(x):
        for v in step if isinstance(step, (list, tuple)) else (step,):
            if not isinstance(v, (numbers.Number, np.bool_)):
                return (
                    f"{_short_repr(v)} (of type {type(v).__name__}) at time step "
                    f"{t} of a numeric sequence."
                )
    return None


def _check_numeric_items(X) -> None:
    """Name the first item of nested numeric lists that is not a number."""
    for i, x in enumerate(X):
        detail = _not_a_number(x)
        if detail is not None:
            raise _non_numeric(i, detail)


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
    if arr.dtype.kind in "USO":
        _check_numeric_items(X)
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
        if X.dtype == object and X.ndim == 1:
            return _detect_list(X, name)
        if X.ndim == 2 and _is_text_array(X):
            # rows of str are token sequences, never parsed as numbers
            return _detect_list(X.tolist(), name)
        if X.dtype.kind in "US" and X.ndim == 1:
            return _detect_list(X.tolist(), name)
        if X.ndim == 3:
            return "3d", X
        if X.ndim > 3:
            raise ValueError(_ndim_message(X.ndim, name))
        return "2d", X
    if getattr(X, "ndim", None) == 2:  # a DataFrame: keep its column names
        dtypes = getattr(X, "dtypes", ())
        if any(getattr(dt, "kind", "O") in "OUS" for dt in dtypes):
            peek = np.asarray(X)
            if _is_text_array(peek):
                return _detect_list(peek.tolist(), name)
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


def _is_text_array(a: np.ndarray) -> bool:
    """An array of strings: dtype str/bytes, or dtype object holding str/bytes."""
    return a.dtype.kind in "US" or (a.dtype == object and _holds_text(a))


def _ndim_message(ndim: int, name: str) -> str:
    return (
        f"X has {ndim} dimensions, but {name} expects a 2-D array (n_samples, "
        "n_timesteps), a 3-D array (n_samples, n_timesteps, n_features), or a "
        "list of sequences."
    )


_NOT_INSIDE = (
    "NaN and inf are not allowed inside a sequence (NaN is allowed only as "
    "trailing all-NaN padding steps of a 3-D array)."
)


def _step_of(source, *index):
    """``source[index]`` as given by the caller (before any conversion), or None."""
    try:
        if not isinstance(source, np.ndarray):
            source = np.asarray(source, dtype=object)
        return source[index]
    except Exception:
        return None


def _nonfinite_error(i: int, t: int, step, given, dtype) -> ValueError:
    """The error for a non-finite value at time step ``t`` of ``X[i]``.

    ``step`` holds the step's values as converted to ``dtype``, ``given`` the
    same values as the caller passed them. A value that is finite as given but
    infinite after the conversion overflows ``dtype``, which is what the message
    then says (float32 ends at about 3.4e38).
    """
    step = np.ravel(step)
    if np.isnan(step).any():
        return ValueError(f"X[{i}] contains NaN at time step {t}. {_NOT_INSIDE}")
    value = None
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            given = np.ravel(np.asarray(given, dtype=np.float64))
        if given.shape == step.shape:
            value = float(given[np.argmax(np.isinf(step))])
    except (TypeError, ValueError, OverflowError):
        pass
    if value is not None and np.isfinite(value):
        dtype = np.dtype(dtype)
        return ValueError(
            f"X[{i}] holds {value:.6g} at time step {t}, which overflows {dtype.name} "
            f"(largest finite value {np.finfo(dtype).max:.4g}), the float type of "
            "the computation. Scale the inputs (for instance with "
            "skrnn.preprocessing.SequenceScaler), or compute in float64 "
            "(dtype='float64')."
        )
    return ValueError(f"X[{i}] contains inf at time step {t}. {_NOT_INSIDE}")


def _check_finite_rows(data: np.ndarray, offsets: np.ndarray, X, dtype) -> None:
    """Check the concatenated steps of the list ``X`` of sequences."""
    bad = ~np.isfinite(data)
    if data.ndim == 2:
        bad = bad.any(axis=1)
    if bad.any():
        row = int(np.argmax(bad))
        i, t = locate(offsets, row)
        raise _nonfinite_error(i, t, data[row], _step_of(X[i], t), dtype)


def _check_finite_2d(X2: np.ndarray, source, dtype) -> None:
    """Check a 2-D X: NaN or inf named by sample and step; trailing NaN (series
    of different lengths) answered with the forms that hold them."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(X2.sum()):  # the fast path, as scikit-learn's
            return
    bad = ~np.isfinite(X2)
    if not bad.any():
        return
    i, t = (int(k) for k in np.unravel_index(np.argmax(bad), bad.shape))
    if t > 0 and np.isnan(X2[i, t:]).all():
        raise ValueError(
            f"X[{i}] is NaN from time step {t} to its end. A 2-D X holds "
            "univariate series of one length (one column per time step), and NaN "
            "is not allowed in it. For series of different lengths pass a 3-D "
            "array, X[..., None], whose trailing all-NaN steps are padding, or a "
            "list of 1-D arrays."
        )
    raise _nonfinite_error(i, t, X2[i, t], _step_of(source, i, t), dtype)


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
            detail = _not_a_number(a.tolist())  # None would become NaN
            if detail is not None:
                raise _non_numeric(i, detail)
            try:
                a = a.astype(dtype)
            except (TypeError, ValueError) as exc:
                raise _non_numeric(i, str(exc)) from None
            except OverflowError as exc:  # a Python int beyond any float
                raise ValueError(f"X[{i}] holds a number too large: {exc}.") from None
        arrays.append(a)
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=offsets[1:])
    data = np.concatenate(arrays, axis=0, dtype=dtype, casting="unsafe")
    _check_finite_rows(data, offsets, X, dtype)
    return Ragged(data, offsets), one_d


def _padded_numeric(source, dtype, name: str) -> tuple[Ragged, int]:
    """Validate a 3-D array whose trailing all-NaN steps are padding."""
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
        i, t, _ = (int(k) for k in np.unravel_index(np.argmax(inf), X.shape))
        raise _nonfinite_error(i, t, X[i, t], _step_of(source, i, t), dtype)
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


def _two_d_numeric(payload, dtype, name: str, fitted, estimator):
    """Validate the 2-D form; return it as a Ragged, its width and its names."""
    # finiteness is checked below, with messages that name sample and step
    check = dict(dtype=dtype, accept_sparse=False, ensure_all_finite=False)
    n_features_in = feature_names = None
    try:
        if fitted is None:
            feature_names = _get_feature_names(payload)
            X2 = check_array(payload, estimator=name, input_name="X", **check)
            n_features_in = X2.shape[1]
        elif fitted.two_d:
            X2 = validate_data(estimator, payload, reset=False, **check)
        else:
            X2 = check_array(payload, estimator=name, input_name="X", **check)
            _check_step_features(fitted, 1, True, name)
    except OverflowError as exc:  # a Python int beyond any float
        raise ValueError(f"X holds a number too large: {exc}.") from None
    _check_finite_2d(X2, payload, dtype)
    return _from_2d(X2, payload), n_features_in, feature_names


def _from_2d(X2: np.ndarray, source) -> Ragged:
    n, n_steps = X2.shape
    data = X2.reshape(n * n_steps, 1)
    offsets = np.arange(n + 1, dtype=np.int64) * n_steps
    return Ragged(_read_only_if_shared(data, source), offsets)


def _tokens_of(X, form: str) -> Tokens:
    """The checked characters or tokens of a list of str or token lists."""
    lengths = np.fromiter(map(len, X), dtype=np.int64, count=len(X))
    offsets = np.zeros(len(X) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if form == "chars":
        joined = "".join(X)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        return Tokens(offsets, codes, None)
    tokens = list(chain.from_iterable(X))
    types = set(map(type, tokens))
    if np.str_ in types:
        tokens = [str(tok) for tok in tokens]
    if not types <= {str, np.str_}:
        for i, seq in enumerate(X):
            for t, tok in enumerate(seq):
                if not isinstance(tok, str):
                    hint = ""
                    if isinstance(tok, bytes):
                        hint = " Decode bytes first (token.decode('utf-8'))."
                    raise ValueError(
                        f"X[{i}] holds {_short_repr(tok)} (of type "
                        f"{type(tok).__name__}) at "
                        f"time step {t}; token sequences must hold only str "
                        f"tokens.{hint}"
                    )
    return Tokens(offsets, None, tokens)


def _check_step_features(
    fitted: InputRecord, n_features: int, two_d: bool, name: str
) -> None:
    expected = fitted.n_step_features
    if n_features != expected:
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


#: Where the HTML representation's "?" of a skrnn estimator points: its page in
#: skrnn's API reference (scikit-learn's own link would point at sklearn's).
DOC_LINK_TEMPLATE = (
    "https://skrnn.readthedocs.io/en/latest/gen_modules/"
    "{estimator_module}.{estimator_name}.html"
)


class InputRecord(NamedTuple):
    """What ``fit`` saw of ``X``, kept to check later input against.

    ``kind`` is ``"numeric"``, ``"chars"`` or ``"tokens"``; ``two_d`` says
    whether numeric input was the 2-D array form; ``n_step_features`` is the
    number of features per time step (1 for the 2-D form and for tokens).
    """

    kind: str
    two_d: bool
    n_step_features: int


class CheckedInput(NamedTuple):
    """The result of :func:`check_sequences`.

    Exactly one of ``data`` (numeric sequences, float) and ``tokens``
    (characters or tokens, not yet encoded) is set. ``n_features_in`` and
    ``feature_names_in`` are what a first fit records (numeric input only; the
    names only for a DataFrame with string column names); ``one_d`` flags the
    samples of the ragged form that were 1-D arrays and ``n_steps`` is the
    padded width of the 3-D form (used to give results back in the same form).
    """

    form: str
    kind: str
    data: Ragged | None
    tokens: Tokens | None
    n_features_in: int | None
    feature_names_in: np.ndarray | None
    one_d: np.ndarray | None
    n_steps: int | None

    @property
    def record(self) -> InputRecord:
        two_d = self.form == "2d"
        n_step = self.data.data.shape[1] if self.data is not None else 1
        return InputRecord(self.kind, two_d, n_step)


_KIND_NOUNS = {
    "numeric": "numeric sequences",
    "chars": "strings (sequences of characters)",
    "tokens": "token sequences (lists of str)",
}
_KIND_SHORT = {"numeric": "numeric sequences", "chars": "strings", "tokens": "tokens"}


def check_sequences(
    X,
    *,
    name: str,
    dtype,
    fitted: InputRecord | None = None,
    estimator=None,
    categorical: bool = True,
    numeric: bool = True,
) -> CheckedInput:
    """Validate ``X`` in any of the five input forms.

    The forms and the rules that tell them apart are in the module docstring.

    Parameters
    ----------
    X : array-like, list of sequences, list of str or list of token lists
        The samples.
    name : str
        The estimator's name, for messages.
    dtype : dtype
        Float dtype of numeric data.
    fitted : InputRecord, default=None
        What fit saw; None in fit itself. Given, ``X`` must be of the same
        kind and have the same features per step.
    estimator : estimator instance, default=None
        With ``fitted``, the fitted estimator whose ``n_features_in_`` and
        ``feature_names_in_`` a 2-D ``X`` is checked against (scikit-learn's own
        checks and messages; the estimator is not modified).
    categorical : bool, default=True
        Whether strings and token sequences are accepted.
    numeric : bool, default=True
        Whether numeric sequences are accepted (a language model reads text
        only).

    Returns
    -------
    CheckedInput

    Raises
    ------
    ValueError
        For invalid input, with the index of the offending sample.

    Examples
    --------
    >>> from skrnn._input import check_sequences
    >>> checked = check_sequences([[1.0, 2.0], [3.0]], name="Est", dtype=float)
    >>> checked.form, checked.data.lengths
    ('ragged', array([2, 1]))
    >>> check_sequences(["ab", "c"], name="Est", dtype=float).tokens.offsets
    array([0, 2, 3])
    """
    if dtype is None:
        dtype = np.float64
    form, payload = _detect_form(X, name)
    kind = {"chars": "chars", "tokens": "tokens"}.get(form, "numeric")
    if not categorical and kind != "numeric":
        raise ValueError(
            f"{name} works on numeric sequences, but X holds {_KIND_NOUNS[kind]}."
        )
    if not numeric and kind == "numeric":
        raise ValueError(
            f"{name} works on text: X must be a list of str (characters) or a "
            "list of token lists (lists of str), but X holds numeric data."
        )
    if fitted is not None and kind != fitted.kind:
        raise ValueError(
            f"{name} was fitted on {_KIND_NOUNS[fitted.kind]} but X holds "
            f"{_KIND_NOUNS[kind]}. The input form is part of the model: pass "
            f"{_KIND_SHORT[fitted.kind]}, or fit a new model (warm_start=False) "
            "to change the form."
        )

    data = tokens = n_features_in = feature_names = one_d = n_steps = None
    if kind == "numeric":
        # a value that overflows the float type is reported by the checks, which
        # name it; numpy's RuntimeWarning would only come first
        with np.errstate(over="ignore"):
            if form == "2d":
                data, n_features_in, feature_names = _two_d_numeric(
                    payload, dtype, name, fitted, estimator
                )
            elif form == "3d":
                data, n_steps = _padded_numeric(payload, dtype, name)
            else:
                data, one_d = _ragged_numeric(payload, dtype)
    else:
        tokens = _tokens_of(payload, form)

    if kind == "numeric" and form != "2d":
        if fitted is None:
            n_features_in = data.data.shape[1]
        else:
            _check_step_features(fitted, data.data.shape[1], False, name)
    return CheckedInput(
        form, kind, data, tokens, n_features_in, feature_names, one_d, n_steps
    )


def _min_frequency(estimator) -> int:
    """The estimator's ``min_frequency`` (1 when it has none or it is None)."""
    value = getattr(estimator, "min_frequency", None)
    return 1 if value is None else value


def _spellings(data: Tokens) -> Tokens:
    """The characters of all tokens, as character input (to count them)."""
    joined = "".join(data.tokens)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return Tokens(np.array([0, len(codes)]), codes, None)


class SequenceInputMixin:
    """The estimators' side of input validation.

    :meth:`_validate_input` checks ``X``; in ``fit`` (``reset=True``) the
    estimator records what it saw: ``_input`` (an :class:`InputRecord`),
    ``n_features_in_`` and ``feature_names_in_`` for numeric input, and
    ``vocabulary_`` (token to id) with the :class:`~skrnn._vocabulary.
    Vocabulary` behind it for characters and tokens (and ``char_vocabulary_``
    for a character-aware model, one with ``char_hidden_size`` set, whose
    tokens come back as a :class:`~skrnn._ragged.TokenRagged`). Attributes of
    an earlier fit that no longer apply are deleted. Later calls check ``X`` against the
    record and encode tokens with the fitted vocabulary.
    """

    #: Reserved symbols of the input vocabulary (the unknown token has id 0).
    _input_specials: tuple = (UNKNOWN,)

    def _validate_input(
        self, X, *, reset: bool, dtype, categorical: bool = True, numeric: bool = True
    ):
        """Validate ``X``; return it as a Ragged (floats or ids) and the check."""
        name = type(self).__name__
        if not reset and getattr(self, "_input", None) is None:
            raise NotFittedError(
                f"This {name} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        checked = check_sequences(
            X,
            name=name,
            dtype=dtype,
            fitted=None if reset else self._input,
            estimator=None if reset else self,
            categorical=categorical,
            numeric=numeric,
        )
        vocabulary = chars = None
        # a fitted model reads its input as it was fitted, whatever
        # char_hidden_size says now (a changed value is named by the structure
        # check of a warm start)
        if reset:
            char_aware = getattr(self, "char_hidden_size", None) is not None
        else:
            char_aware = getattr(self, "_char_vocabulary", None) is not None
        if char_aware and checked.form != "tokens":
            what = "strings" if checked.form == "chars" else "numeric sequences"
            raise ValueError(
                f"char_hidden_size={self.char_hidden_size} builds each token's "
                "vector from its characters and needs token sequences (a list of "
                f"token lists), but X holds {what}. Set char_hidden_size=None."
            )
        if checked.tokens is None:
            ragged = checked.data
        else:
            if reset:
                vocabulary = Vocabulary.fit(
                    checked.tokens, _min_frequency(self), self._input_specials
                )
            else:
                vocabulary = self._vocabulary
            if char_aware:
                chars = (
                    Vocabulary.fit(_spellings(checked.tokens))
                    if reset
                    else self._char_vocabulary
                )
                ragged = vocabulary.encode_types(checked.tokens, chars)
            else:
                ragged = vocabulary.encode(checked.tokens)
        if reset:
            self._record_input(checked, vocabulary, chars)
        return ragged, checked

    def _record_input(self, checked: CheckedInput, vocabulary, chars=None) -> None:
        self._input = checked.record
        stale = ("n_features_in_", "feature_names_in_", "vocabulary_")
        for attr in stale + ("char_vocabulary_",):
            if attr in vars(self):
                delattr(self, attr)
        self._vocabulary = vocabulary
        self._char_vocabulary = chars
        if chars is not None:
            self.char_vocabulary_ = dict(chars.index)
        if vocabulary is not None:
            self.vocabulary_ = dict(vocabulary.index)
        else:
            self.n_features_in_ = checked.n_features_in
            if checked.feature_names_in is not None:
                self.feature_names_in_ = checked.feature_names_in


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
