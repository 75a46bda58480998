"""Grapheme-to-phoneme conversion: the CMU Pronouncing Dictionary."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._base import _check_count, _load_descr, _read_text

_STRIP_STRESS = str.maketrans("", "", "012")


def load_cmudict(
    *,
    n_words: int | None = None,
    stress: bool = False,
    shuffle: bool = False,
    random_state: int | np.random.RandomState | None = 0,
    return_X_y: bool = False,
) -> Bunch | tuple[list[str], list[list[str]]]:
    """Load the CMU Pronouncing Dictionary: spellings and their phonemes.

    126,052 English words and names with their first (primary) pronunciation in
    ARPAbet phonemes, a real sequence-to-sequence task (grapheme to phoneme):
    the input and output sequences are not aligned and differ in length. The
    dictionary's alternate pronunciations (entries such as ``"read(2)"``) are
    not targets; the Bunch lists them in ``pronunciations``, for scoring a
    prediction against every pronunciation of a word. Comments are left out.

    =================  ============================================
    Samples            126,052 words
    Input              lower-case spelling, 1 to 28 characters of
                       ``a-z``, ``'``, ``-`` and ``.``
    Output             1 to 28 phonemes; 39 symbols without stress,
                       69 with stress
    =================  ============================================

    Read more in the DESCR text, ``load_cmudict().DESCR``.

    Parameters
    ----------
    n_words : int, default=None
        Return only the first ``n_words`` entries (after shuffling, if
        ``shuffle``); all of them if None.

    stress : bool, default=False
        If True, vowels keep their lexical stress digit (``"AH0"``, ``"EY1"``,
        ``"OW2"``: no, primary, secondary stress); if False the digits are
        removed, leaving the 39 ARPAbet phonemes.

    shuffle : bool, default=False
        If False, entries come in dictionary order (alphabetical), so the first
        ``n_words`` all start with the same few letters. If True they are
        shuffled first, which is what you want with ``n_words``.

    random_state : int, RandomState instance or None, default=0
        Seed of the shuffle when ``shuffle`` is True; ignored otherwise.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str
            The spellings, lower case.
        target : list of list of str
            The phonemes of each spelling: its first (primary) pronunciation.
        pronunciations : list of list of list of str
            Every distinct pronunciation of each spelling, the primary one
            (``target[i]``) first, then the dictionary's alternates in their
            order: 8,175 words have more than one without stress (alternates
            that differ only in stress are merged), 8,445 with stress. Shuffled
            and cut with ``data`` and ``target``; not returned with
            ``return_X_y``.
        target_names : ndarray of str
            The sorted phoneme symbols of the whole dictionary: 39, or 69 with
            ``stress=True``.
        DESCR : str
            Description of the data set: source, license.

    (data, target) : tuple if ``return_X_y`` is True
        A list of str and a list of lists of str.

    Examples
    --------
    >>> from skrnn.datasets import load_cmudict
    >>> cmu = load_cmudict()
    >>> len(cmu.data), len(cmu.target_names)
    (126052, 39)
    >>> i = cmu.data.index("python")
    >>> cmu.target[i]
    ['P', 'AY', 'TH', 'AA', 'N']
    >>> cmu.pronunciations[cmu.data.index("read")]
    [['R', 'EH', 'D'], ['R', 'IY', 'D']]
    >>> X, y = load_cmudict(n_words=1000, stress=True, shuffle=True, return_X_y=True)
    >>> len(X), len(y)
    (1000, 1000)
    """
    n_words = _check_count(n_words, "n_words")
    if not isinstance(stress, (bool, np.bool_)):
        raise ValueError(f"stress must be True or False; got {stress!r}.")

    text = _read_text("cmudict.txt.xz")
    if not stress:
        text = text.translate(_STRIP_STRESS)  # spellings hold no digits
    words: list[str] = []
    phonemes: list[list[str]] = []
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        words.append(word)
        phonemes.append(phones.split(" "))
    # phoneme symbols are the upper-case tokens (spellings are lower case)
    target_names = np.array(sorted({t for t in set(text.split()) if t.isupper()}))

    if shuffle:
        order = check_random_state(random_state).permutation(len(words))
        words = [words[i] for i in order]
        phonemes = [phonemes[i] for i in order]
    if n_words is not None:
        words, phonemes = words[:n_words], phonemes[:n_words]
    if return_X_y:
        return words, phonemes
    return Bunch(
        data=words,
        target=phonemes,
        pronunciations=_pronunciations(words, phonemes, stress),
        target_names=target_names,
        DESCR=_load_descr("cmudict.rst"),
    )


def _pronunciations(
    words: list[str], phonemes: list[list[str]], stress: bool
) -> list[list[list[str]]]:
    """Each word's distinct pronunciations: ``phonemes[i]`` first, then the
    shipped alternates (``cmudict-alternates.txt.xz``) in dictionary order."""
    text = _read_text("cmudict-alternates.txt.xz")
    if not stress:
        text = text.translate(_STRIP_STRESS)
    alternates: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        word, _, phones = line.partition(" ")
        alternates.setdefault(word, []).append(phones.split(" "))
    out = []
    for word, primary in zip(words, phonemes, strict=True):
        variants = [list(primary)]
        for alternate in alternates.get(word, ()):
            if alternate not in variants:
                variants.append(alternate)
        out.append(variants)
    return out
