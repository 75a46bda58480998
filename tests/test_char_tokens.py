"""Character-aware tokens: the C2W encoder against PyTorch and central
differences, the learning it buys for unseen words, word dropout's rate,
pickling and partial_fit."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skrnn import RNNClassifier, RNNSequenceTagger
from skrnn import _network as N
from skrnn._input import check_sequences
from skrnn._losses import step_mask
from skrnn._vocabulary import Vocabulary

from .conftest import requires_torch

pytestmark = pytest.mark.usefixtures("quiet_convergence")


SENTENCES = [
    ["the", "cat", "sat"],
    ["a", "dog", "ran", "far", "away"],
    ["cats", "sat"],
    ["the", "the", "dogs"],
]


def _case(cell, bidirectional, seed=0, num_layers=1):
    rng = np.random.default_rng(seed)
    checked = check_sequences(SENTENCES, name="T", dtype=float)
    words = Vocabulary.fit(checked.tokens, min_frequency=2)  # some unknown words
    from skrnn._input import _spellings

    chars = Vocabulary.fit(_spellings(checked.tokens))
    tokens = words.encode_types(checked.tokens, chars)
    arch = N.Architecture(
        cell,
        3,
        4,
        n_embeddings=len(words),
        embedding_dim=3,
        num_layers=num_layers,
        bidirectional=bidirectional,
        readout="sequence",
        dtype=np.float64,
        n_chars=len(chars),
        char_embedding_dim=2,
        char_hidden_size=2,
    )
    params = N.init_params(arch, rng)
    for k in params:
        params[k] = params[k] * 1.5
    X, lengths = tokens.pad()
    weights = rng.standard_normal((X.shape[0], X.shape[1], 4))
    weights *= step_mask(lengths, X.shape[0])[:, :, None]
    return arch, params, X, lengths, weights, tokens


def test_each_spelling_of_a_batch_is_read_once():
    _, _, X, lengths, _, tokens = _case("lstm", False)
    n_distinct = len({tok for s in SENTENCES for tok in s})
    assert X.chars.shape[1] == n_distinct == len(tokens.type_chars)
    spellings = sorted({tok for s in SENTENCES for tok in s})  # the types' order
    assert X.char_lengths.tolist() == [len(t) for t in spellings]
    # "the" occurs three times but has one spelling entry
    the = [
        X.types[t, b]
        for b, s in enumerate(SENTENCES)
        for t, w in enumerate(s)
        if w == "the"
    ]
    assert len(set(the)) == 1 and len(the) == 3


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_gradients_through_the_character_encoder(cell, bidirectional):
    arch, params, X, lengths, weights, _ = _case(cell, bidirectional, seed=1)

    def loss():
        out, _ = N.forward(params, arch, X, lengths)
        return float(np.sum(out * weights))

    out, cache = N.forward(params, arch, X, lengths)
    grads = N.backward(params, arch, weights, cache)
    for name in [k for k in params if k.startswith(("chars.", "embedding."))]:
        p = params[name]
        num = np.zeros_like(p)
        for i in range(p.size):
            old = p.flat[i]
            p.flat[i] = old + 1e-6
            plus = loss()
            p.flat[i] = old - 1e-6
            minus = loss()
            p.flat[i] = old
            num.flat[i] = (plus - minus) / 2e-6
        err = np.linalg.norm(grads[name] - num) / max(
            np.linalg.norm(grads[name]) + np.linalg.norm(num), 1e-7
        )
        assert err < 1e-6, f"{cell} bi={bidirectional}: {name} rel err {err:.2e}"
    # sparse (training) gradients are the dense ones on the rows used
    out, cache = N.forward(params, arch, X, lengths)
    sparse = N.backward(params, arch, weights, cache, sparse_embedding=True)
    for name in ("embedding.weight", "chars.embedding.weight"):
        assert_allclose(
            sparse[name].toarray(params[name].shape), grads[name], atol=1e-12
        )


@requires_torch
@pytest.mark.reference
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_character_encoder_matches_torch(cell, num_layers):
    import torch
    from torch import nn

    from ._reference import TORCH_RNN

    arch, params, X, lengths, weights, tokens = _case(
        cell, True, seed=2, num_layers=num_layers
    )
    out, cache = N.forward(params, arch, X, lengths)
    grads = N.backward(params, arch, weights, cache)

    class C2WTagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(arch.n_embeddings, 3)
            self.chars = nn.Module()
            self.chars.embedding = nn.Embedding(arch.n_chars, 2)
            self.chars.rnn = TORCH_RNN[cell](2, 2, bidirectional=True)
            self.rnn = TORCH_RNN[cell](7, 3, num_layers=num_layers, bidirectional=True)
            self.output = nn.Linear(6, 4)

        def forward(self):
            # every token spelled on its own: no sharing between positions
            T, B = X.words.shape
            vecs = []
            for t in range(T):
                row = []
                for b in range(B):
                    c = X.chars[: X.char_lengths[X.types[t, b]], X.types[t, b]]
                    e = self.chars.embedding(torch.as_tensor(c))[:, None]
                    _, h = self.chars.rnn(e)
                    h = h[0] if cell == "lstm" else h
                    spelled = torch.cat([h[0, 0], h[1, 0]])
                    word = self.embedding(torch.as_tensor(X.words[t, b]))
                    row.append(torch.cat([word, spelled]))
                vecs.append(torch.stack(row))
            x = torch.stack(vecs)
            packed = nn.utils.rnn.pack_padded_sequence(
                x, torch.as_tensor(lengths), enforce_sorted=False
            )
            y, _ = self.rnn(packed)
            y, _ = nn.utils.rnn.pad_packed_sequence(y, total_length=T)
            mask = torch.as_tensor(step_mask(lengths, T))[:, :, None]
            return self.output(y) * mask

    net = C2WTagger().double()
    net.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    ref = net()
    assert_allclose(out, ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    (ref * torch.tensor(weights)).sum().backward()
    for name, p in net.named_parameters():
        assert_allclose(
            grads[name], p.grad.numpy(), rtol=1e-9, atol=1e-10, err_msg=name
        )


# ----------------------------------------------------------------------------
# learning, word dropout, estimator contract
# ----------------------------------------------------------------------------


def _suffix_task(seed=0):
    """The tag is decided by the word's suffix; the test words are all unseen."""
    rng = np.random.default_rng(seed)
    stems = {
        "".join(rng.choice(list("bcdfgklmnprst"), 3)) + rng.choice(list("aeiou"))
        for _ in range(400)
    }
    stems = sorted(stems)
    suffixes = [("ing", "VERB"), ("ness", "NOUN"), ("ly", "ADV")]

    def make(pool, n):
        X, y = [], []
        for _ in range(n):
            picks = [(rng.choice(pool), suffixes[rng.integers(3)]) for _ in range(4)]
            X.append([s + suf for s, (suf, _) in picks])
            y.append([tag for _, (_, tag) in picks])
        return X, y

    return make(stems[:200], 300), make(stems[200:], 100)


def test_characters_tag_unseen_words_that_word_embeddings_cannot():
    (X, y), (X_new, y_new) = _suffix_task()
    assert not {w for s in X_new for w in s} & {w for s in X for w in s}
    params = dict(hidden_size=16, max_iter=25, learning_rate_init=0.01, random_state=0)
    words_only = RNNSequenceTagger(**params).fit(X, y)
    with_chars = RNNSequenceTagger(**params, char_hidden_size=16).fit(X, y)
    assert words_only.score(X_new, y_new) < 0.5  # three tags: near chance
    assert with_chars.score(X_new, y_new) >= 0.98
    assert "chars.rnn.weight_ih_l0_reverse" in with_chars.coefs_
    assert set(with_chars.char_vocabulary_) >= set("ingesly")


def test_word_dropout_rate_follows_the_frequency_rule():
    X = [["a"] * 9 + ["b"] * 3 + ["c"]] * 40  # counts 360, 120, 40
    clf = RNNClassifier(hidden_size=2, max_iter=1, random_state=0, word_dropout=2.0)
    clf.fit(X, [0, 1] * 20)
    ids = np.array([[clf.vocabulary_[w] for w in X[0]]] * 4000).T
    dropped = clf._drop_words(ids) == 0
    for w, count in (("a", 360), ("b", 120), ("c", 40)):
        rate = dropped[ids == clf.vocabulary_[w]].mean()
        assert abs(rate - 2.0 / (2.0 + count)) < 0.2 * 2.0 / (2.0 + count) + 0.002, w
    clf.set_params(word_dropout=0.0)
    assert not np.any(clf._drop_words(ids) == 0)


def test_word_dropout_keeps_the_spelling():
    (X, y), _ = _suffix_task(1)
    tagger = RNNSequenceTagger(
        hidden_size=4, max_iter=1, char_hidden_size=3, word_dropout=1e6, random_state=0
    ).fit(X, y)
    batch, _ = tagger._validate_input(X[:5], reset=False, dtype=np.float32)[0].pad()
    dropped = tagger._drop_words(batch)
    assert np.all(dropped.words == 0)  # every word dropped...
    assert np.array_equal(dropped.types, batch.types)  # ...but still spelled
    assert np.array_equal(dropped.chars, batch.chars)


def test_char_aware_model_pickles_and_trains_on():
    (X, y), (X_new, _) = _suffix_task(2)
    tagger = RNNSequenceTagger(
        hidden_size=6, max_iter=2, char_hidden_size=4, word_dropout=0.25, random_state=0
    ).fit(X, y)
    clone = pickle.loads(pickle.dumps(tagger))
    for a, b in zip(
        tagger.predict_proba(X_new), clone.predict_proba(X_new), strict=True
    ):
        assert np.array_equal(a, b)
    tagger.partial_fit(X[:50], y[:50])
    clone.partial_fit(X[:50], y[:50])
    for k in tagger.coefs_:
        assert np.array_equal(tagger.coefs_[k], clone.coefs_[k]), k
    assert tagger.n_iter_ == 3


def test_char_aware_needs_token_lists():
    with pytest.raises(ValueError, match="needs token sequences"):
        RNNClassifier(char_hidden_size=4).fit(["abc", "de"], [0, 1])
    with pytest.raises(ValueError, match="needs token sequences"):
        RNNClassifier(char_hidden_size=4).fit(np.ones((2, 3)), [0, 1])


def test_embedding_init_starts_the_known_rows_from_the_given_vectors():
    X = [["good", "film"], ["bad", "plot"], ["good", "plot"], ["odd", "film"]] * 3
    y = [1, 0, 1, 0] * 3
    vectors = {"good": np.full(4, 0.5), "bad": -np.ones(4), "absent": np.ones(4)}
    clf = RNNClassifier(
        hidden_size=3,
        embedding_dim=4,
        embedding_init=vectors,
        solver="sgd",
        learning_rate_init=1e-12,
        momentum=0.0,
        alpha=0.0,
        max_iter=1,
        random_state=0,
    ).fit(X, y)
    E = clf.coefs_["embedding.weight"]
    assert_allclose(E[clf.vocabulary_["good"]], 0.5, atol=1e-9)
    assert_allclose(E[clf.vocabulary_["bad"]], -1.0, atol=1e-9)
    other = RNNClassifier(hidden_size=3, embedding_dim=4, max_iter=1, random_state=0)
    other.fit(X, y)
    assert not np.allclose(
        other.coefs_["embedding.weight"][clf.vocabulary_["good"]], 0.5
    )
    with pytest.raises(ValueError, match=r"embedding_init\['good'\] has 3 values"):
        RNNClassifier(embedding_dim=4, embedding_init={"good": np.ones(3)}).fit(X, y)
    with pytest.raises(ValueError, match="numeric sequences"):
        RNNClassifier(embedding_init={"a": [1.0]}).fit(np.ones((4, 3)), [0, 1, 0, 1])


# ----------------------------------------------------------------------------
# the encoder-decoder's and the language model's token inputs
# ----------------------------------------------------------------------------


def test_encoder_decoder_gradients_through_the_character_encoder():
    from skrnn import _seq2seq as S

    _, _, X, lengths, _, tokens = _case("gru", True, seed=3)
    rng = np.random.default_rng(4)
    model = S.Seq2Seq(
        cell="gru",
        hidden_size=3,
        n_outputs=5,
        n_embeddings=int(X.words.max()) + 1,
        embedding_dim=3,
        bidirectional=True,
        attention="general",
        dtype=np.float64,
        n_chars=int(X.chars.max()) + 1,
        char_embedding_dim=2,
        char_hidden_size=2,
    )
    params = model.init_params(rng)
    B = X.shape[1]
    out_lengths = rng.integers(1, 4, size=B)
    dec_in = rng.integers(0, 5, size=(3, B))
    w = rng.standard_normal((3, B, 5)) * step_mask(out_lengths, 3)[:, :, None]

    def loss():
        logits, _, _ = S.forward(params, model, X, lengths, dec_in, out_lengths)
        return float(np.sum(logits * w))

    _, _, cache = S.forward(params, model, X, lengths, dec_in, out_lengths)
    grads = S.backward(params, model, w, cache)
    assert any(k.startswith("encoder.chars.rnn.") for k in params)
    for name in [k for k in params if k.startswith("encoder.")]:
        p = params[name]
        num = np.zeros_like(p)
        for i in range(p.size):
            old = p.flat[i]
            p.flat[i] = old + 1e-6
            plus = loss()
            p.flat[i] = old - 1e-6
            minus = loss()
            p.flat[i] = old
            num.flat[i] = (plus - minus) / 2e-6
        err = np.linalg.norm(grads[name] - num) / max(
            np.linalg.norm(grads[name]) + np.linalg.norm(num), 1e-7
        )
        assert err < 1e-6, f"{name} rel err {err:.2e}"


def test_encoder_decoder_reads_unseen_words_by_their_spelling():
    """Output: the suffix class of each input word; the test words are unseen."""
    from skrnn import RNNEncoderDecoder

    (X, y), (X_new, y_new) = _suffix_task(3)
    from skrnn.metrics import token_error_rate

    params = dict(
        hidden_size=16,
        bidirectional=True,
        max_iter=25,
        learning_rate_init=0.01,
        random_state=0,
    )
    words_only = RNNEncoderDecoder(**params).fit(X, y)
    with_chars = RNNEncoderDecoder(**params, char_hidden_size=16).fit(X, y)
    # measured: exact outputs 0.0 and 0.97, tag error rates 0.705 and 0.015
    assert words_only.score(X_new, y_new) < 0.1
    assert token_error_rate(y_new, words_only.predict(X_new)) > 0.5
    assert with_chars.score(X_new, y_new) >= 0.9
    assert token_error_rate(y_new, with_chars.predict(X_new)) < 0.05
    assert "encoder.chars.embedding.weight" in with_chars.coefs_


def test_batches_of_empty_tokens_only():
    """A tokenizer that splits on single spaces makes "" tokens; a batch whose
    tokens are all "" is read (its spelling vector is the initial state)."""
    X = [["cat", "dog"], ["a", "dog"]] * 5
    clf = RNNClassifier(hidden_size=4, char_hidden_size=3, max_iter=1).fit(
        X, [0, 1] * 5
    )
    assert clf.predict_proba([[""]]).shape == (1, 2)
    clf = RNNClassifier(char_hidden_size=3, batch_size=1, max_iter=1, random_state=0)
    clf.fit([[""], ["a"]] * 3, [0, 1] * 3)
    assert np.isfinite(clf.predict_proba([[""], ["", ""]])).all()
    tagger = RNNSequenceTagger(hidden_size=4, char_hidden_size=3, max_iter=1)
    tagger.fit([["a", "b"], ["c"]] * 3, [["X", "Y"], ["X"]] * 3)
    assert len(tagger.predict([["", ""]])[0]) == 2


def test_fitted_model_reads_input_as_fitted_whatever_char_hidden_size_says():
    X = [["cat", "dog"], ["a", "dog"]] * 5
    y = [0, 1] * 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = RNNClassifier(hidden_size=4, char_hidden_size=3, max_iter=1).fit(X, y)
        expected = clf.predict_proba(X)
        clf.set_params(char_hidden_size=None)
        assert_allclose(clf.predict_proba(X), expected)
        plain = RNNClassifier(hidden_size=4, max_iter=1).fit(X, y)
        expected = plain.predict_proba(X)
        plain.set_params(char_hidden_size=3)
        assert_allclose(plain.predict_proba(X), expected)
        with pytest.raises(ValueError, match="char_hidden_size changed"):
            plain.set_params(warm_start=True).fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_very_long_spellings_are_read_apart_with_the_same_results(sparse):
    """A 300-character token beside short words: read in buckets of their own
    (no padding of every word to 300 steps), with the vectors and gradients of
    reading everything at once."""
    from skrnn import _layers

    rng = np.random.default_rng(0)
    enc = _layers.CharEncoder(n_chars=6, char_dim=3, hidden_size=4, cell="lstm")
    params = enc.init_params(rng, np.float64)
    lengths = np.r_[rng.integers(0, 6, 60), 300, 70, 0]
    chars = np.zeros((300, len(lengths)), dtype=np.intp)
    for j, n in enumerate(lengths):
        chars[:n, j] = rng.integers(1, 6, n)
    assert len(_layers._spelling_buckets(lengths)) == 3
    out, cache = enc.forward(params, chars, lengths)
    d_out = rng.standard_normal(out.shape)
    grads = enc.backward(params, cache, d_out, sparse=sparse)
    # the same, read at once
    x = enc.embedding.forward(params, chars)
    _, finals, whole = enc.stack.forward(params, x, lengths)
    assert_allclose(out, np.concatenate([finals[0].h, finals[1].h], 1), rtol=1e-12)
    from skrnn._stack import State

    H = enc.hidden_size
    dx, _, expected = enc.stack.backward(
        params, whole, None, [State(d_out[:, :H], None), State(d_out[:, H:], None)]
    )
    mask = np.arange(300)[:, None] < lengths[None, :]
    expected.update(enc.embedding.backward(params, chars, dx, mask))
    for key, value in expected.items():
        g = grads[key]
        if sparse and key == enc.embedding.key:
            g = g.toarray(value.shape)
        assert_allclose(g, value, rtol=1e-10, atol=1e-12, err_msg=key)
