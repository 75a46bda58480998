"""Binary sentiment of movie-review snippets (VADER ground truth)."""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.utils import Bunch

from ._base import _load_descr, _read_text


def load_movie_reviews(
    *, neutral_threshold: float = 0.5, return_X_y: bool = False
) -> Bunch | tuple[list[str], np.ndarray]:
    """Load the VADER movie-review snippets as a binary sentiment data set.

    10,605 sentence-level snippets of Rotten Tomatoes reviews, each with the mean
    rating of at least 20 human raters on a scale from -4 (extremely negative) to +4
    (extremely positive) (Hutto & Gilbert, 2014). A snippet is labelled positive
    (1) when its mean rating is above zero and negative (0) when below. Snippets
    whose rating is near neutral, ``abs(rating) < neutral_threshold``, are dropped,
    and so are the 37 snippets rated exactly 0, which have no polarity.

    =================  ============================================
    Samples            10,072 with the default threshold (0.5)
    Classes            2: 5,076 negative (0), 4,996 positive (1)
    Sequences          ``str``, 3 to 257 characters, 1 to 51 words
    =================  ============================================

    Read more in the DESCR text, ``load_movie_reviews().DESCR``.

    Parameters
    ----------
    neutral_threshold : float, default=0.5
        Snippets with ``abs(rating) < neutral_threshold`` are dropped as too
        close to neutral to label. ``0.0`` keeps every snippet with a non-zero
        rating (10,568); ``1.0`` keeps 9,173.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str
            The snippets, in the order of the source file, which lists nearly
            all positive snippets first: shuffle, or split with
            ``train_test_split(..., stratify=target)``, before taking a subset
            (as with scikit-learn's ``load_iris``, which is sorted by class).
        target : ndarray of shape (n_samples,), dtype int64
            1 for positive, 0 for negative.
        target_names : ndarray of shape (2,), dtype str
            ``["negative", "positive"]``.
        rating : ndarray of shape (n_samples,), dtype float64
            The mean human rating, from -4 to 4.
        ids : ndarray of shape (n_samples,), dtype int64
            The snippet's id in the source file (1 to 10,605).
        DESCR : str
            Description of the data set: source, license, citation.

    (data, target) : tuple if ``return_X_y`` is True
        A list of str and an int64 ndarray.

    Examples
    --------
    >>> from skrnn.datasets import load_movie_reviews
    >>> reviews = load_movie_reviews()
    >>> len(reviews.data), reviews.target.shape
    (10072, (10072,))
    >>> reviews.target_names.tolist()
    ['negative', 'positive']
    >>> reviews.data[3]
    'If you sometimes like to go to the movies to have fun, Wasabi is a good place to start.'
    >>> int(reviews.target[3]), float(reviews.rating[3].round(3))
    (1, 1.467)
    >>> X, y = load_movie_reviews(neutral_threshold=0.0, return_X_y=True)
    >>> len(X), int(y.sum())
    (10568, 5242)
    """  # noqa: E501
    if (
        isinstance(neutral_threshold, bool)
        or not isinstance(neutral_threshold, numbers.Real)
        or not math.isfinite(neutral_threshold)
        or neutral_threshold < 0
    ):
        raise ValueError(
            "neutral_threshold must be a finite number >= 0; "
            f"got {neutral_threshold!r}."
        )
    rows = [
        line.split("\t") for line in _read_text("movie_reviews.tsv.xz").splitlines()
    ]
    ids = np.array([int(row[0]) for row in rows], dtype=np.int64)
    rating = np.array([float(row[1]) for row in rows], dtype=np.float64)
    keep = (np.abs(rating) >= neutral_threshold) & (rating != 0)
    if not keep.any():
        raise ValueError(
            f"neutral_threshold={neutral_threshold!r} drops every snippet; the "
            f"largest absolute rating is {np.abs(rating).max():.3f}."
        )
    data = [row[2] for row, k in zip(rows, keep, strict=True) if k]
    rating = rating[keep]
    target = (rating > 0).astype(np.int64)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=np.array(["negative", "positive"]),
        rating=rating,
        ids=ids[keep],
        DESCR=_load_descr("movie_reviews.rst"),
    )
