"""Metrics for sequences: tags aligned with the input, and generated sequences.

``y_true`` and ``y_pred`` are lists of sequences. For sequence tagging (one
label per time step, as taken and returned by
:class:`~skrnn.RNNSequenceTagger`) the ``flat_*`` metrics check that the
sequences line up, join them into one long sequence of labels and hand it to
the scikit-learn metric of the same name, so every position counts as one
sample. :func:`sequence_accuracy_score` counts whole sequences instead.

For generated sequences, whose length need not match the reference (a
spelling turned into phonemes, a normalised date), a sequence is a ``str``
(its characters are the tokens) or a list of tokens:
:func:`edit_distance` is the Levenshtein distance between two sequences,
:func:`token_error_rate` the edits per reference token over a whole set
(phoneme, character or word error rate), and :func:`sequence_accuracy_score`
the share of sequences predicted exactly.

The functions of a list of sequences work with
:func:`sklearn.metrics.make_scorer`, for instance
``make_scorer(flat_f1_score, average="macro")`` or
``make_scorer(token_error_rate, greater_is_better=False)`` in
``GridSearchCV``.

``sample_weight`` may be given per sequence (one number per sequence, applied
to each of its positions; this is what cross-validation passes along) or, for
the ``flat_*`` metrics, per position (one sequence of weights per sequence).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    f1_score,
    precision_score,
    recall_score,
)
from sklearn.utils.multiclass import unique_labels

__all__ = [
    "edit_distance",
    "flat_accuracy_score",
    "flat_classification_report",
    "flat_f1_score",
    "flat_precision_score",
    "flat_recall_score",
    "sequence_accuracy_score",
    "token_error_rate",
]

#: Cells (pairs x columns) of one chunk of the batched edit-distance table. It
#: bounds the memory (a few int32 buffers of 512 kB); on 20,000 pairs of
#: phoneme-like lengths (3-15) and 5,000 pairs of 5-80 characters, chunks of
#: 2**12 to 2**20 cells ran equally fast within the noise, 2**22 was slower.
_DP_CELLS = 1 << 17


def _sequences(y, name: str, *, allow_str: bool = False, as_array=np.asarray) -> list:
    """A list of 1-D label arrays from a list of sequences or a 2-D array.

    With ``allow_str``, a ``str`` item (a sequence of characters) is kept as it
    is, and a 1-D array of strings is a list of such sequences. ``as_array``
    turns any other item into an array.
    """
    kind = "sequences (str or token lists)" if allow_str else "label sequences"
    if isinstance(y, (str, bytes)) or y is None:
        raise ValueError(
            f"{name} must be a list of {kind}, got {type(y).__name__}."
            + (f" Wrap a single sequence in a list: [{name}]." if y else "")
        )
    if not isinstance(y, (list, tuple)):
        y = np.asarray(y)
        if y.ndim == 2:
            return list(y)
        strings = allow_str and y.dtype.kind == "U"
        if y.ndim != 1 or (y.dtype != object and len(y) and not strings):
            raise ValueError(
                f"{name} must be a list of {kind} (or a 2-D array), got an array "
                f"of shape {y.shape}."
            )
    out = []
    for i, labels in enumerate(y):
        if allow_str and isinstance(labels, str):
            out.append(labels)
            continue
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
            raise ValueError(
                f"{name}[{i}] is a {type(labels).__name__}, not a sequence of labels."
            )
        labels = as_array(labels)
        if labels.ndim != 1:
            raise ValueError(
                f"{name}[{i}] has shape {labels.shape}; label sequences must be 1-D."
            )
        out.append(labels)
    return out


def _tokens(x) -> np.ndarray:
    """``np.asarray(x)``, but a list of str and other tokens stays as it is.

    NumPy turns ``["1", 2]`` into ``["1", "2"]``; an object array keeps ``2``
    different from ``"2"``.
    """
    arr = np.asarray(x)
    if (
        arr.dtype.kind in "US"
        and isinstance(x, (list, tuple))
        and not all(isinstance(t, str) for t in x)
    ):
        arr = np.empty(len(x), dtype=object)
        arr[:] = x
    return arr


def _flatten(y_true, y_pred, sample_weight=None):
    """Check that the sequences line up and join them.

    Returns the flat labels, the flat weights (or None) and the lengths.
    """
    true = _sequences(y_true, "y_true")
    pred = _sequences(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} sequences but y_pred has {len(pred)}."
        )
    lengths = np.array([len(s) for s in true], dtype=np.int64)
    pred_lengths = np.array([len(s) for s in pred], dtype=np.int64)
    differ = lengths != pred_lengths
    if differ.any():
        i = int(np.argmax(differ))
        raise ValueError(
            f"y_true[{i}] has {lengths[i]} labels but y_pred[{i}] has "
            f"{pred_lengths[i]}."
        )
    flat_true = _concatenate(true)
    flat_pred = _concatenate(pred)
    weights = None if sample_weight is None else _flat_weights(sample_weight, lengths)
    return flat_true, flat_pred, weights, lengths


def _concatenate(sequences: list[np.ndarray]) -> np.ndarray:
    if not sequences:
        return np.array([])
    return np.concatenate(sequences)


def _flat_weights(sample_weight, lengths: np.ndarray) -> np.ndarray:
    """Per-position weights from per-sequence or per-position weights."""
    per_position = isinstance(sample_weight, (list, tuple, np.ndarray)) and any(
        hasattr(w, "__len__") for w in sample_weight
    )
    if per_position:
        weights = _sequences(sample_weight, "sample_weight")
        if len(weights) != len(lengths):
            raise ValueError(
                f"sample_weight has {len(weights)} sequences but y_true has "
                f"{len(lengths)}."
            )
        for i, w in enumerate(weights):
            if len(w) != lengths[i]:
                raise ValueError(
                    f"sample_weight[{i}] has {len(w)} weights but y_true[{i}] has "
                    f"{lengths[i]} labels."
                )
        return _concatenate(weights).astype(np.float64)
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != lengths.shape:
        raise ValueError(
            f"sample_weight has shape {weights.shape}, but y_true has "
            f"{len(lengths)} sequences: give one weight per sequence or one "
            "sequence of weights per sequence."
        )
    return np.repeat(weights, lengths)


def flat_accuracy_score(
    y_true, y_pred, *, normalize: bool = True, sample_weight=None
) -> float:
    """Accuracy over all positions of all sequences.

    Parameters
    ----------
    y_true : list of array-like
        True label sequences.
    y_pred : list of array-like
        Predicted label sequences, with the lengths of ``y_true``'s.
    normalize : bool, default=True
        Return the fraction of correct positions; ``False`` returns their
        (weighted) number.
    sample_weight : array-like of shape (n_sequences,) or list of array-like
        Weight per sequence, or one weight per position.

    Returns
    -------
    float
        As :func:`sklearn.metrics.accuracy_score` on the joined labels.

    Examples
    --------
    >>> from skrnn.metrics import flat_accuracy_score
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> flat_accuracy_score(y_true, y_pred)
    0.8
    """
    flat_true, flat_pred, weights, _ = _flatten(y_true, y_pred, sample_weight)
    return float(
        accuracy_score(flat_true, flat_pred, normalize=normalize, sample_weight=weights)
    )


def flat_f1_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """F1 score over all positions of all sequences.

    Parameters
    ----------
    y_true : list of array-like
        True label sequences.
    y_pred : list of array-like
        Predicted label sequences, with the lengths of ``y_true``'s.
    labels, pos_label, average, zero_division
        As in :func:`sklearn.metrics.f1_score` (whose default
        ``average="binary"`` suits two labels only; with more, pick
        ``"micro"``, ``"macro"`` or ``"weighted"``).
    sample_weight : array-like of shape (n_sequences,) or list of array-like
        Weight per sequence, or one weight per position.

    Returns
    -------
    float or ndarray
        As :func:`sklearn.metrics.f1_score` on the joined labels.

    Examples
    --------
    >>> from skrnn.metrics import flat_f1_score
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> round(flat_f1_score(y_true, y_pred, average="macro"), 4)
    0.8222
    """
    flat_true, flat_pred, weights, _ = _flatten(y_true, y_pred, sample_weight)
    return f1_score(
        flat_true,
        flat_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=weights,
        zero_division=zero_division,
    )


def flat_precision_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """Precision over all positions of all sequences.

    Parameters
    ----------
    y_true : list of array-like
        True label sequences.
    y_pred : list of array-like
        Predicted label sequences, with the lengths of ``y_true``'s.
    labels, pos_label, average, zero_division
        As in :func:`sklearn.metrics.precision_score`.
    sample_weight : array-like of shape (n_sequences,) or list of array-like
        Weight per sequence, or one weight per position.

    Returns
    -------
    float or ndarray
        As :func:`sklearn.metrics.precision_score` on the joined labels.

    Examples
    --------
    >>> from skrnn.metrics import flat_precision_score
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> flat_precision_score(y_true, y_pred, average=None).round(4)
    array([1.    , 0.6667, 1.    ])
    """
    flat_true, flat_pred, weights, _ = _flatten(y_true, y_pred, sample_weight)
    return precision_score(
        flat_true,
        flat_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=weights,
        zero_division=zero_division,
    )


def flat_recall_score(
    y_true,
    y_pred,
    *,
    labels=None,
    pos_label=1,
    average="binary",
    sample_weight=None,
    zero_division="warn",
):
    """Recall over all positions of all sequences.

    Parameters
    ----------
    y_true : list of array-like
        True label sequences.
    y_pred : list of array-like
        Predicted label sequences, with the lengths of ``y_true``'s.
    labels, pos_label, average, zero_division
        As in :func:`sklearn.metrics.recall_score`.
    sample_weight : array-like of shape (n_sequences,) or list of array-like
        Weight per sequence, or one weight per position.

    Returns
    -------
    float or ndarray
        As :func:`sklearn.metrics.recall_score` on the joined labels.

    Examples
    --------
    >>> from skrnn.metrics import flat_recall_score
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> flat_recall_score(y_true, y_pred, average="micro")
    0.8
    """
    flat_true, flat_pred, weights, _ = _flatten(y_true, y_pred, sample_weight)
    return recall_score(
        flat_true,
        flat_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=weights,
        zero_division=zero_division,
    )


def flat_classification_report(
    y_true,
    y_pred,
    *,
    labels=None,
    target_names=None,
    sample_weight=None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division="warn",
):
    """Per-label precision, recall and F1 over all positions of all sequences.

    Parameters
    ----------
    y_true : list of array-like
        True label sequences.
    y_pred : list of array-like
        Predicted label sequences, with the lengths of ``y_true``'s.
    labels, target_names, digits, output_dict, zero_division
        As in :func:`sklearn.metrics.classification_report`.
    sample_weight : array-like of shape (n_sequences,) or list of array-like
        Weight per sequence, or one weight per position.

    Returns
    -------
    str or dict
        As :func:`sklearn.metrics.classification_report` on the joined labels.

    Examples
    --------
    >>> from skrnn.metrics import flat_classification_report
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> report = flat_classification_report(y_true, y_pred, output_dict=True)
    >>> report["N"]["support"], round(report["V"]["recall"], 2)
    (2.0, 0.5)
    """
    flat_true, flat_pred, weights, _ = _flatten(y_true, y_pred, sample_weight)
    return classification_report(
        flat_true,
        flat_pred,
        labels=labels,
        target_names=target_names,
        sample_weight=weights,
        digits=digits,
        output_dict=output_dict,
        zero_division=zero_division,
    )


def _characters(s) -> np.ndarray:
    """A str as the array of its characters; an array as it is."""
    return np.array(list(s), dtype="U1") if isinstance(s, str) else s


def sequence_accuracy_score(
    y_true, y_pred, *, normalize: bool = True, sample_weight=None
) -> float:
    """Fraction of sequences predicted exactly, every token in its place.

    Parameters
    ----------
    y_true : list of str or list of array-like
        True sequences: strings (of characters) or sequences of labels or
        tokens.
    y_pred : list of str or list of array-like
        Predicted sequences, one per true sequence. A predicted sequence of
        another length than its true sequence is simply wrong (a generated
        sequence may have any length), and a ``str`` equals the list of its
        characters.
    normalize : bool, default=True
        Return the fraction of exactly right sequences; ``False`` returns
        their (weighted) number.
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight per sequence.

    Returns
    -------
    float
        As :func:`sklearn.metrics.accuracy_score` with one sample per
        sequence, correct when it has the true length and all its positions
        are right.

    See Also
    --------
    token_error_rate : Partial credit: edits per reference token.

    Examples
    --------
    >>> from skrnn.metrics import sequence_accuracy_score
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> sequence_accuracy_score(y_true, y_pred)
    0.5
    >>> sequence_accuracy_score(["cat", "dog"], ["cat", "dogs"])
    0.5
    """
    true = [_characters(s) for s in _sequences(y_true, "y_true", allow_str=True)]
    pred = [_characters(s) for s in _sequences(y_pred, "y_pred", allow_str=True)]
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} sequences but y_pred has {len(pred)}."
        )
    n = len(true)
    lengths = np.array([len(s) for s in true], dtype=np.int64)
    same_length = lengths == np.array([len(s) for s in pred], dtype=np.int64)
    if lengths.sum():
        # scikit-learn's label type checks (no mix of strings and numbers)
        unique_labels(_concatenate(true), _concatenate(pred))
    aligned = np.flatnonzero(same_length)
    flat_true = _concatenate([true[i] for i in aligned])
    flat_pred = _concatenate([pred[i] for i in aligned])
    wrong = (flat_true != flat_pred).astype(np.float64)
    owner = np.repeat(aligned, lengths[aligned])
    exact = same_length & (np.bincount(owner, weights=wrong, minlength=n) == 0)
    return float(
        accuracy_score(
            np.ones(n, dtype=bool),
            exact,
            normalize=normalize,
            sample_weight=sample_weight,
        )
    )


# --------------------------------------------------------------------------
# Generated sequences: edit distance
# --------------------------------------------------------------------------


def _one_sequence(x, name: str):
    """``x`` as a str or a 1-D token array, or a clear error."""
    if isinstance(x, str):
        return x
    if isinstance(x, bytes) or not hasattr(x, "__len__"):
        raise ValueError(
            f"{name} must be a str or a 1-D sequence of tokens, got {type(x).__name__}."
        )
    arr = _tokens(x)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} has shape {arr.shape}; a sequence of tokens must be 1-D."
        )
    return arr


def _encode(sequences: list) -> tuple[np.ndarray, np.ndarray]:
    """Tokens as integer ids, equal ids for equal tokens; the flat ids and lengths.

    ``sequences`` holds str (each character is a token) and 1-D arrays.
    """
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    if all(isinstance(s, str) for s in sequences):
        # the code points are the ids: no Python loop over characters
        text = "".join(sequences).encode("utf-32-le", "surrogatepass")
        return np.frombuffer(text, dtype="<u4").astype(np.int64), lengths
    arrays = [np.array(list(s)) if isinstance(s, str) else s for s in sequences]
    try:
        # numpy would cast numbers and strings to one dtype (1 and "1" equal)
        # and np.unique puts NaNs together (nan == nan): Python's == decides
        if len({a.dtype.kind for a in arrays}) > 1 or any(
            a.dtype.kind in "fc" and np.isnan(a).any() for a in arrays
        ):
            raise TypeError
        flat = np.concatenate(arrays) if arrays else np.array([])
        if flat.dtype == object:
            raise TypeError
        _, ids = np.unique(flat, return_inverse=True)
    except TypeError:
        # tokens of types numpy cannot sort together (numbers and strings,
        # tuples, None): Python's equality decides, 1 == 1.0 but 1 != "1"
        vocabulary: dict = {}
        ids = np.array(
            [
                vocabulary.setdefault(token, len(vocabulary))
                for a in arrays
                for token in a.tolist()
            ],
            dtype=np.int64,
        )
    return ids.reshape(-1).astype(np.int64), lengths


def _padded(flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, fill: int):
    """Rows ``flat[offsets[k] : offsets[k] + lengths[k]]``, right-padded."""
    width = int(lengths.max(initial=0))
    steps = np.arange(width)
    real = steps < lengths[:, None]
    out = np.full((len(lengths), width), fill, dtype=np.int32)
    out[real] = flat[(offsets[:, None] + steps)[real]]
    return out


def _levenshtein(rows: np.ndarray, n_rows, cols: np.ndarray, n_cols) -> np.ndarray:
    """Edit distances of a batch of pairs, one table row at a time for all pairs.

    ``rows`` (c, R) and ``cols`` (c, C) hold the padded token ids of each pair,
    ``n_rows`` and ``n_cols`` their real lengths. With ``D[i, j]`` the distance
    between the first ``i`` row tokens and the first ``j`` column tokens,

    .. math::

        D_{i,j} = \\min(D_{i-1,j-1} + [r_i \\ne c_j],\\; D_{i-1,j} + 1,\\;
        D_{i,j-1} + 1).

    The first two terms come from the previous table row; with ``t_j`` their
    minimum and ``t_0 = i``, the insertions unroll to
    ``D_{i,j} = j + min_{k <= j} (t_k - k)``, a cumulative minimum, so a row
    costs a few ufunc calls over all pairs. Padding columns right of
    ``n_cols`` never reach a real cell, and each pair's result is read in row
    ``n_rows``.
    """
    n_pairs, width = cols.shape
    j = np.arange(width + 1, dtype=np.int32)
    prev = np.tile(j, (n_pairs, 1))
    cur = np.empty_like(prev)
    differ = np.empty((n_pairs, width), dtype=bool)
    out = n_cols.astype(np.int64)  # pairs with an empty row sequence
    # the pairs whose table is complete after row i: by_rows[ends[i] : ends[i + 1]]
    by_rows = np.argsort(n_rows, kind="stable")
    ends = np.searchsorted(n_rows[by_rows], np.arange(rows.shape[1] + 2))
    for i in range(1, rows.shape[1] + 1):
        np.not_equal(rows[:, i - 1, None], cols, out=differ)
        np.add(prev[:, 1:], 1, out=cur[:, 1:])  # deletion
        np.minimum(cur[:, 1:], prev[:, :-1] + differ, out=cur[:, 1:])  # substitution
        cur[:, 0] = i
        cur -= j
        np.minimum.accumulate(cur, axis=1, out=prev)  # insertions
        prev += j
        done = by_rows[ends[i] : ends[i + 1]]
        out[done] = prev[done, n_cols[done]]
    return out


def _levenshtein_pair(a: np.ndarray, b: np.ndarray) -> int:
    """:func:`_levenshtein` for one pair, on 1-D rows (fewer, cheaper calls)."""
    if len(a) > len(b):
        a, b = b, a
    j = np.arange(len(b) + 1, dtype=np.int64)
    prev = j.copy()
    cur = np.empty_like(prev)
    for i, token in enumerate(a.tolist(), start=1):
        np.add(prev[:-1], b != token, out=cur[1:])  # substitution
        np.minimum(cur[1:], prev[1:] + 1, out=cur[1:])  # deletion
        cur[0] = i
        cur -= j
        np.minimum.accumulate(cur, out=prev)  # insertions
        prev += j
    return int(prev[-1])


def _edit_distances(a: list, b: list) -> np.ndarray:
    """Edit distance of each pair ``(a[k], b[k])`` of str or 1-D token arrays."""
    n = len(a)
    ids, lengths = _encode(list(a) + list(b))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    # the distance is symmetric: the shorter sequence indexes the table rows,
    # so there are fewer (Python-level) row steps
    la, lb, oa, ob = lengths[:n], lengths[n:], offsets[:n], offsets[n:]
    swap = la > lb
    n_rows, n_cols = np.where(swap, lb, la), np.where(swap, la, lb)
    o_rows, o_cols = np.where(swap, ob, oa), np.where(swap, oa, ob)
    # chunks of pairs of similar lengths, each at most _DP_CELLS cells wide
    order = np.argsort(n_cols, kind="stable")
    out = np.empty(n, dtype=np.int64)
    start = 0
    while start < n:
        # the widths grow along `order`: no more pairs fit than at the first width
        candidates = order[start : start + _DP_CELLS // (n_cols[order[start]] + 1)]
        cells = np.arange(1, len(candidates) + 1) * (n_cols[candidates] + 1)
        stop = start + max(1, int(np.searchsorted(cells, _DP_CELLS, side="right")))
        k = order[start:stop]
        out[k] = _levenshtein(
            _padded(ids, o_rows[k], n_rows[k], -1),
            n_rows[k],
            _padded(ids, o_cols[k], n_cols[k], -2),
            n_cols[k],
        )
        start = stop
    return out


def edit_distance(a, b) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions.

    Each insertion, deletion or substitution of one token costs 1; the result
    is the cheapest way to turn ``a`` into ``b`` (or ``b`` into ``a``: the
    distance is symmetric).

    Parameters
    ----------
    a, b : str or array-like of shape (n_tokens,)
        Two sequences: a ``str`` is a sequence of characters; a list, tuple or
        1-D array holds tokens of any type that compares with ``==``
        (phonemes, words, ids). A ``str`` and the list of its characters are
        the same sequence.

    Returns
    -------
    int
        The edit distance, between ``abs(len(a) - len(b))`` and
        ``max(len(a), len(b))``.

    See Also
    --------
    token_error_rate : Total edit distance over a set of pairs, per reference
        token.

    Notes
    -----
    The dynamic programme (Wagner and Fischer, 1974) fills the table
    :math:`D_{i,j}`, the distance between the first :math:`i` tokens of ``a``
    and the first :math:`j` of ``b``, one row at a time, each row in a few
    NumPy operations (the insertions along a row as a cumulative minimum):
    time :math:`O(|a|\\,|b|)`, memory :math:`O(|a| + |b|)`, and
    :math:`\\min(|a|, |b|)` steps of Python. :func:`token_error_rate` fills
    the tables of many pairs at once.

    ``edit_distance`` compares two sequences. Passed to
    :func:`~sklearn.metrics.make_scorer`, it would receive the whole lists
    ``y_true`` and ``y_pred`` and compare them as two sequences whose tokens
    are whole sequences; to score a set of predicted sequences, use
    :func:`token_error_rate` or :func:`sequence_accuracy_score`.

    Examples
    --------
    >>> from skrnn.metrics import edit_distance
    >>> edit_distance("kitten", "sitting")
    3
    >>> edit_distance("", "abc")
    3
    >>> edit_distance(["K", "AE1", "T"], ["K", "AH0", "T", "S"])
    2
    """
    ids, lengths = _encode([_one_sequence(a, "a"), _one_sequence(b, "b")])
    return _levenshtein_pair(ids[: lengths[0]], ids[lengths[0] :])


def token_error_rate(y_true, y_pred, *, sample_weight=None) -> float:
    """Edits per reference token: phoneme, character or word error rate.

    The total :func:`edit_distance` between each true sequence and its
    prediction, divided by the total number of tokens in the true sequences.
    Lower is better; 0 is perfect, and the rate can exceed 1 when the
    predictions are longer than the references.

    Parameters
    ----------
    y_true : list of str or list of array-like
        Reference sequences: strings (character error rate) or lists of
        tokens (phoneme or word error rate).
    y_pred : list of str or list of array-like
        Predicted sequences, one per reference, of any lengths.
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight per sequence, applied to its edits and to its reference
        tokens.

    Returns
    -------
    float
        ``sum(w * edit_distance(t, p)) / sum(w * len(t))``.

    Raises
    ------
    ValueError
        If ``y_true`` or ``y_pred`` is a bare str instead of a list of
        sequences, if they hold different numbers of sequences, or if the
        references hold no tokens (the rate would divide by zero).

    See Also
    --------
    edit_distance : The distance between two sequences.
    sequence_accuracy_score : The share of sequences predicted exactly.

    Notes
    -----
    Use it in a search with
    ``make_scorer(token_error_rate, greater_is_better=False)``: scikit-learn
    maximises scores, so the scorer returns the rate negated.

    Examples
    --------
    >>> from skrnn.metrics import token_error_rate
    >>> token_error_rate(["kitten", "abc"], ["sitting", "abc"])  # 3 edits / 9
    0.3333333333333333
    >>> y_true = [["K", "AE1", "T"], ["D", "AO1", "G"]]
    >>> y_pred = [["K", "AE1", "T"], ["D", "AA1", "G", "Z"]]
    >>> token_error_rate(y_true, y_pred)  # 2 edits / 6 phonemes
    0.3333333333333333
    """
    true = _sequences(y_true, "y_true", allow_str=True, as_array=_tokens)
    pred = _sequences(y_pred, "y_pred", allow_str=True, as_array=_tokens)
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} sequences but y_pred has {len(pred)}."
        )
    lengths = np.array([len(s) for s in true], dtype=np.float64)
    if sample_weight is None:
        weights = np.ones(len(true))
    else:
        weights = np.asarray(sample_weight, dtype=np.float64)
        if weights.shape != lengths.shape:
            raise ValueError(
                f"sample_weight has shape {weights.shape}, but y_true has "
                f"{len(lengths)} sequences: give one weight per sequence."
            )
    n_reference = weights @ lengths
    if not n_reference > 0:
        raise ValueError(
            "The reference sequences in y_true hold no tokens"
            + (" with a positive weight" if sample_weight is not None else "")
            + f" ({len(true)} sequences), so the error rate (edits per "
            "reference token) is undefined."
        )
    edits = _edit_distances(true, pred)
    return float(weights @ edits / n_reference)
