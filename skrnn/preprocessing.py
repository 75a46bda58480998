"""Preprocessing for sequences: tokenizing text, rare words, scaling, windowing."""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._input import DOC_LINK_TEMPLATE, SequenceInputMixin, float_dtype
from ._ragged import split
from ._warnings import warn

__all__ = ["SequenceScaler", "Tokenizer", "WordShapes", "sliding_windows"]


class Tokenizer(TransformerMixin, BaseEstimator):
    """Split each document into a list of tokens, ready for an RNN.

    A stateless transformer: ``fit`` learns nothing, and ``transform`` turns a
    list of ``n`` strings into a list of ``n`` token lists, the token-sequence
    input form of the skrnn estimators. The splitting is scikit-learn's own
    (:class:`~sklearn.feature_extraction.text.CountVectorizer`'s analyzer with
    unigrams), so a token here is a token there.

    Parameters
    ----------
    lowercase : bool, default=True
        Convert all characters to lowercase before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b|[^\\w\\s]"
        Regular expression of what a token is (``analyzer="word"`` only).
        The default differs from ``CountVectorizer``'s
        ``r"(?u)\\b\\w\\w+\\b"``: for a sequence model, word order carries
        the meaning, so one-letter words ("a", "I") and punctuation ("!",
        "?", ",") are kept as tokens of their own instead of being dropped.
        Pass ``r"(?u)\\b\\w\\w+\\b"`` to tokenize exactly as
        ``CountVectorizer`` does.
    analyzer : {"word", "char"}, default="word"
        ``"word"`` splits into tokens matched by ``token_pattern``; ``"char"``
        splits into single characters (after ``CountVectorizer``'s
        normalisation, which turns each run of whitespace into one space).
    strip_accents : {"ascii", "unicode"} or None, default=None
        Remove accents and perform other character normalisation, as in
        ``CountVectorizer``.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : The same tokenizing,
        counted into a bag of words.

    Notes
    -----
    Like ``CountVectorizer``, it takes raw text, so it sets no
    ``n_features_in_``. An empty document becomes an empty token list, which
    the skrnn estimators reject as an empty sequence naming its index.

    Examples
    --------
    >>> from skrnn.preprocessing import Tokenizer
    >>> Tokenizer().fit_transform(["A cat sat.", "Is it a dog?"])
    [['a', 'cat', 'sat', '.'], ['is', 'it', 'a', 'dog', '?']]
    >>> Tokenizer(analyzer="char").fit_transform(["Hi  there"])
    [['h', 'i', ' ', 't', 'h', 'e', 'r', 'e']]
    """

    # the HTML representation's "?" links to skrnn's API page
    _doc_link_module = "skrnn"
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "analyzer": [StrOptions({"word", "char"})],
        "strip_accents": [StrOptions({"ascii", "unicode"}), None],
    }

    def __init__(
        self,
        *,
        lowercase=True,
        token_pattern=r"(?u)\b\w+\b|[^\w\s]",
        analyzer="word",
        strip_accents=None,
    ):
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.analyzer = analyzer
        self.strip_accents = strip_accents

    def fit(self, X, y=None):
        """Check the parameters and ``X``; nothing is learned.

        Parameters
        ----------
        X : iterable of str
            Documents.
        y : None
            Ignored.

        Returns
        -------
        self : Tokenizer
            This transformer.
        """
        self._validate_params()
        _check_documents(X)
        return self

    def transform(self, X) -> list[list[str]]:
        """Split each document into tokens.

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        list of list of str
            One token list per document.
        """
        self._validate_params()
        documents = _check_documents(X)
        analyze = CountVectorizer(
            lowercase=self.lowercase,
            token_pattern=self.token_pattern,
            analyzer=self.analyzer,
            strip_accents=self.strip_accents,
        ).build_analyzer()
        return [analyze(doc) for doc in documents]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


def _check_documents(X) -> list:
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received."
        )
    documents = list(X)
    for i, doc in enumerate(documents):
        if not isinstance(doc, str):
            raise ValueError(
                f"X[{i}] is a {type(doc).__name__}, not a str; the Tokenizer "
                "expects one str per document."
            )
    return documents


class WordShapes(TransformerMixin, BaseEstimator):
    """Lowercase words; replace rare ones by a token describing their shape.

    ``fit`` counts the lowercased words of the training sentences;
    ``transform`` keeps each word seen at least ``min_count`` times
    (lowercased) and replaces any other by a shape token such as
    ``"<unk-cap-ed>"``: capitalized, ends in "ed". Because the rare words of
    the training data are replaced too, a model trained after this step (an
    :class:`~skrnn.RNNSequenceTagger`, say) learns what to do with a word it
    has never seen, from its shape: a capitalized word is likely a proper
    noun, a word ending in "ly" an adverb, a number a number.

    Parameters
    ----------
    min_count : int, default=2
        Words seen fewer times in ``fit`` (counted lowercased) become shape
        tokens. With 1, only words never seen in ``fit`` do.
    suffix_length : int, default=2
        Letters of the word's end kept, lowercased, in its shape token (for
        words longer than three letters); 0 keeps none.

    Attributes
    ----------
    counts_ : collections.Counter
        Lowercased word counts of the training sentences.

    See Also
    --------
    Tokenizer : Splits raw documents into the token lists this step takes.

    Notes
    -----
    The shape token of a word kept as rare, built in this order:

    - ``"<num>"`` if it holds a digit (``"1984"``, ``"3.5"``, ``"A4"``);
    - otherwise ``"<unk"``, then ``"-cap"`` if its first character is
      upper case, ``"-hyph"`` if it holds a hyphen, ``"-"`` and its last
      ``suffix_length`` characters lowercased if it has more than three
      characters, then ``">"``: ``"Dublin"`` gives ``"<unk-cap-in>"``,
      ``"well-worn"`` gives ``"<unk-hyph-rn>"``, ``"ox"`` gives ``"<unk>"``.

    Like :class:`Tokenizer`, it takes token lists rather than a numeric
    table, so it sets no ``n_features_in_``.

    Examples
    --------
    >>> from skrnn.preprocessing import WordShapes
    >>> X = [["The", "cat", "jumped"], ["the", "Cat", "sat", "quietly"]]
    >>> shapes = WordShapes(min_count=2).fit(X)
    >>> shapes.transform(X)
    [['the', 'cat', '<unk-ed>'], ['the', 'cat', '<unk>', '<unk-ly>']]
    >>> shapes.transform([["The", "Dublin", "cat", "purred", "in", "1984"]])
    [['the', '<unk-cap-in>', 'cat', '<unk-ed>', '<unk>', '<num>']]
    """

    # the HTML representation's "?" links to skrnn's API page
    _doc_link_module = "skrnn"
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        "min_count": [Interval(numbers.Integral, 1, None, closed="left")],
        "suffix_length": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(self, min_count: int = 2, suffix_length: int = 2):
        self.min_count = min_count
        self.suffix_length = suffix_length

    def fit(self, X, y=None):
        """Count the lowercased words of ``X``.

        Parameters
        ----------
        X : list of list of str
            Sentences, each a sequence of words.
        y : object, default=None
            Ignored (a tagger's tags, in a pipeline).

        Returns
        -------
        self : WordShapes
            The fitted transformer.
        """
        self._validate_params()
        sentences = _check_sentences(X)
        self.counts_ = Counter(word.lower() for words in sentences for word in words)
        return self

    def transform(self, X) -> list[list[str]]:
        """Map every word to itself (lowercased) or to its shape token.

        Parameters
        ----------
        X : list of list of str
            Sentences, each a sequence of words.

        Returns
        -------
        list of list of str
            The same sentences, lowercased, with rare words replaced.
        """
        check_is_fitted(self)
        counts, m = self.counts_, self.min_count
        return [
            [w.lower() if counts[w.lower()] >= m else self._shape(w) for w in words]
            for words in _check_sentences(X)
        ]

    def _shape(self, word: str) -> str:
        if any(c.isdigit() for c in word):
            return "<num>"
        shape = "<unk"
        if word[:1].isupper():
            shape += "-cap"
        if "-" in word:
            shape += "-hyph"
        if len(word) > 3 and self.suffix_length > 0:
            shape += "-" + word[-self.suffix_length :].lower()
        return shape + ">"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _check_sentences(X) -> list:
    """``X`` as a list of word sequences, or an error naming the bad sample."""
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "X must be a list of sentences, each a list of words; got a str. "
            "Tokenizer splits raw text into words."
        )
    sentences = list(X)
    for i, words in enumerate(sentences):
        if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__"):
            raise ValueError(
                f"X[{i}] is a {type(words).__name__}, not a list of words; "
                "Tokenizer splits raw text into words."
            )
        for j, word in enumerate(words):
            if not isinstance(word, str):
                raise ValueError(
                    f"X[{i}][{j}] is a {type(word).__name__}, not a str; "
                    "WordShapes expects words."
                )
    return sentences


class SequenceScaler(SequenceInputMixin, TransformerMixin, BaseEstimator):
    """Standardize each feature over all time steps of all sequences.

    Every real time step of every sequence counts as one observation of the
    per-step features: the mean and standard deviation of feature ``f`` are
    taken over all of them (NaN padding excluded), and each step is mapped to
    ``(x - mean_) / scale_``. The output has the form of the input.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean.
    with_std : bool, default=True
        Divide by the standard deviation.

    Attributes
    ----------
    mean_ : ndarray of shape (n_step_features,)
        Mean of each per-step feature (computed even when
        ``with_mean=False``).
    var_ : ndarray of shape (n_step_features,)
        Variance of each per-step feature: ``inf`` when it exceeds the float64
        range (values beyond about 1e154), 0 when it is below it (values
        below about 1e-154); ``scale_`` is computed without forming it.
    scale_ : ndarray of shape (n_step_features,) or None
        Standard deviation used for scaling, or None when ``with_std=False``.
        A deviation that is zero, or rounding noise (below
        ``10 * eps * abs(mean_)``), becomes 1: a constant feature keeps its
        values, minus the mean.
    n_features_in_ : int
        Columns of a 2-D ``X`` (its time steps), or features per step of a
        3-D or ragged ``X``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : Standardizes each column of a table.

    Notes
    -----
    Accepted forms of ``X`` and what comes back:

    - 3-D array ``(n_samples, n_timesteps, n_features)``: statistics per
      feature over the real steps; trailing all-NaN padding steps stay NaN.
    - list of ``(T_i, n_features)`` or ``(T_i,)`` arrays: a list of arrays of
      the same shapes.
    - 2-D array ``(n_samples, n_timesteps)``: univariate sequences, one column
      per time step. All columns are the same variable at different times, so
      one mean and one standard deviation are taken over all values (unlike
      ``StandardScaler``, which would scale each time step separately and so
      distort the shape of each series).

    Statistics are computed in float64; the output is float32 for float32
    input and float64 otherwise. Values of any magnitude work (1e200 as well
    as 1e-200): the statistics of a feature are taken after dividing it by a
    power of two near its largest magnitude (exact, so ordinary data get the
    same bits as without it), and a value whose ``x - mean_`` overflows on
    the way (``3e38`` and ``-3e38`` in float32) is computed again in float64
    from halved values. A result truly beyond the range of the output dtype
    (possible without ``with_std``) is ``inf``, with a ``RuntimeWarning``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.preprocessing import SequenceScaler
    >>> X = [np.array([1.0, 2.0, 3.0]), np.array([5.0])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_, scaler.scale_
    (array([2.75]), array([1.47901995]))
    >>> [x.round(3) for x in scaler.transform(X)]
    [array([-1.183, -0.507,  0.169]), array([1.521])]
    """

    # the HTML representation's "?" links to skrnn's API page
    _doc_link_module = "skrnn"
    _doc_link_template = DOC_LINK_TEMPLATE

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Compute the per-feature mean and standard deviation.

        Parameters
        ----------
        X : array-like or list of arrays
            Numeric sequences in any of the numeric input forms.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            Fitted scaler.
        """
        self._validate_params()
        ragged, _ = self._validate_input(
            X, reset=True, dtype=float_dtype(X), categorical=False
        )
        data = ragged.data
        # Squares of values beyond about 1e154 overflow float64 and those below
        # 1e-154 underflow, so the statistics are taken of data / unit, with a
        # power of two per feature that brings the largest magnitude into
        # [1, 2). Dividing and multiplying by a power of two is exact, so where
        # nothing overflowed or underflowed before, the results are the same,
        # bit for bit. float32 data needs no unit: its squares fit in float64.
        unit = np.ones(data.shape[1])
        if data.dtype == np.float64:
            peak = np.abs(data).max(axis=0, initial=0.0)
            _, exponent = np.frexp(peak)  # peak = fraction * 2**exponent
            unit = np.where(peak > 0, np.ldexp(1.0, exponent - 1), 1.0)
            data = data / unit
        mean = data.mean(axis=0, dtype=np.float64)
        var = data.var(axis=0, dtype=np.float64)
        self.mean_ = mean * unit
        with np.errstate(over="ignore"):  # a variance beyond float64 is inf
            self.var_ = var * unit * unit
        if self.with_std:
            std = np.sqrt(var)
            # constant features keep their values (minus the mean); the
            # rounding noise of the mean is relative to its magnitude
            too_small = (std == 0) | (
                std < 10 * np.finfo(np.float64).eps * np.abs(mean)
            )
            self.scale_ = np.where(too_small, 1.0, std * unit)
        else:
            self.scale_ = None
        return self

    def transform(self, X):
        """Standardize ``X``, keeping its form.

        Parameters
        ----------
        X : array-like or list of arrays
            Numeric sequences with the per-step features seen in ``fit``.

        Returns
        -------
        X_scaled : ndarray or list of ndarray
            Same form and shapes as ``X``.
        """
        return self._apply(X, inverse=False)

    def inverse_transform(self, X):
        """Undo :meth:`transform`, keeping the form of ``X``.

        Parameters
        ----------
        X : array-like or list of arrays
            Scaled numeric sequences.

        Returns
        -------
        X_original : ndarray or list of ndarray
            Same form and shapes as ``X``.
        """
        return self._apply(X, inverse=True)

    def _apply(self, X, *, inverse: bool):
        check_is_fitted(self)
        dtype = float_dtype(X)
        ragged, checked = self._validate_input(
            X, reset=False, dtype=dtype, categorical=False
        )
        data = np.array(ragged.data, dtype=dtype)  # a copy: X stays untouched
        with np.errstate(over="ignore"):
            # (statistics of float64 data may be beyond float32: then the
            # float64 path below does all entries)
            mean = self.mean_.astype(dtype) if self.with_mean else None
            scale = self.scale_.astype(dtype) if self.scale_ is not None else None
            fits = all(v is None or np.isfinite(v).all() for v in (mean, scale))
            if not fits:
                pass
            elif inverse:
                if scale is not None:
                    data *= scale
                if mean is not None:
                    data += mean
            else:
                if mean is not None:
                    data -= mean
                if scale is not None:
                    data /= scale
        # non-finite from finite input: an overflow on the way
        overflowed = ~np.isfinite(data) if fits else np.ones(data.shape, dtype=bool)
        if overflowed.any():
            with np.errstate(over="ignore"):
                data[overflowed] = self._apply_halved(ragged.data, overflowed, inverse)
            if not np.isfinite(data[overflowed]).all():
                warn(
                    f"Some {'un' if inverse else ''}scaled values are beyond the "
                    f"range of {np.dtype(dtype).name}; they are inf.",
                    RuntimeWarning,
                )
        if checked.form == "2d":
            return data.reshape(len(ragged), -1)
        lengths = ragged.lengths
        if checked.form == "3d":
            n_steps = checked.n_steps
            out = np.full((len(ragged), n_steps, data.shape[1]), np.nan, dtype=dtype)
            out[np.arange(n_steps) < lengths[:, None]] = data
            return out
        sequences = split(data, lengths)
        return [
            s[:, 0] if one_d else s
            for s, one_d in zip(sequences, checked.one_d, strict=True)
        ]

    def _apply_halved(self, data, where, inverse: bool) -> np.ndarray:
        """The entries ``where`` of :meth:`_apply`, computed without overflow.

        A difference of two values can overflow although both are finite (and
        so can ``x - mean`` in float32, or ``x * scale`` on the way back to
        such values). Here the steps run in float64 on halved values, and the
        result is doubled: it overflows only when the true result does.
        """
        x = data[where].astype(np.float64)
        column = np.nonzero(where)[1]
        mean = self.mean_[column] * 0.5 if self.with_mean else 0.0
        scale = self.scale_[column] if self.scale_ is not None else 1.0
        if inverse:
            return (x * (scale * 0.5) + mean) * 2.0
        return (x * 0.5 - mean) / scale * 2.0

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def sliding_windows(
    series,
    window: int,
    horizon: int = 1,
    *,
    step: int = 1,
    target_column: int | str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a time series into input windows and the values that follow them.

    Window ``k`` starts at ``k * step`` and holds ``window`` consecutive values;
    its target is the value ``horizon`` steps after the window's last value.
    This turns forecasting into the regression problem that
    :class:`~skrnn.RNNRegressor` solves.

    Parameters
    ----------
    series : array-like of shape (n,) or (n, n_features)
        The series, oldest value first. A pandas Series or DataFrame works.
    window : int
        Time steps per input window, at least 1.
    horizon : int, default=1
        How far ahead the target lies: 1 is the next value.
    step : int, default=1
        Distance between the starts of consecutive windows.
    target_column : int or str, default=None
        For a 2-D series, the column that is the target (a name for a
        DataFrame); ``None`` keeps all columns.

    Returns
    -------
    X : ndarray of shape (n_windows, window) or (n_windows, window, n_features)
        The windows: the 2-D (univariate) input form for a 1-D series, the
        3-D form for a 2-D series. A new array, not a view of ``series``.
    y : ndarray of shape (n_windows,) or (n_windows, n_features)
        The targets; 1-D for a 1-D series or when ``target_column`` is given.

    Notes
    -----
    ``n_windows = (n - window - horizon) // step + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.preprocessing import sliding_windows
    >>> X, y = sliding_windows(np.arange(6), window=3)
    >>> X
    array([[0, 1, 2],
           [1, 2, 3],
           [2, 3, 4]])
    >>> y
    array([3, 4, 5])
    >>> X, y = sliding_windows(np.arange(12).reshape(6, 2), 2, horizon=2, step=2)
    >>> X.shape, y
    ((2, 2, 2), array([[ 6,  7],
           [10, 11]]))
    """
    column = target_column
    if (
        column is not None
        and hasattr(series, "columns")
        and not isinstance(column, numbers.Integral)
    ):
        column = series.columns.get_loc(column)
    series = np.asarray(series)
    for name, value in (("window", window), ("horizon", horizon), ("step", step)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {value!r}.")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}.")
    if series.ndim not in (1, 2):
        raise ValueError(
            f"series must be 1-D (n,) or 2-D (n, n_features), got shape {series.shape}."
        )
    n = len(series)
    if n < window + horizon:
        raise ValueError(
            f"window={window} and horizon={horizon} need a series of at least "
            f"window + horizon = {window + horizon} values, but it has {n}."
        )
    n_windows = (n - window - horizon) // step + 1
    y = series[window - 1 + horizon :: step][:n_windows]
    if series.ndim == 1:
        if target_column is not None:
            raise ValueError("target_column applies to a 2-D series only.")
        X = sliding_window_view(series, window)[::step][:n_windows]
    else:
        views = sliding_window_view(series, window, axis=0)[::step][:n_windows]
        X = views.transpose(0, 2, 1)
        if column is not None:
            y = y[:, column]
    return np.array(X), np.array(y)
