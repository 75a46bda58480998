"""Part-of-speech tagging: a subset of the Brown corpus."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.utils import Bunch

from ._base import _check_count, _load_descr, _read_text

# The 12 tags of the universal part-of-speech tagset (Petrov, Das & McDonald, 2012).
_UNIVERSAL_TAGS = (
    "NOUN",
    "VERB",
    "ADJ",
    "ADV",
    "PRON",
    "DET",
    "ADP",
    "NUM",
    "CONJ",
    "PRT",
    ".",
    "X",
)

# The 15 genres of the Brown corpus, as named in its ``cats.txt``.
_BROWN_CATEGORIES = (
    "adventure",
    "belles_lettres",
    "editorial",
    "fiction",
    "government",
    "hobbies",
    "humor",
    "learned",
    "lore",
    "mystery",
    "news",
    "religion",
    "reviews",
    "romance",
    "science_fiction",
)

# Base Brown tag -> universal tag, written from the Brown Corpus Manual's tag
# definitions (Francis & Kucera, 1979). Choices that are not obvious follow how
# Petrov et al. map the Penn Treebank tag that covers the same words: subordinating
# conjunctions are ADP (PTB IN), existential "there" is DET (PTB EX), ordinals are
# ADJ (PTB JJ), interjections are X (PTB UH). Keep in step with the table in
# descr/brown_pos.rst (a test checks that they agree).
_BROWN_TO_UNIVERSAL = {
    # punctuation
    ".": ".",  # sentence closer . ; ? !
    ",": ".",  # comma
    ":": ".",  # colon
    "--": ".",  # dash
    "(": ".",  # left parenthesis
    ")": ".",  # right parenthesis
    "``": ".",  # opening quote
    "''": ".",  # closing quote
    "'": ".",  # single quote
    # negation
    "*": "ADV",  # not, n't
    # determiners and quantifiers
    "abl": "DET",  # pre-qualifier: quite, such, rather (as in "such a")
    "abn": "DET",  # pre-quantifier: all, half
    "abx": "DET",  # pre-quantifier / double conjunction: both
    "ap": "ADJ",  # post-determiner: many, several, next, other, last
    "ap$": "ADJ",  # possessive post-determiner: other's
    "at": "DET",  # article: a, the, no
    "dt": "DET",  # singular determiner: this, that, each
    "dt$": "DET",  # possessive singular determiner: another's
    "dti": "DET",  # singular or plural determiner: some, any
    "dts": "DET",  # plural determiner: these, those
    "dtx": "DET",  # determiner / double conjunction: either, neither
    "ex": "DET",  # existential there
    "wdt": "DET",  # wh-determiner: which, what
    # verbs: be, do, have, modals, lexical verbs
    "be": "VERB",  # be (infinitive, imperative)
    "bed": "VERB",  # were
    "bedz": "VERB",  # was
    "beg": "VERB",  # being
    "bem": "VERB",  # am
    "ben": "VERB",  # been
    "ber": "VERB",  # are, art
    "bez": "VERB",  # is
    "do": "VERB",  # do (present, imperative)
    "dod": "VERB",  # did
    "doz": "VERB",  # does
    "hv": "VERB",  # have (present, imperative)
    "hvd": "VERB",  # had (past tense)
    "hvg": "VERB",  # having
    "hvn": "VERB",  # had (past participle)
    "hvz": "VERB",  # has
    "md": "VERB",  # modal auxiliary: can, should, will
    "vb": "VERB",  # verb, base form
    "vbd": "VERB",  # verb, past tense
    "vbg": "VERB",  # verb, present participle, gerund
    "vbn": "VERB",  # verb, past participle
    "vbz": "VERB",  # verb, 3rd person singular present
    # conjunctions and adpositions
    "cc": "CONJ",  # coordinating conjunction: and, or
    "cs": "ADP",  # subordinating conjunction: if, that, as, because
    "in": "ADP",  # preposition
    # numbers
    "cd": "NUM",  # cardinal numeral: one, two, 2
    "cd$": "NUM",  # possessive cardinal numeral: 1960's
    "od": "ADJ",  # ordinal numeral: first, 2nd
    # adjectives
    "jj": "ADJ",  # adjective
    "jj$": "ADJ",  # possessive adjective
    "jjr": "ADJ",  # comparative adjective
    "jjs": "ADJ",  # semantically superlative adjective: chief, top
    "jjt": "ADJ",  # morphologically superlative adjective: biggest
    # nouns
    "nn": "NOUN",  # singular common noun
    "nn$": "NOUN",  # possessive singular common noun
    "nns": "NOUN",  # plural common noun
    "nns$": "NOUN",  # possessive plural common noun
    "np": "NOUN",  # singular proper noun
    "np$": "NOUN",  # possessive proper noun
    "nps": "NOUN",  # plural proper noun
    "nps$": "NOUN",  # possessive plural proper noun
    "nr": "NOUN",  # adverbial noun: home, today, west
    "nr$": "NOUN",  # possessive adverbial noun
    "nrs": "NOUN",  # plural adverbial noun
    # pronouns
    "pn": "PRON",  # nominal pronoun: everybody, nothing
    "pn$": "PRON",  # possessive nominal pronoun: one's
    "pp$": "PRON",  # possessive determiner: my, your, our
    "pp$$": "PRON",  # second possessive pronoun: mine, yours
    "ppl": "PRON",  # singular reflexive: myself
    "ppls": "PRON",  # plural reflexive: ourselves
    "ppo": "PRON",  # objective personal pronoun: me, him, it, them
    "pps": "PRON",  # 3rd person singular nominative: he, she, it
    "ppss": "PRON",  # other nominative: I, we, they, you
    "wp$": "PRON",  # possessive wh-pronoun: whose
    "wpo": "PRON",  # objective wh-pronoun: whom, which, that
    "wps": "PRON",  # nominative wh-pronoun: who, which, that
    # adverbs
    "ql": "ADV",  # qualifier: very, fairly
    "qlp": "ADV",  # post-qualifier: enough, indeed
    "rb": "ADV",  # adverb
    "rb$": "ADV",  # possessive adverb: else's
    "rbr": "ADV",  # comparative adverb
    "rbt": "ADV",  # superlative adverb
    "rn": "ADV",  # nominal adverb: here, then, indoors
    "wql": "ADV",  # wh-qualifier: how
    "wrb": "ADV",  # wh-adverb: how, where, when
    # particles
    "rp": "PRT",  # adverb / particle: about, off, up
    "to": "PRT",  # infinitive marker to
    # other
    "uh": "X",  # interjection
    "nil": "X",  # token left untagged in the corpus
}

_SUFFIXES = ("-tl", "-hl", "-nc")  # in a title, in a headline, cited word


def _brown_base_tag(tag: str) -> str:
    """Strip a raw Brown tag down to a key of ``_BROWN_TO_UNIVERSAL``.

    Lower-cases; keeps the first part of a ``+`` compound (``ppss+md`` -> ``ppss``,
    the tag of "I'll" follows its first word); drops the ``-tl``, ``-hl`` and ``-nc``
    suffixes in any number; drops the ``*`` that marks a negated form (``md*``,
    "can't", -> ``md``) but keeps the bare ``*`` of "not". Foreign words (``fw-``)
    are handled by the caller.
    """
    base = tag.lower().split("+", 1)[0]
    while len(base) > 3 and base.endswith(_SUFFIXES):
        base = base[:-3]
    if len(base) > 1 and base.endswith("*"):
        base = base[:-1]
    return base


def _brown_to_universal(tag: str) -> str:
    """Map one raw Brown tag to a universal tag; unknown tags raise ValueError."""
    if tag.lower().startswith("fw-"):
        return "X"  # foreign word, whatever its tag in the foreign language
    base = _brown_base_tag(tag)
    try:
        return _BROWN_TO_UNIVERSAL[base]
    except KeyError:
        raise ValueError(
            f"Brown tag {tag!r} (base {base!r}) has no universal tag."
        ) from None


def _read_brown() -> list[tuple[str, str, list[str], list[str]]]:
    """(id, category, words, raw tags) of every shipped sentence, in file order."""
    sentences = []
    for line in _read_text("brown_pos.tsv.xz").splitlines():
        fileid, index, category, tagged = line.split("\t")
        words, tags = zip(
            *(token.rsplit("/", 1) for token in tagged.split(" ")), strict=True
        )
        sentences.append((f"{fileid}:{index}", category, list(words), list(tags)))
    return sentences


def _check_categories(categories: str | Iterable[str] | None) -> set[str] | None:
    if categories is None:
        return None
    if isinstance(categories, str):
        categories = [categories]
    elif isinstance(categories, Iterable):
        categories = list(categories)
    if (
        not isinstance(categories, list)
        or not categories
        or any(c not in _BROWN_CATEGORIES for c in categories)
    ):
        choices = ", ".join(repr(c) for c in _BROWN_CATEGORIES)
        raise ValueError(
            f"categories must be None, one of {choices}, or a non-empty list of "
            f"them; got {categories!r}."
        )
    return set(categories)


def load_brown_pos(
    *,
    tagset: str = "universal",
    n_sentences: int | None = None,
    categories: str | Iterable[str] | None = None,
    return_X_y: bool = False,
) -> Bunch | tuple[list[list[str]], list[list[str]]]:
    """Load a 5,000-sentence subset of the Brown corpus for part-of-speech tagging.

    The sentences are drawn from all 15 genres of the Brown corpus in proportion to
    the genre's size, and shipped in a fixed random order, so the first
    ``n_sentences`` are a representative sample too. Each sentence is a list of
    tokens with one tag per token: the 12 universal tags (Petrov et al., 2012) by
    default, or the raw Brown tags.

    =================  ============================================
    Samples            5,000 sentences, 101,489 tokens
    Sequence length    1 to 145 tokens (mean 20.3)
    Classes            12 universal tags, or 255 raw Brown tags
    =================  ============================================

    Read more in the DESCR text, ``load_brown_pos().DESCR``, which gives the full
    mapping from Brown to universal tags.

    Parameters
    ----------
    tagset : {"universal", "brown"}, default="universal"
        ``"universal"`` maps each raw Brown tag to one of the 12 universal tags
        (NOUN, VERB, ADJ, ADV, PRON, DET, ADP, NUM, CONJ, PRT, ``.``, X);
        ``"brown"`` returns the raw tags, such as ``"nn-tl"`` or ``"ppss+md"``.

    n_sentences : int, default=None
        Return only the first ``n_sentences`` sentences (after filtering by
        ``categories``); all of them if None or if fewer are available.

    categories : str or list of str, default=None
        Keep only sentences from these genres; all 15 if None. The genres are
        "adventure", "belles_lettres", "editorial", "fiction", "government",
        "hobbies", "humor", "learned", "lore", "mystery", "news", "religion",
        "reviews", "romance" and "science_fiction".

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of list of str
            The tokens of each sentence.
        target : list of list of str
            The tag of each token: ``len(target[i]) == len(data[i])``.
        target_names : ndarray of str
            The tags that can occur: the 12 universal tags in the order above, or
            the sorted raw Brown tags of the returned sentences.
        categories : list of str
            The genre of each sentence.
        ids : list of str
            ``"<file>:<n>"``: the Brown file (``ca01`` ... ``cr09``) and the
            0-based position of the sentence in it.
        tagset : str
            The ``tagset`` argument.
        DESCR : str
            Description of the data set: source, license, citation, tag mapping.

    (data, target) : tuple if ``return_X_y`` is True
        Two lists of lists of str.

    Examples
    --------
    >>> from skrnn.datasets import load_brown_pos
    >>> brown = load_brown_pos()
    >>> len(brown.data), sum(len(s) for s in brown.target)
    (5000, 101489)
    >>> list(zip(brown.data[0][:4], brown.target[0][:4]))
    [('Like', 'ADP'), ('all', 'DET'), ('Russians', 'NOUN'), ('he', 'PRON')]
    >>> X, y = load_brown_pos(tagset="brown", categories="news", return_X_y=True)
    >>> len(X), list(zip(X[0][:3], y[0][:3]))
    (403, [('Advisors', 'nns'), ('for', 'in'), ('the', 'at')])
    """
    if tagset not in ("universal", "brown"):
        raise ValueError(f"tagset must be 'universal' or 'brown'; got {tagset!r}.")
    n_sentences = _check_count(n_sentences, "n_sentences")
    wanted = _check_categories(categories)

    sentences = _read_brown()
    if wanted is not None:
        sentences = [s for s in sentences if s[1] in wanted]
    sentences = sentences[:n_sentences]

    data = [words for _, _, words, _ in sentences]
    if tagset == "brown":
        target = [tags for _, _, _, tags in sentences]
        target_names = np.array(sorted({tag for tags in target for tag in tags}))
    else:
        cache: dict[str, str] = {}
        target = []
        for _, _, _, tags in sentences:
            for tag in tags:
                if tag not in cache:
                    cache[tag] = _brown_to_universal(tag)
            target.append([cache[tag] for tag in tags])
        target_names = np.array(_UNIVERSAL_TAGS)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=target_names,
        categories=[category for _, category, _, _ in sentences],
        ids=[sentence_id for sentence_id, _, _, _ in sentences],
        tagset=tagset,
        DESCR=_load_descr("brown_pos.rst"),
    )
