"""Token <-> id maps with reserved ids, shared by inputs and token targets.

A :class:`Vocabulary` gives its reserved symbols (the unknown token first, then
whatever markers a model needs: the end of a document, the start of a decoded
sequence) the first ids, and the tokens kept from the training data the ids
after them: by decreasing count, ties broken by the token's sort order. Tokens
seen fewer than ``min_frequency`` times share the unknown id. A token of the
data that is spelled like a reserved symbol (a corpus that already marks unknown
words with ``"<unk>"``, say) is that symbol: it gets the symbol's id and no id
of its own.
"""

from __future__ import annotations

from collections import Counter
from itertools import repeat
from typing import NamedTuple

import numpy as np

from ._ragged import Ragged, TokenRagged

UNKNOWN = "<unk>"
END = "<eos>"
START = "<bos>"


class Tokens(NamedTuple):
    """Categorical sequences as checked by :mod:`skrnn._input`, not yet encoded.

    ``offsets`` delimit the sequences; ``codes`` holds the Unicode code points
    of character sequences (``tokens`` is None), ``tokens`` the flat list of str
    tokens of token sequences (``codes`` is None).
    """

    offsets: np.ndarray
    codes: np.ndarray | None
    tokens: list | None

    @property
    def is_chars(self) -> bool:
        return self.codes is not None


class Vocabulary:
    """Reserved symbols, then tokens, each with an integer id.

    Parameters
    ----------
    tokens : list of str
        The kept tokens, in id order.
    specials : tuple of str, default=("<unk>",)
        Reserved symbols; they take ids ``0 .. len(specials) - 1`` and the
        first one stands for unseen tokens.

    Examples
    --------
    >>> from skrnn._vocabulary import Vocabulary
    >>> vocab = Vocabulary.from_counts({"b": 2, "a": 2, "c": 5}.items())
    >>> vocab.index
    {'c': 1, 'a': 2, 'b': 3}
    >>> vocab.decode([1, 0, 3])
    ['c', '<unk>', 'b']
    """

    def __init__(self, tokens, specials=(UNKNOWN,), counts=None) -> None:
        self.specials = tuple(specials)
        self.tokens = list(tokens)
        start = len(self.specials)
        self.index = {tok: i for i, tok in enumerate(self.tokens, start=start)}
        #: training counts by id (0 for the reserved symbols), when known
        self.counts = None
        if counts is not None:
            self.counts = np.concatenate(
                [np.zeros(start, dtype=np.int64), np.asarray(counts, dtype=np.int64)]
            )
        # what encoding looks up: the tokens and the reserved symbols
        self._ids = {sym: i for i, sym in enumerate(self.specials)} | self.index

    def __len__(self) -> int:
        return len(self.specials) + len(self.tokens)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self.tokens)} tokens, specials={self.specials!r})"

    def id_of(self, special: str) -> int:
        """The id of a reserved symbol."""
        return self.specials.index(special)

    @property
    def symbols(self) -> list:
        """Every symbol in id order: the reserved ones, then the tokens."""
        return list(self.specials) + self.tokens

    @classmethod
    def from_counts(cls, counts, min_frequency: int = 1, specials=(UNKNOWN,)):
        """Keep the tokens counted at least ``min_frequency`` times.

        Parameters
        ----------
        counts : iterable of (str, int)
        min_frequency : int, default=1
        specials : tuple of str, default=("<unk>",)
        """
        kept = [
            (tok, c) for tok, c in counts if c >= min_frequency and tok not in specials
        ]
        if not kept:
            raise ValueError(
                f"No token occurs at least min_frequency={min_frequency} times; "
                "lower min_frequency."
            )
        kept.sort(key=lambda item: (-item[1], item[0]))
        return cls([tok for tok, _ in kept], specials, [c for _, c in kept])

    @classmethod
    def fit(cls, data: Tokens, min_frequency: int = 1, specials=(UNKNOWN,)):
        """Count the characters or tokens of checked sequences."""
        if data.is_chars:
            uniq, counts = np.unique(data.codes, return_counts=True)
            chars = [chr(u) for u in uniq.tolist()]
            return cls.from_counts(
                zip(chars, counts.tolist(), strict=True), min_frequency, specials
            )
        return cls.from_counts(Counter(data.tokens).items(), min_frequency, specials)

    def encode(self, data: Tokens) -> Ragged:
        """Ids of checked sequences; tokens outside the vocabulary get id 0.

        A token spelled like a reserved symbol gets that symbol's id.
        """
        if data.is_chars:
            uniq, inverse = np.unique(data.codes, return_inverse=True)
            table = np.array(
                [self._ids.get(chr(u), 0) for u in uniq.tolist()], dtype=np.intp
            )
            ids = table[inverse.reshape(-1)]
        else:
            tokens = data.tokens
            ids = np.fromiter(
                map(self._ids.get, tokens, repeat(0)),
                dtype=np.intp,
                count=len(tokens),
            )
        return Ragged(ids, data.offsets)

    def encode_sequence(self, sequence) -> np.ndarray:
        """Ids of one sequence (a str or a list of tokens)."""
        return np.fromiter(
            map(self._ids.get, sequence, repeat(0)), dtype=np.intp, count=len(sequence)
        )

    def encode_types(self, data: Tokens, chars: Vocabulary) -> Ragged:
        """Token sequences as (word id, type id) pairs, for character-aware
        models: a :class:`~skrnn._ragged.TokenRagged` whose types (the distinct
        token strings of ``data``) carry their characters' ids in ``chars``."""
        types, type_ids = np.unique(
            np.array(data.tokens, dtype=object), return_inverse=True
        )
        words = self.encode(data).data
        type_chars = Ragged.from_list(
            [chars.encode_sequence(t) for t in types.tolist()]
        )
        pairs = np.stack([words, type_ids.reshape(-1).astype(np.intp)], axis=1)
        return TokenRagged(pairs, data.offsets, type_chars)

    def decode(self, ids) -> list:
        """Symbols of ``ids``."""
        symbols = self.symbols
        return [symbols[i] for i in np.asarray(ids).tolist()]
