"""Character-aware word language models (``char_hidden_size`` on
RNNLanguageModel): log-likelihoods and training-window gradients against a
PyTorch C2W language model, central differences through the character encoder,
each spelling read once (per window, per inference batch, per sampling call),
pickling and partial_fit, and the error for character input."""

import io
import pickle

import joblib
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

import skrnn._language_model as lm_module
from skrnn import RNNLanguageModel, _cells
from skrnn._layers import CharEncoder
from skrnn._lm_network import LanguageNetwork
from skrnn._losses import masked_loss
from skrnn._ragged import Ragged, parallel_streams, token_batch

from .conftest import requires_torch
from .test_language_model import _cut_by_hand, _numeric_grad

CELLS = list(_cells.CELLS)

DOCS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["a", "dog", "sat"],
    ["hello", "world", ",", "said", "the", "cat", "to", "the", "dog"],
]

#: Unseen words ("zebra", "cats"), an unseen character ("z"), a literal end
#: marker, and a document longer than a training window.
TEST = [
    ["the", "zebra", "sat", "on", "the", "cats"],
    ["a"],
    ["the", "<eos>", "dog"],
    DOCS[2] * 3,
]


pytestmark = pytest.mark.usefixtures("quiet_convergence")


def _small(**kw):
    params = dict(
        hidden_size=5,
        embedding_dim=4,
        char_hidden_size=3,
        char_embedding_dim=2,
        bptt_steps=5,
        batch_size=3,
        max_iter=2,
        learning_rate_init=0.05,
        dtype="float64",
        random_state=0,
    )
    params.update(kw)
    return RNNLanguageModel(**params)


def _ids(lm, doc):
    """Token ids by hand; a token spelled like a marker is that marker."""
    markers = {"<unk>": 0, "<eos>": 1}
    return [markers.get(tok, lm.vocabulary_.get(tok, 0)) for tok in doc]


def _spell(lm, token):
    """Character ids of a token, looked up by hand: the end marker (however it
    comes) is its own character after the character vocabulary's."""
    if lm.vocabulary_.get(token) == 1 or token == "<eos>":
        return [len(lm.char_vocabulary_) + 1]
    return [lm.char_vocabulary_.get(c, 0) for c in token]


# ----------------------------------------------------------------------------
# PyTorch reference
# ----------------------------------------------------------------------------


def _torch_char_lm(params, cell, num_layers):
    """nn.Embedding + a bidirectional C2W character encoder + nn.RNN/LSTM/GRU +
    nn.Linear, named as skrnn names them and loaded from ``params``."""
    import torch
    from torch import nn

    from ._reference import TORCH_RNN

    n_tokens, E = params["embedding.weight"].shape
    n_chars, C = params["chars.embedding.weight"].shape
    Hc = params["chars.rnn.weight_hh_l0"].shape[1]
    H = params["output.weight"].shape[1]

    class CharLM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(n_tokens, E)
            self.chars = nn.Module()
            self.chars.embedding = nn.Embedding(n_chars, C)
            self.chars.rnn = TORCH_RNN[cell](C, Hc, bidirectional=True)
            self.rnn = TORCH_RNN[cell](E + 2 * Hc, H, num_layers=num_layers)
            self.output = nn.Linear(H, n_tokens)

        def embed(self, ids, spellings):
            """Input vectors (T, B, E + 2 Hc): every position spelled on its
            own (no sharing between positions)."""
            rows = []
            for id_row, spelling_row in zip(ids, spellings, strict=True):
                row = []
                for i, chars in zip(id_row, spelling_row, strict=True):
                    e = self.chars.embedding(torch.as_tensor(chars))[:, None]
                    _, h = self.chars.rnn(e)
                    h = h[0] if cell == "lstm" else h
                    word = self.embedding(torch.as_tensor(i))
                    row.append(torch.cat([word, h[0, 0], h[1, 0]]))
                rows.append(torch.stack(row))
            return torch.stack(rows)

        def forward(self, x, state=None):
            top, state = self.rnn(x, state)
            return self.output(top), state, top

    net = CharLM().double()
    net.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    return net


def _torch_read(net, lm, doc):
    """PyTorch's logits, top-layer states and log-likelihood of one document
    read after ``<eos>`` from the zero state."""
    import torch

    tokens = ["<eos>", *doc]
    ids = [[i] for i in [1, *_ids(lm, doc)]]
    x = net.embed(ids, [[_spell(lm, t)] for t in tokens])
    logits, _, top = net(x)
    logp = torch.log_softmax(logits[:, 0], dim=1)
    targets = torch.tensor([*_ids(lm, doc), 1])
    return logits[:, 0], top[:, 0], logp[torch.arange(len(targets)), targets].sum()


@requires_torch
@pytest.mark.reference
@pytest.mark.parametrize(
    "cell, num_layers", [("rnn", 1), ("lstm", 1), ("gru", 1), ("lstm", 2)]
)
def test_log_likelihoods_equal_torch(cell, num_layers, monkeypatch):
    import torch

    lm = _small(cell=cell, num_layers=num_layers, min_frequency=2).fit(DOCS)
    assert lm.vocabulary_.get("mat") is None  # a training word read as <unk>
    net = _torch_char_lm(lm.coefs_, cell, num_layers)
    with torch.no_grad():
        reads = [_torch_read(net, lm, doc) for doc in TEST]
    expected = [float(r[2]) for r in reads]
    assert_allclose(lm.score_samples(TEST), expected, rtol=1e-10, atol=1e-8)
    n_tokens = sum(len(d) + 1 for d in TEST)
    assert_allclose(lm.score(TEST), sum(expected) / n_tokens, rtol=1e-10)
    for doc, h, (_, top, _) in zip(TEST, lm.hidden_states(TEST), reads, strict=True):
        assert h.shape == (len(doc), 5)
        assert_allclose(h, top[1:].numpy(), rtol=1e-10, atol=1e-12)
    # skrnn reading in pieces of 3 steps, the spellings read once per batch
    monkeypatch.setattr(lm_module, "_PREDICT_LOGITS", 1)
    monkeypatch.setattr(lm_module, "_MIN_PIECE", 3)
    assert_allclose(lm.score_samples(TEST), expected, rtol=1e-10, atol=1e-8)

    prefixes = [[], ["the", "zebra"], ["<eos>"], DOCS[2]]
    with torch.no_grad():
        for prefix, proba, state in zip(
            prefixes, lm.predict_proba(prefixes), lm.transform(prefixes), strict=True
        ):
            logits, top, _ = _torch_read(net, lm, prefix)
            assert_allclose(proba, torch.softmax(logits[-1], 0), rtol=1e-10)
            assert_allclose(state, top[-1], rtol=1e-10, atol=1e-12)


@requires_torch
@pytest.mark.reference
@pytest.mark.parametrize("cell", CELLS)
def test_training_window_gradients_equal_torch(cell):
    """The gradients of the first two windows of an epoch (the second from the
    state the first ended in, held constant), every parameter included."""
    import torch
    from torch import nn

    lm = _small(cell=cell, shuffle=False, max_iter=1, min_frequency=2).fit(DOCS)
    batches = lm._train_batches(lm._documents(DOCS, reset=False))
    # the stream by hand, as tokens: <eos> d_1 <eos> d_2 <eos> d_3 <eos>
    stream = ["<eos>"]
    for doc in DOCS:
        stream += [*doc, "<eos>"]
    ids = _ids(lm, stream)
    S = batches[0][0].inputs.shape[1]
    inputs, targets, lengths = _cut_by_hand(ids, S)
    where, _, _ = _cut_by_hand(list(range(len(stream))), S)
    assert_array_equal(batches[0][0].inputs, inputs)

    net = _torch_char_lm(lm.coefs_, cell, 1)
    state = None
    for batch in batches[:2]:
        _, start, stop = batch
        ours = lm._batch_gradients(lm.coefs_, batch)
        x_ids = inputs[start:stop].tolist()
        spellings = [[_spell(lm, stream[w]) for w in row] for row in where[start:stop]]
        net.zero_grad()
        x = net.embed(x_ids, spellings)
        logits, new_state, _ = net(x, state)
        real = torch.as_tensor(
            np.arange(start, stop)[:, None] < lengths[None, :], dtype=torch.float64
        )
        nll = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            torch.as_tensor(targets[start:stop]).reshape(-1),
            reduction="none",
        )
        loss = (nll * real.reshape(-1)).sum() / real.sum()
        loss.backward()
        assert_allclose(ours.loss, loss.item(), rtol=1e-10)
        for name, p in net.named_parameters():
            assert_allclose(
                ours.grads[name], p.grad.numpy(), rtol=1e-8, atol=1e-10, err_msg=name
            )
        assert any(k.startswith("chars.rnn.") for k in ours.grads)
        # the next window starts from this one's state, its gradient cut
        if cell == "lstm":
            state = tuple(s.detach() for s in new_state)
        else:
            state = new_state.detach()


# ----------------------------------------------------------------------------
# central differences
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_window_gradient_through_the_character_encoder(cell):
    """A window after a carried state, its inputs spelled (the distinct types of
    the window once each): the analytic gradients of the character encoder,
    the word embedding and the recurrent weights equal central differences."""
    rng = np.random.default_rng(3)
    net = LanguageNetwork(
        cell,
        7,
        3,
        4,
        dtype=np.float64,
        n_chars=5,
        char_embedding_dim=2,
        char_hidden_size=2,
    )
    params = {k: 1.5 * v for k, v in net.init_params(rng).items()}
    # 9 types of 1 to 3 characters; token id t is spelled as type t % 9
    spellings = Ragged.from_list(
        [rng.integers(0, 5, size=rng.integers(1, 4)) for _ in range(9)]
    )
    stream = rng.integers(0, 7, size=14)
    words, targets, lengths = parallel_streams(stream, 2)
    types, _, _ = parallel_streams((stream * 5) % 9, 2)
    k = 3  # windows [0, 3) and [3, 6); streams of 7 and 6 positions

    def window(start, init, p):
        part = np.clip(lengths - start, 0, k)
        stop = start + k
        X = token_batch(words[start:stop], types[start:stop], part, spellings)
        logits, finals, cache = net.forward(p, X, part, init)
        loss, d = masked_loss("softmax", logits, targets[start:stop], part)
        return loss, d, finals, cache

    _, _, carried, _ = window(0, None, params)
    loss, d_logits, _, cache = window(k, carried, params)
    grads = net.backward(params, cache, d_logits)
    assert set(grads) == set(params)
    # what reads the joined input (the rest is checked without characters in
    # test_language_model.py, and every parameter against PyTorch above)
    names = [k for k in params if k.startswith(("chars.", "embedding.", "rnn.w"))]
    numeric = _numeric_grad(
        lambda: window(k, carried, params)[0], {n: params[n] for n in names}
    )
    for name in names:
        assert_allclose(grads[name], numeric[name], rtol=1e-6, atol=1e-8, err_msg=name)


# ----------------------------------------------------------------------------
# each spelling read once
# ----------------------------------------------------------------------------


def _count_spellings(monkeypatch):
    """Record the number of spellings each call of the character encoder reads."""
    read = []
    forward = CharEncoder.forward

    def counting(self, params, chars, lengths, **kw):
        read.append(chars.shape[1])
        return forward(self, params, chars, lengths, **kw)

    monkeypatch.setattr(CharEncoder, "forward", counting)
    return read


def test_each_window_reads_its_distinct_spellings_once(monkeypatch):
    read = _count_spellings(monkeypatch)
    lm = _small(shuffle=False, max_iter=1).fit(DOCS)
    stream = ["<eos>"]
    for doc in DOCS:
        stream += [*doc, "<eos>"]
    S = lm._train_batches(lm._documents(DOCS, reset=False))[0][0].inputs.shape[1]
    where, _, lengths = _cut_by_hand(list(range(len(stream))), S)
    expected = []
    for start in range(0, len(where), lm.bptt_steps):
        real = np.arange(start, start + lm.bptt_steps)[:, None] < lengths
        window = where[start : start + lm.bptt_steps]
        expected.append(len({stream[w] for w in window[real[: len(window)]]}))
    assert read == expected
    assert len(expected) > 1 and max(expected) < lm.bptt_steps * S

    # inference: once per batch of documents, however many pieces it is read in
    read.clear()
    monkeypatch.setattr(lm_module, "_PREDICT_LOGITS", 1)
    monkeypatch.setattr(lm_module, "_MIN_PIECE", 2)
    lm.score_samples(TEST)
    distinct = {t for doc in TEST for t in doc} | {"<eos>"}
    assert read == [len(distinct)]

    # sampling: the whole vocabulary once per call (and the prefix once)
    read.clear()
    lm.sample(4, max_length=20, random_state=0)
    assert read == [len(lm.classes_)]
    read.clear()
    lm.sample(4, prefix=["the", "zebra", "the"], max_length=20, random_state=0)
    assert read == [len(lm.classes_), 2]


# ----------------------------------------------------------------------------
# the estimator
# ----------------------------------------------------------------------------


def test_sampling_is_reproducible_and_follows_the_model():
    lm = _small(max_iter=5).fit(DOCS)
    a = lm.sample(5, max_length=8, random_state=0)
    assert a == lm.sample(5, max_length=8, random_state=0)
    assert a != lm.sample(5, max_length=8, random_state=1)
    words = set(lm.classes_[2:])
    assert all(isinstance(s, list) and set(s) <= words for s in a)
    # the vocabulary's spellings (sampling) and the documents' own (predict)
    # give the same distributions: a greedy continuation is predict's argmax
    prefix = ["the", "zebra"]
    greedy = lm.sample(prefix=prefix, max_length=4, temperature=1e-6, random_state=0)
    text = list(prefix)
    for token in greedy[0]:
        assert lm.predict([text])[0] == token
        text.append(token)


def test_pickling_mid_training_then_partial_fit():
    straight = _small(word_dropout=0.5)
    for _ in range(2):
        straight.partial_fit(DOCS)
    resumed = _small(word_dropout=0.5).partial_fit(DOCS)
    buffer = io.BytesIO()
    joblib.dump(resumed, buffer)
    buffer.seek(0)
    resumed = joblib.load(buffer)
    resumed.partial_fit(DOCS)
    resumed = pickle.loads(pickle.dumps(resumed))
    resumed.partial_fit(DOCS + [["an", "unseen", "zebra"]])  # read by spelling
    straight.partial_fit(DOCS + [["an", "unseen", "zebra"]])
    for name in straight.coefs_:
        assert_array_equal(resumed.coefs_[name], straight.coefs_[name])
    assert resumed.n_iter_ == straight.n_iter_ == 3
    assert resumed.sample(3, random_state=0) == straight.sample(3, random_state=0)
    assert_array_equal(resumed.score_samples(TEST), straight.score_samples(TEST))
    with pytest.raises(ValueError, match="char_hidden_size changed"):
        resumed.set_params(char_hidden_size=4).partial_fit(DOCS)


def test_parameters_weights_and_validation():
    lm = _small()
    assert clone(lm).get_params() == lm.get_params()
    assert RNNLanguageModel().get_params()["char_hidden_size"] is None
    assert RNNLanguageModel().get_params()["char_embedding_dim"] == 16
    lm.fit(DOCS)
    assert list(lm.coefs_)[:3] == [
        "embedding.weight",
        "chars.embedding.weight",
        "chars.rnn.weight_ih_l0",
    ]
    n_chars = len(lm.char_vocabulary_) + 2  # the unknown character and the marker
    assert lm.coefs_["chars.embedding.weight"].shape == (n_chars, 2)
    assert lm.coefs_["rnn.weight_ih_l0"].shape[1] == 4 + 2 * 3
    assert "RNNLanguageModel" in repr(lm) and "char_hidden_size=3" in repr(lm)
    # without char_hidden_size: no character encoder
    assert not any(
        k.startswith("chars.") for k in _small(char_hidden_size=None).fit(DOCS).coefs_
    )
    with pytest.raises(ValueError, match="char_hidden_size"):
        RNNLanguageModel(char_hidden_size=0).fit(DOCS)


def test_character_input_is_refused():
    for method in ("fit", "partial_fit"):
        with pytest.raises(ValueError, match="needs token sequences .* strings"):
            getattr(RNNLanguageModel(char_hidden_size=4), method)(["abc", "de"])


@pytest.mark.parametrize("docs", [DOCS * 4, [sum(DOCS, [])]])
def test_early_stopping_holds_out_spelled_documents(docs):
    """Whole documents, or the last tokens of too few documents."""
    lm = _small(early_stopping=True, validation_fraction=0.2, max_iter=3).fit(docs)
    assert len(lm.validation_scores_) == lm.n_iter_
    assert np.all(np.isfinite(lm.validation_scores_))


def test_an_empty_token_is_spelled_with_no_characters():
    """The rarest word, last in the vocabulary, is the empty string: sampling
    spells it (an empty spelling at the end of the vocabulary's) and scoring
    reads it."""
    docs = [["a", "b", "a"], ["b", "a", ""]]
    lm = _small(max_iter=2).fit(docs)
    assert lm.classes_[-1] == ""
    assert len(lm.sample(5, random_state=0)) == 5
    assert np.all(np.isfinite(lm.score_samples([[""], ["", "a"]])))
