"""Metrics for sequence tagging: one label per time step.

``y_true`` and ``y_pred`` are lists of label sequences, as taken and returned
by :class:`~skrnn.RNNSequenceTagger`. The ``flat_*`` metrics check that the
sequences line up, join them into one long sequence of labels and hand it to
the scikit-learn metric of the same name, so every position counts as one
sample. :func:`sequence_accuracy_score` counts whole sequences instead.

All of them work with :func:`sklearn.metrics.make_scorer`, for instance
``make_scorer(flat_f1_score, average="macro")`` in ``GridSearchCV``.

``sample_weight`` may be given per sequence (one number per sequence, applied
to each of its positions; this is what cross-validation passes along) or per
position (one sequence of weights per sequence).
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
    "flat_accuracy_score",
    "flat_classification_report",
    "flat_f1_score",
    "flat_precision_score",
    "flat_recall_score",
    "sequence_accuracy_score",
]


def _sequences(y, name: str) -> list[np.ndarray]:
    """A list of 1-D label arrays from a list of sequences or a 2-D array."""
    if isinstance(y, (str, bytes)) or y is None:
        raise ValueError(
            f"{name} must be a list of label sequences, got {type(y).__name__}."
        )
    if not isinstance(y, (list, tuple)):
        y = np.asarray(y)
        if y.ndim == 2:
            return list(y)
        if y.ndim != 1 or (y.dtype != object and len(y)):
            raise ValueError(
                f"{name} must be a list of label sequences (or a 2-D array), got "
                f"an array of shape {y.shape}."
            )
    out = []
    for i, labels in enumerate(y):
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
            raise ValueError(
                f"{name}[{i}] is a {type(labels).__name__}, not a sequence of labels."
            )
        labels = np.asarray(labels)
        if labels.ndim != 1:
            raise ValueError(
                f"{name}[{i}] has shape {labels.shape}; label sequences must be 1-D."
            )
        out.append(labels)
    return out


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


def sequence_accuracy_score(
    y_true, y_pred, *, normalize: bool = True, sample_weight=None
) -> float:
    """Fraction of sequences whose every label is predicted right.

    Parameters
    ----------
    y_true : list of array-like
        True label sequences.
    y_pred : list of array-like
        Predicted label sequences, with the lengths of ``y_true``'s.
    normalize : bool, default=True
        Return the fraction of exactly right sequences; ``False`` returns
        their (weighted) number.
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight per sequence.

    Returns
    -------
    float
        As :func:`sklearn.metrics.accuracy_score` with one sample per
        sequence, correct when all its positions are.

    Examples
    --------
    >>> from skrnn.metrics import sequence_accuracy_score
    >>> y_true = [["D", "N", "V"], ["N", "V"]]
    >>> y_pred = [["D", "N", "N"], ["N", "V"]]
    >>> sequence_accuracy_score(y_true, y_pred)
    0.5
    """
    flat_true, flat_pred, _, lengths = _flatten(y_true, y_pred)
    n = len(lengths)
    if len(flat_true):
        unique_labels(flat_true, flat_pred)  # scikit-learn's label type checks
    wrong = (flat_true != flat_pred).astype(np.float64)
    owner = np.repeat(np.arange(n), lengths)
    exact = np.bincount(owner, weights=wrong, minlength=n) == 0
    return float(
        accuracy_score(
            np.ones(n, dtype=bool),
            exact,
            normalize=normalize,
            sample_weight=sample_weight,
        )
    )
