"""The internal ragged form of sequences, padding, and mini-batches.

:class:`Ragged` holds sequences of different lengths back to back in one array;
it pads any subset of them into the time-major ``(T, B, ...)`` batches the
recurrent core eats, and :func:`unpad` turns per-step results back into one array
per sequence. :func:`make_batches` and :func:`prediction_batches` choose which
sequences go together (grouped by length, so little padding is computed).

For language models, :func:`with_marker` frames each document of token ids by a
marker (inputs start with it, targets end with it), :func:`document_stream`
joins documents into one stream of ids and :func:`parallel_streams` cuts that
stream into contiguous streams trained side by side;
:meth:`TokenRagged.with_marker` and :func:`spelled_stream` do the same for
character-aware tokens, whose marker gets a spelling of its own.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

__all__ = [
    "Ragged",
    "TokenBatch",
    "TokenRagged",
    "document_stream",
    "locate",
    "make_batches",
    "n_parallel_streams",
    "parallel_streams",
    "prediction_batches",
    "spelled_stream",
    "token_batch",
    "unpad",
    "with_marker",
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
    >>> from skrnn._ragged import Ragged
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
        >>> from skrnn._ragged import Ragged
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
        >>> from skrnn._ragged import Ragged
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
        # Where a step is padding, read row 0 of the data (valid whenever a
        # step is read at all, even for an empty sequence) and zero it
        # afterwards.
        positions = np.where(mask, starts + steps, 0)
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
        >>> from skrnn._ragged import Ragged
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
        >>> from skrnn._ragged import Ragged
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


class TokenBatch:
    """A padded batch of tokens for a character-aware model.

    ``words`` and ``types`` are ``(T, B)`` ids: the token's id in the word
    vocabulary and the index of its spelling among the batch's distinct
    spellings, whose characters are ``chars`` (time-major ``(Tc, n_types)``
    character ids) with ``char_lengths``. Each spelling is read once per
    batch, however often it occurs. Indexing selects positions of ``words`` and
    ``types`` and keeps the spellings, so the network sorts, slices and windows
    a batch as it does an array of ids.
    """

    def __init__(self, words, types, chars, char_lengths) -> None:
        self.words = words
        self.types = types
        self.chars = chars
        self.char_lengths = char_lengths

    @property
    def shape(self) -> tuple:
        return self.words.shape

    @property
    def dtype(self):
        return self.words.dtype

    def __getitem__(self, key) -> TokenBatch:
        return TokenBatch(
            self.words[key], self.types[key], self.chars, self.char_lengths
        )

    def __setitem__(self, key, value) -> None:
        self.words[key] = value
        self.types[key] = value


class TokenRagged(Ragged):
    """Token sequences as ``(word id, type id)`` pairs, with each type's spelling.

    Parameters
    ----------
    data : ndarray of int of shape (n_total_steps, 2)
        Word id and type id of every token.
    offsets : array-like of int
        As :class:`Ragged`.
    type_chars : Ragged
        The character ids of each type (a type is a distinct token string).
    """

    def __init__(self, data, offsets, type_chars: Ragged) -> None:
        super().__init__(data, offsets)
        self.type_chars = type_chars

    @property
    def n_step_features(self) -> None:
        return None

    def take(self, indices) -> TokenRagged:
        taken = super().take(indices)
        return TokenRagged(taken.data, taken.offsets, self.type_chars)

    def words(self) -> Ragged:
        """The word ids alone."""
        return Ragged(self.data[:, 0], self.offsets)

    def pad(self, indices=None, dtype=None) -> tuple[TokenBatch, np.ndarray]:
        """A :class:`TokenBatch` of the chosen sequences, and their lengths."""
        pairs, lengths = super().pad(indices)
        batch = token_batch(pairs[:, :, 0], pairs[:, :, 1], lengths, self.type_chars)
        return batch, lengths

    def with_marker(self, marker: int, spelling) -> tuple[TokenRagged, Ragged]:
        """:func:`with_marker` for character-aware tokens.

        The marker is spelled ``spelling`` (character ids), a type of its own
        appended to ``type_chars``; so is every token whose word id is
        ``marker`` (a token of the data spelled like the marker).

        Returns
        -------
        inputs : TokenRagged
            Each document's ``(word id, type id)`` pairs, the marker first.
        targets : Ragged
            Each document's word ids, the marker last.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn._ragged import Ragged, TokenRagged
        >>> spellings = Ragged.from_list([np.array([3, 4]), np.array([5])])
        >>> docs = TokenRagged(np.array([[7, 0], [8, 1], [8, 1]]), [0, 2, 3], spellings)
        >>> inputs, targets = docs.with_marker(1, [9])
        >>> inputs.data.tolist()
        [[1, 2], [7, 0], [8, 1], [1, 2], [8, 1]]
        >>> targets.data.tolist(), inputs.type_chars.data.tolist()
        ([7, 8, 1, 8, 1], [3, 4, 5, 9])
        """
        words, targets = with_marker(self.words(), marker)
        n_types = len(self.type_chars)
        types, _ = with_marker(Ragged(self.data[:, 1], self.offsets), n_types)
        types.data[words.data == marker] = n_types
        spelling = np.asarray(spelling, dtype=self.type_chars.data.dtype)
        spelled = self.type_chars.offsets[-1] + len(spelling)
        type_chars = Ragged(
            np.concatenate([self.type_chars.data, spelling]),
            np.append(self.type_chars.offsets, spelled),
        )
        pairs = np.stack([words.data, types.data], axis=1)
        return TokenRagged(pairs, words.offsets, type_chars), targets


def token_batch(words, types, lengths, type_chars: Ragged) -> TokenBatch:
    """A :class:`TokenBatch` of time-major word and type ids, each distinct type
    of the real steps spelled once.

    Parameters
    ----------
    words, types : ndarray of int of shape (T, B)
        Word ids and type ids (rows of ``type_chars``); past a column's length
        they are ignored.
    lengths : array-like of int of shape (B,)
        Real steps of each column.
    type_chars : Ragged
        The character ids of every type.

    Returns
    -------
    TokenBatch
        Its ``types`` index the batch's own spellings (``chars``), in the order
        of their type ids; 0 past a column's length.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._ragged import Ragged, token_batch
    >>> spellings = Ragged.from_list([np.array([3, 4]), np.array([5]), np.array([6])])
    >>> batch = token_batch(np.array([[7, 8], [7, 0]]), np.array([[2, 0], [2, 1]]),
    ...                     [2, 1], spellings)
    >>> batch.types.tolist(), batch.chars.tolist(), batch.char_lengths.tolist()
    ([[1, 0], [1, 0]], [[3, 6], [4, 0]], [2, 1])
    """
    lengths = np.asarray(lengths)
    mask = np.arange(words.shape[0])[:, None] < lengths[None, :]
    used, local = np.unique(types[mask], return_inverse=True)
    local_types = np.zeros(words.shape, dtype=np.intp)
    local_types[mask] = local.reshape(-1)
    chars, char_lengths = type_chars.pad(used)
    return TokenBatch(np.ascontiguousarray(words), local_types, chars, char_lengths)


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
    >>> from skrnn._ragged import unpad
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
    return split(batch_major[mask], lengths)


def split(flat: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """Cut concatenated sequences back into a list of views."""
    if len(lengths) == 0:
        return []
    return np.split(flat, np.cumsum(lengths)[:-1])


def locate(offsets: np.ndarray, row: int) -> tuple[int, int]:
    """Sample index and time step of a row of the concatenated data."""
    i = int(np.searchsorted(offsets, row, side="right")) - 1
    return i, int(row - offsets[i])


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
    >>> from skrnn._ragged import make_batches
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


def prediction_batches(lengths, batch_size: int = 1024) -> list[np.ndarray]:
    """Split samples into large, length-sorted batches for prediction.

    Parameters
    ----------
    lengths : array-like of int of shape (n_samples,)
        Sequence lengths.
    batch_size : int, default=1024
        Samples per batch.

    Returns
    -------
    list of ndarray of intp
        Index arrays over the samples sorted by decreasing length, so each
        batch holds similar lengths; ``result[batch] = batch_result`` puts
        per-batch results back in sample order.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._ragged import prediction_batches
    >>> lengths = np.array([2, 5, 3])
    >>> prediction_batches(lengths, batch_size=2)
    [array([1, 2]), array([0])]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    n = len(lengths)
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    order = _by_length(np.arange(n), lengths)
    return np.split(order, range(batch_size, n, batch_size))


# ----------------------------------------------------------------------------
# streams of token ids (language models)
# ----------------------------------------------------------------------------


def with_marker(docs: Ragged, marker: int) -> tuple[Ragged, Ragged]:
    """Each document's inputs (the marker, then its ids) and targets (its ids,
    then the marker): a document of ``n`` ids has ``n + 1`` of each.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._ragged import Ragged, with_marker
    >>> inputs, targets = with_marker(Ragged(np.array([5, 6, 7]), [0, 2, 3]), 1)
    >>> [s.tolist() for s in inputs.to_list()], [s.tolist() for s in targets.to_list()]
    ([[1, 5, 6], [1, 7]], [[5, 6, 1], [7, 1]])
    """
    lengths = docs.lengths + 1
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    inputs = np.full(offsets[-1], marker, dtype=docs.data.dtype)
    targets = inputs.copy()
    # the i-th document's ids move right by i + 1 (inputs) or by i (targets)
    shift = np.repeat(np.arange(len(docs)), docs.lengths)
    rows = np.arange(len(docs.data)) + shift
    inputs[rows + 1] = docs.data
    targets[rows] = docs.data
    return Ragged(inputs, offsets), Ragged(targets, offsets)


def document_stream(docs: Ragged, separator: int, order=None) -> np.ndarray:
    """Documents joined into one stream of ids, each closed by ``separator``.

    The stream also opens with ``separator``, so that every document is read
    after one: ``[sep, d_1..., sep, d_2..., sep]``.

    Parameters
    ----------
    docs : Ragged of int
        Token ids, one sequence per document.
    separator : int
        The id of the end marker.
    order : array-like of int, default=None
        The order of the documents in the stream (None: as given).

    Returns
    -------
    ndarray of int of shape (1 + sum(len(d) + 1),)

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._ragged import Ragged, document_stream
    >>> docs = Ragged(np.array([5, 6, 7]), [0, 2, 3])
    >>> document_stream(docs, 1)
    array([1, 5, 6, 1, 7, 1])
    >>> document_stream(docs, 1, order=[1, 0])
    array([1, 7, 1, 5, 6, 1])
    """
    if order is not None:
        docs = docs.take(order)
    inputs, _ = with_marker(docs, separator)
    return np.append(inputs.data, separator)


def spelled_stream(docs: TokenRagged, separator: int, spelling, order=None):
    """:func:`document_stream` for character-aware tokens.

    Parameters
    ----------
    docs : TokenRagged
        ``(word id, type id)`` pairs, one sequence per document.
    separator : int
        The word id of the end marker.
    spelling : array-like of int
        The character ids the marker is spelled with (see
        :meth:`TokenRagged.with_marker`).
    order : array-like of int, default=None
        The order of the documents in the stream (None: as given).

    Returns
    -------
    words : ndarray of int of shape (1 + sum(len(d) + 1),)
        The stream of word ids, as :func:`document_stream` gives it.
    types : ndarray of int, the shape of ``words``
        The type id of every position of the stream.
    type_chars : Ragged
        The spellings of the types, the marker's last.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._ragged import Ragged, TokenRagged, spelled_stream
    >>> spellings = Ragged.from_list([np.array([3, 4]), np.array([5])])
    >>> docs = TokenRagged(np.array([[7, 0], [8, 1], [8, 1]]), [0, 2, 3], spellings)
    >>> words, types, type_chars = spelled_stream(docs, 1, [9], order=[1, 0])
    >>> words.tolist(), types.tolist()
    ([1, 8, 1, 7, 8, 1], [2, 1, 2, 0, 1, 2])
    """
    if order is not None:
        docs = docs.take(order)
    inputs, _ = docs.with_marker(separator, spelling)
    marker_type = len(inputs.type_chars) - 1
    words = np.append(inputs.data[:, 0], separator)
    types = np.append(inputs.data[:, 1], marker_type)
    return words, types, inputs.type_chars


def n_parallel_streams(n_positions: int, batch_size: int, window: int) -> int:
    """How many parallel streams a stream of ``n_positions`` predictions is cut
    into: ``batch_size``, but no more than leave every stream one full
    ``window`` (and at least one stream).

    Examples
    --------
    >>> from skrnn._ragged import n_parallel_streams
    >>> n_parallel_streams(175_000, 32, 64), n_parallel_streams(6, 32, 64)
    (32, 1)
    """
    return int(max(1, min(batch_size, n_positions // window)))


def parallel_streams(stream: np.ndarray, n_streams: int):
    """Cut a stream of ids into contiguous parallel streams, time-major.

    The ``len(stream) - 1`` positions (each input ``stream[i]`` predicts
    ``stream[i + 1]``) are split into ``n_streams`` contiguous pieces whose
    lengths differ by at most one (the first ones are the longer); no position
    is dropped.

    Returns
    -------
    inputs, targets : ndarray of int of shape (L, n_streams)
        Column ``s`` is stream ``s``; 0 past a stream's end.
    lengths : ndarray of int64 of shape (n_streams,)
        Real positions of each stream, in decreasing order.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._ragged import parallel_streams
    >>> inputs, targets, lengths = parallel_streams(np.arange(1, 9), 3)
    >>> inputs
    array([[1, 4, 6],
           [2, 5, 7],
           [3, 0, 0]])
    >>> targets
    array([[2, 5, 7],
           [3, 6, 8],
           [4, 0, 0]])
    >>> lengths
    array([3, 2, 2])
    """
    n_positions = len(stream) - 1
    if not 1 <= n_streams <= n_positions:
        raise ValueError(
            f"n_streams={n_streams} must be between 1 and the number of "
            f"positions, {n_positions}."
        )
    lengths = np.full(n_streams, n_positions // n_streams, dtype=np.int64)
    lengths[: n_positions % n_streams] += 1
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    steps = np.arange(lengths[0])[:, None]
    real = steps < lengths[None, :]
    where = np.where(real, starts[None, :] + steps, 0)
    inputs = np.where(real, stream[where], 0)
    targets = np.where(real, stream[where + 1], 0)
    return inputs, targets, lengths
