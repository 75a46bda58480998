"""Targets that are sequences, checked and encoded as ids: a tagger's label
sequences (one label per input step), and the token sequences a sequence
generator learns to emit (any length)."""

from __future__ import annotations

import numbers

import numpy as np

from ._ragged import Ragged, locate, split
from ._vocabulary import END, START, UNKNOWN, Tokens

__all__ = [
    "SequenceList",
    "check_label_types",
    "encode_tags",
    "encode_token_targets",
    "target_position",
    "token_targets",
    "validate_tag_targets",
    "validate_token_targets",
]


class SequenceList(list):
    """Predicted sequences that NumPy reads as a 1-D object array, one
    sequence per element, whatever their lengths.

    :meth:`RNNEncoderDecoder.predict <skrnn.RNNEncoderDecoder.predict>`
    returns one for token outputs, and :meth:`RNNSequenceTagger.predict
    <skrnn.RNNSequenceTagger.predict>` for input given as a list of sequences
    (for a fixed-length array it returns a plain list: its tag arrays are
    equally long and make a 2-D array). It is a ``list`` (indexing, ``==``,
    ``repr``); slices and sums are plain lists, and a pickle of it names this
    class. NumPy cannot make an array of a plain list of sequences of
    different lengths, and makes a 2-D one when the lengths happen to be
    equal, so folds would disagree; this always gives ``(n_samples,)``, and
    :func:`~sklearn.model_selection.cross_val_predict`, which concatenates the
    folds' predictions, works.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._targets import SequenceList
    >>> pred = SequenceList([["K", "AE", "T"], ["AY"]])
    >>> pred[1], len(pred), pred == [["K", "AE", "T"], ["AY"]]
    (['AY'], 2, True)
    >>> np.concatenate([pred, SequenceList([["OW", "K"]])])
    array([list(['K', 'AE', 'T']), list(['AY']), list(['OW', 'K'])],
          dtype=object)
    >>> np.asarray(SequenceList([["K", "AE"], ["AY", "Z"]])).shape
    (2,)
    """

    __slots__ = ()

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        if copy is False:
            raise ValueError(f"A {type(self).__name__} is always copied.")
        out = np.empty(len(self), dtype=object)
        for i, sequence in enumerate(self):
            out[i] = sequence
        return out if dtype is None else out.astype(dtype)


def _label_kind(label) -> str:
    if isinstance(label, str):
        return "str"
    if isinstance(label, (numbers.Number, np.bool_)):
        return "number"
    return type(label).__name__


def _is_nan(label) -> bool:
    return isinstance(label, (float, np.floating)) and label != label


def check_label_types(labels: np.ndarray, where) -> None:
    """Labels of dtype object must be of one kind (all str or all numbers) and
    not NaN; numeric and str dtypes need no check.

    ``where(k)`` names the ``k``-th label of ``labels.ravel()`` in messages
    (for instance ``"y[3]"``).

    Raises
    ------
    TypeError
        For labels of different kinds, naming the first two.
    ValueError
        For a NaN label (NaN is not equal to itself, so it cannot be a class).
    """
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        nan = np.isnan(labels.ravel())
        if nan.any():
            raise _nan_label_error(where(int(np.argmax(nan))))
        return
    if labels.dtype != object:
        return
    first = {}
    for k, label in enumerate(labels.ravel().tolist()):
        if _is_nan(label):
            raise _nan_label_error(where(k))
        kind = _label_kind(label)
        if kind not in first:
            first[kind] = (k, label)
            if len(first) == 2:
                (a, (ka, la)), (b, (kb, lb)) = first.items()
                raise TypeError(
                    f"y mixes labels of different types: {where(ka)} is {la!r} "
                    f"({a}) but {where(kb)} is {lb!r} ({b}). Labels must be all "
                    "str or all numbers. (A list that mixes them is read as str, "
                    "as numpy.asarray reads it; an array of dtype object is not "
                    "converted.)"
                )


def target_position(shape: tuple):
    """``where(k)`` naming the ``k``-th value of a raveled ``y`` in messages."""
    if len(shape) == 1:
        return lambda k: f"y[{k}]"
    return lambda k: "y[{}, {}]".format(*np.unravel_index(k, shape))


def _nan_label_error(where: str) -> ValueError:
    return ValueError(f"{where} is NaN; NaN labels are not allowed.")


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
    >>> from skrnn._targets import Ragged, validate_tag_targets
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
        try:
            labels = np.asarray(labels)
        except ValueError:  # numpy refuses nested sequences of unequal lengths
            raise ValueError(
                f"y[{i}] holds nested sequences; each label sequence must be 1-D."
            ) from None
        if labels.ndim != 1:
            raise ValueError(
                f"y[{i}] has shape {labels.shape}; each label sequence must be 1-D."
            )
        if len(labels) != lengths[i]:
            raise ValueError(_length_message(i, len(labels), lengths[i], name))
        out.append(labels)
    _check_tag_labels(out)
    return out


def _check_tag_labels(labels: list[np.ndarray]) -> None:
    """No NaN tags and no mixture of str and numbers, named by sample and step."""
    offsets = np.zeros(len(labels) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in labels], out=offsets[1:])
    if offsets[-1] == 0:
        return
    flat = np.concatenate(labels)

    def where(row: int) -> str:
        i, t = locate(offsets, row)
        return f"y[{i}] at time step {t}"

    check_label_types(flat, where)


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
    out = split(flat, lengths)
    _check_tag_labels(out)
    return out


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
    >>> from skrnn._targets import encode_tags
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
        i, t = locate(offsets, row)
        label = flat[row : row + 1].tolist()[0]
        raise ValueError(
            f"y[{i}] has label {label!r} at time step {t}, which is not one of "
            f"the known classes {classes.tolist()!r}."
        )
    return Ragged(ids.astype(np.intp, copy=False), offsets)


# ----------------------------------------------------------------------------
# token sequences of any length (sequence generators)
# ----------------------------------------------------------------------------

_RESERVED = (UNKNOWN, END, START)


def _not_tokens(i: int, what: str) -> ValueError:
    return ValueError(
        f"y[{i}] is {what}; each target must be a str (a sequence of characters) "
        "or a sequence of str tokens."
    )


def _one_target(i: int, target):
    """``("chars", str)`` or ``("tokens", list of str)``, or a clear error."""
    if isinstance(target, str):
        if not target:
            raise ValueError(
                f"y[{i}] is an empty target; every target needs at least one "
                "token (the end marker is added by the model)."
            )
        return "chars", target
    if isinstance(target, np.ndarray):
        if target.ndim != 1:
            raise _not_tokens(i, f"an array of shape {target.shape}")
        target = target.tolist()
    elif isinstance(target, (bytes, dict, set)) or not isinstance(
        target, (list, tuple)
    ):
        raise _not_tokens(i, f"a {type(target).__name__}")
    if not target:
        raise ValueError(
            f"y[{i}] is an empty target; every target needs at least one token "
            "(the end marker is added by the model)."
        )
    for t, tok in enumerate(target):
        if not isinstance(tok, str):
            raise ValueError(
                f"y[{i}] holds {tok!r} (of type {type(tok).__name__}) at position "
                f"{t}; each target must be a str (a sequence of characters) or a "
                "sequence of str tokens."
            )
        if tok in _RESERVED:
            raise ValueError(
                f"y[{i}] holds the reserved symbol {tok!r} at position {t}; "
                f"{', '.join(map(repr, _RESERVED))} mark unknown tokens and the "
                "ends of sequences."
            )
    return "tokens", [str(tok) for tok in target]


def validate_token_targets(y, n_samples: int, *, name: str) -> tuple[list, str]:
    """Check the targets of a sequence generator: one token sequence per sample.

    Parameters
    ----------
    y : list of str, or list of sequences of str
        One target per sample: a non-empty ``str`` (its characters are the
        tokens) or a non-empty list, tuple or 1-D array of ``str`` tokens. All
        targets must be of one kind. A 1-D array of ``str`` is a list of
        strings; a 2-D array of ``str`` is a list of token sequences (its rows).
    n_samples : int
        The number of input sequences.
    name : str
        The estimator's name, for error messages.

    Returns
    -------
    targets : list
        The targets, each a ``str`` (kind ``"chars"``) or a list of ``str``
        (kind ``"tokens"``).
    kind : {"chars", "tokens"}

    Examples
    --------
    >>> from skrnn._targets import validate_token_targets
    >>> validate_token_targets(["ab", "c"], 2, name="Model")
    (['ab', 'c'], 'chars')
    >>> validate_token_targets([("K", "AE"), ["T"]], 2, name="Model")
    ([['K', 'AE'], ['T']], 'tokens')
    """
    if isinstance(y, (str, bytes)) or y is None:
        raise ValueError(
            f"{name} needs y as a list of target sequences (str, or lists of str "
            f"tokens), one per sample; got {type(y).__name__}."
        )
    if not isinstance(y, (list, tuple)):
        arr = np.asarray(y)
        if arr.ndim == 2 and arr.dtype.kind == "U":
            y = arr.tolist()
        elif arr.ndim == 1 and arr.dtype.kind in "UO":
            y = arr.tolist()
        else:
            raise ValueError(
                f"{name} needs y as a list of target sequences (str, or lists of "
                f"str tokens), one per sample; got an array of shape {arr.shape} "
                f"and dtype {arr.dtype}."
            )
    if len(y) != n_samples:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: X has "
            f"{n_samples} sequences but y has {len(y)} targets."
        )
    targets = []
    first = {}
    for i, target in enumerate(y):
        kind, target = _one_target(i, target)
        first.setdefault(kind, i)
        targets.append(target)
    if len(first) > 1:
        raise ValueError(
            f"y mixes str targets (y[{first['chars']}]) with token sequences "
            f"(y[{first['tokens']}]); all targets must be of one kind."
        )
    return targets, next(iter(first), "chars")


def token_targets(targets: list, kind: str) -> Tokens:
    """Targets from :func:`validate_token_targets` as :class:`Tokens`."""
    offsets = np.zeros(len(targets) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in targets], out=offsets[1:])
    if kind == "chars":
        joined = "".join(targets).encode("utf-32-le", "surrogatepass")
        return Tokens(offsets, np.frombuffer(joined, dtype="<u4"), None)
    return Tokens(offsets, None, [tok for t in targets for tok in t])


def encode_token_targets(tokens: Tokens, vocabulary) -> Ragged:
    """Ids of target tokens; a token the vocabulary does not hold is an error.

    Parameters
    ----------
    tokens : Tokens
        From :func:`token_targets`.
    vocabulary : Vocabulary
        The output symbols fixed at the first fit; its id 0 is the unknown
        symbol.

    Returns
    -------
    Ragged
        The ids, without start or end markers.
    """
    ids = vocabulary.encode(tokens)
    unseen = ids.data == 0
    if unseen.any():
        row = int(np.argmax(unseen))
        i, t = locate(ids.offsets, row)
        tok = chr(tokens.codes[row]) if tokens.is_chars else tokens.tokens[row]
        raise ValueError(
            f"y[{i}] has the token {tok!r} at position {t}, which is not one of "
            "the output symbols learnt at the first fit. Continued training "
            "(partial_fit, warm_start) keeps the output symbols; include every "
            "token in the first call, or fit a new model."
        )
    return ids
