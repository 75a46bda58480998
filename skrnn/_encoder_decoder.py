"""RNNEncoderDecoder: sequence to sequence (many-to-many, unaligned) and
one-to-many generation, with attention."""

from __future__ import annotations

from dataclasses import replace
from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from . import _seq2seq
from ._base import (
    ATTRIBUTES_DOC,
    PARAMETERS_DOC,
    BaseRNN,
    BatchResult,
    set_params_of_init,
)
from ._cells import N_GATES
from ._layers import ATTENTION_KINDS
from ._losses import masked_loss
from ._ragged import Ragged, make_batches, prediction_batches, unpad
from ._targets import (
    SequenceList,
    encode_token_targets,
    token_targets,
    validate_token_targets,
)
from ._threads import SMALL_STEP, single_blas_thread
from ._vocabulary import END, START, UNKNOWN, Vocabulary

#: Largest number of (decoder rows x input steps) in one prediction batch; a
#: beam counts ``beam_width`` rows per sequence.
_PREDICT_CELLS = 1 << 16

#: Reserved output symbols, with ids 0, 1, 2.
_OUTPUT_SPECIALS = (UNKNOWN, END, START)


class _Samples(NamedTuple):
    """A training set: input sequences, target ids (no markers), weights."""

    X: Ragged
    targets: Ragged
    weights: np.ndarray


_ATTENTION_DOC = """attention : {"dot", "general", "additive"} or None, default="dot"
        How the decoder looks back at the encoder's outputs at every output
        step: Luong's dot product or bilinear ("general") score, Bahdanau's
        additive score, or no attention (the encoder's final states are all
        the decoder sees). See the Notes.
    """

_DECODING_DOC = """\
beam_width : int, default=1
        Hypotheses kept by :meth:`predict`: 1 decodes greedily, more runs a
        beam search that ranks hypotheses by their mean log-probability per
        emitted symbol. Used at prediction only.
    max_length : int or None, default=None
        Most symbols emitted per prediction, the end marker included: an output
        that has not ended after ``max_length`` symbols is cut there. None is
        twice the longest target seen in training."""

_ATTRIBUTES = ATTRIBUTES_DOC.replace(
    """(``"rnn.weight_ih_l0"``, ...,
        ``"embedding.weight"``, ``"output.weight"``, ``"output.bias"``).""",
    """with a prefix per part
        (``"encoder.rnn.weight_ih_l0"``, ``"decoder.embedding.weight"``, ...;
        see the Notes).""",
)
# the shared parameters, with attention after embedding_dim (the signature's order)
_PARAMETERS = PARAMETERS_DOC.replace("{pooling}", _ATTENTION_DOC).replace(
    "{class_weight}", ""
)
_PARAMETERS = _PARAMETERS.replace(
    """    bptt_steps : int or None, default=None
        Truncated back-propagation through time: gradients flow back at most
        this many steps from each loss position. None is full BPTT.
""",
    "",
)


class RNNEncoderDecoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseRNN):
    __doc__ = f"""Recurrent encoder–decoder with attention (sequence to sequence).

    Reads an input sequence with an encoder, then writes an output sequence of
    its own length with a decoder that looks back at the encoder's outputs
    (attention): many-to-many without alignment, such as spelling to
    pronunciation or date normalisation. On one-step inputs, a 3-D ``X`` of
    shape ``(n_samples, 1, n_features)``, it is a one-to-many model: a vector
    in, a generated sequence out.

    ``X`` takes any of the five input forms (a 2-D or 3-D array, a list of
    arrays, a list of strings, a list of token lists); ``y`` is a list of
    strings (the outputs are strings of characters) or a list of token lists
    (the outputs are token lists).

    Parameters
    ----------
    {_PARAMETERS}
    {_DECODING_DOC}

    Attributes
    ----------
    classes_ : ndarray of str of shape (n_output_symbols,)
        The output symbols by id: ``"<unk>"``, ``"<eos>"`` (end of a sequence),
        ``"<bos>"`` (start), then every token of the training targets by
        decreasing count.
    n_outputs_ : int
        Number of output symbols, ``len(classes_)``.
    {_ATTRIBUTES}

    See Also
    --------
    RNNSequenceTagger : One label per input step (aligned outputs).
    skrnn.metrics.token_error_rate : Phoneme, character or word error rate.
    skrnn.metrics.sequence_accuracy_score : Share of exactly right outputs.

    Notes
    -----
    **Encoder.** A stack of ``num_layers`` recurrent layers (optionally
    bidirectional) reads the input :math:`x_1, \\dots, x_T` (embedded by
    ``encoder.embedding.weight`` for tokens and characters); its top layer's
    outputs are the memory :math:`m_1, \\dots, m_T` of width
    :math:`E = H \\times` directions.

    **Bridge.** A unidirectional encoder's final states start the decoder
    directly, layer by layer. For a bidirectional encoder each layer's decoder
    state starts at :math:`h_0 = \\tanh(W_b [h_{{fwd}}; h_{{bwd}}] + b_b)`
    (``bridge.weight`` of shape (H, 2H), ``bridge.bias``), and an LSTM's cell
    state at :math:`c_0 = W_c [c_{{fwd}}; c_{{bwd}}] + b_c` (``bridge_cell.*``).

    **Decoder.** A unidirectional stack of the same cell reads the embedded
    previous symbol (``decoder.embedding.weight``): ``<bos>`` first, then, in
    training, the true target tokens (teacher forcing), so its top output
    :math:`s_t` depends on :math:`y_{{<t}}` and :math:`x`.

    **Attention.** With :math:`\\alpha_{{tj}} = \\exp(e_{{tj}}) / \\sum_k
    \\exp(e_{{tk}})` over the real input steps, the context is :math:`c_t =
    \\sum_j \\alpha_{{tj}} m_j` and the scores are

    - ``"dot"``: :math:`e_{{tj}} = s_t^\\top m_j`; with a bidirectional encoder
      :math:`e_{{tj}} = s_t^\\top (m_j^{{fwd}} + m_j^{{bwd}})` (no parameters);
    - ``"general"``: :math:`e_{{tj}} = s_t^\\top W m_j` (``attention.weight``,
      (H, E));
    - ``"additive"``: :math:`e_{{tj}} = v^\\top \\tanh(W_q s_t + b_q + W_k
      m_j)` (``attention.query.weight`` (H, H), ``attention.query.bias``,
      ``attention.key.weight`` (H, E), ``attention.v.weight`` (1, H)).

    **Output.** :math:`p(y_t \\mid y_{{<t}}, x) = \\mathrm{{softmax}}(W_o
    [s_t; c_t] + b_o)` (``output.weight``, ``output.bias``; :math:`W_o s_t +
    b_o` without attention). Dropout, if set, acts between stacked layers and
    on the output layer's input, in training only.

    **Loss.** The decoder is trained to emit :math:`y_1, \\dots, y_n` and the
    end marker: the cross-entropy averaged over all these target tokens,
    :math:`-\\sum_i w_i \\sum_{{t=1}}^{{n_i+1}} \\log p(y_{{it}}) / \\sum_i w_i
    (n_i + 1)`, where :math:`w_i` is the sample weight of sequence :math:`i`.
    Early stopping watches minus this loss on the held-out sequences.

    **Decoding.** ``beam_width=1`` emits the most probable symbol at each step
    until the end marker. A beam keeps ``beam_width`` hypotheses: each step
    extends them by every symbol and keeps the ``beam_width`` extensions of
    highest total log-probability; those that end are set aside, and a
    sequence's search stops when ``beam_width`` hypotheses have ended (or
    after ``max_length`` symbols, where the running ones are cut). The result
    is the ended hypothesis with the highest mean log-probability per emitted
    symbol (end marker included), :math:`\\frac{{1}}{{|\\hat y|}} \\sum_t \\log
    p(\\hat y_t)`: without this length normalisation beam search prefers
    short outputs. ``<unk>`` and ``<bos>`` are never emitted.

    The weights are named as the PyTorch modules of the same structure would
    name them (``encoder.embedding.weight``, ``encoder.rnn.weight_ih_l0``,
    ``bridge.weight``, ``decoder.embedding.weight``,
    ``decoder.rnn.weight_hh_l0``, ``attention.*``, ``output.weight``), so
    they load into such a module with ``load_state_dict``.

    References
    ----------
    Sutskever, Vinyals and Le (2014), Sequence to sequence learning with
    neural networks. Bahdanau, Cho and Bengio (2015), Neural machine
    translation by jointly learning to align and translate. Luong, Pham and
    Manning (2015), Effective approaches to attention-based neural machine
    translation.

    Examples
    --------
    Reverse short strings:

    >>> from skrnn import RNNEncoderDecoder
    >>> X = ["abc", "bca", "cab", "acb", "bac", "cba", "aab", "bba"]
    >>> y = [x[::-1] for x in X]
    >>> model = RNNEncoderDecoder(hidden_size=16, embedding_dim=8,
    ...                           learning_rate_init=0.03, max_iter=80,
    ...                           random_state=0).fit(X, y)
    >>> model.predict(["abc", "bba"])
    ['cba', 'abb']
    >>> model.score(X, y)
    1.0
    >>> [w.shape for w in model.attention_weights(["abc", "bba"])]
    [(3, 3), (3, 3)]

    One to many: a vector in (one time step), a sequence out.

    >>> import numpy as np
    >>> X = np.eye(3)[:, None, :]            # shape (3, 1, 3)
    >>> y = [["one"], ["two", "two"], ["three", "three", "three"]]
    >>> model = RNNEncoderDecoder(hidden_size=8, embedding_dim=4,
    ...                           learning_rate_init=0.05, max_iter=60,
    ...                           random_state=0).fit(X, y)
    >>> model.predict(X[2:])
    [['three', 'three', 'three']]
    """

    _parameter_constraints: dict = {
        **{
            k: v for k, v in BaseRNN._parameter_constraints.items() if k != "bptt_steps"
        },
        "attention": [StrOptions(set(ATTENTION_KINDS)), None],
        "beam_width": [Interval(Integral, 1, None, closed="left")],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
    }

    _structure_params: tuple = BaseRNN._structure_params + ("attention",)
    _embedding_key = "encoder.embedding.weight"

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        embedding_dim=32,
        attention="dot",
        char_hidden_size=None,
        char_embedding_dim=16,
        embedding_init=None,
        min_frequency=1,
        dropout=0.0,
        word_dropout=0.0,
        solver="adam",
        learning_rate_init=0.001,
        learning_rate="constant",
        power_t=0.5,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=0.0001,
        batch_size=32,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        max_grad_norm=5.0,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        dtype=None,
        beam_width=1,
        max_length=None,
    ):
        set_params_of_init(self, locals())

    # ------------------------------------------------------------------
    # the training loop's hooks
    # ------------------------------------------------------------------

    def _check_fit_data(self, X, y, sample_weight, *, reset: bool, classes=None):
        name = type(self).__name__
        if y is None:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None."
            )
        X, _ = self._validate_input(X, reset=reset, dtype=self._float)
        if reset and self.dtype is None and self._input.kind != "numeric":
            # token input has no float type of its own: use the fast one
            self._dtype = np.dtype(np.float32)
        targets, kind = validate_token_targets(y, len(X), name=name)
        tokens = token_targets(targets, kind)
        longest = int(np.diff(tokens.offsets).max())
        if reset:
            self._target_kind = kind
            self._outputs = Vocabulary.fit(tokens, 1, _OUTPUT_SPECIALS)
            self.classes_ = np.array(self._outputs.symbols)
            self.n_outputs_ = len(self.classes_)
            self._longest_target = longest
        else:
            self._check_target_kind(kind)
            self._longest_target = max(self._longest_target, longest)
        ids = encode_token_targets(tokens, self._outputs)
        sw = _check_sample_weight(
            sample_weight, np.empty(len(X)), dtype=np.float64, ensure_non_negative=True
        )
        return _Samples(X, ids, sw)

    def _build(self) -> _seq2seq.Seq2Seq:
        categorical = self._input.kind != "numeric"
        return _seq2seq.Seq2Seq(
            cell=self.cell,
            hidden_size=self.hidden_size,
            n_outputs=self.n_outputs_,
            input_size=None if categorical else self._input.n_step_features,
            n_embeddings=len(self._vocabulary) if categorical else None,
            embedding_dim=self.embedding_dim,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            attention=self.attention,
            dropout=self.dropout,
            dtype=self._float,
            n_chars=None
            if self._char_vocabulary is None
            else len(self._char_vocabulary),
            char_embedding_dim=self.char_embedding_dim,
            char_hidden_size=self.char_hidden_size,
        )

    def _check_target_kind(self, kind: str) -> None:
        if kind != self._target_kind:
            fitted = "str" if self._target_kind == "chars" else "token-list"
            raise ValueError(
                f"{type(self).__name__} was fitted on {fitted} targets, but y "
                f"holds {'str' if kind == 'chars' else 'token-list'} targets."
            )

    def _after_structure_change(self) -> None:
        self._model = replace(self._model, dropout=self.dropout)

    def _split_validation(self, data: _Samples):
        from sklearn.model_selection import train_test_split

        n = len(data.X)
        n_val = int(np.ceil(self.validation_fraction * n))
        if n_val < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        if n - n_val < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} holds out all "
                f"{n} samples; lower it to leave some for training."
            )
        seed = int(self._rng.integers(np.iinfo(np.int32).max))
        train_idx, val_idx = train_test_split(
            np.arange(n), test_size=self.validation_fraction, random_state=seed
        )
        if not np.any(data.weights[val_idx] > 0):
            raise ValueError(
                "sample_weight of the validation part must have a positive sum: "
                "every sample held out for early stopping has weight 0. Give "
                "more samples a positive weight, or set early_stopping=False."
            )
        parts = []
        for idx in (np.sort(train_idx), np.sort(val_idx)):
            parts.append(
                _Samples(data.X.take(idx), data.targets.take(idx), data.weights[idx])
            )
        return tuple(parts)

    def _train_batches(self, data: _Samples) -> list:
        units = data.targets.lengths + 1.0
        mean_weight = np.dot(data.weights, units) / units.sum()
        if mean_weight <= 0:
            raise ValueError(
                "sample_weight of the training part must have a positive sum."
            )
        self._batch_norms = (mean_weight, float(np.mean(data.weights)))
        # batches of similar input and output lengths: little padding on both
        cost = data.X.lengths + data.targets.lengths
        batches = make_batches(cost, self.batch_size, self._rng, shuffle=self.shuffle)
        return [(data, idx) for idx in batches]

    @staticmethod
    def _teacher_forcing(targets: Ragged, idx):
        """Decoder inputs ``[<bos>, y]``, targets ``[y, <eos>]`` and lengths."""
        ids, lengths = targets.pad(idx)
        T, B = ids.shape
        start, end = _OUTPUT_SPECIALS.index(START), _OUTPUT_SPECIALS.index(END)
        dec_in = np.empty((T + 1, B), dtype=np.intp)
        dec_in[0] = start
        dec_in[1:] = ids
        dec_out = np.zeros((T + 1, B), dtype=np.intp)
        dec_out[:T] = ids
        dec_out[lengths, np.arange(B)] = end
        return dec_in, dec_out, lengths + 1

    def _batch_gradients(self, params: dict, batch) -> BatchResult:
        data, idx = batch
        mean_weight, mean_sw = self._batch_norms
        Xb, in_lengths = data.X.pad(idx)
        Xb = self._drop_words(Xb)
        dec_in, dec_out, out_lengths = self._teacher_forcing(data.targets, idx)
        logits, _, cache = _seq2seq.forward(
            params,
            self._model,
            Xb,
            in_lengths,
            dec_in,
            out_lengths,
            training=True,
            rng=self._rng,
        )
        units = float(out_lengths.sum())
        loss, d_logits = masked_loss(
            "softmax",
            logits,
            dec_out,
            out_lengths,
            data.weights[idx],
            units * mean_weight,
        )
        grads = _seq2seq.backward(
            params, self._model, d_logits, cache, sparse_embedding=True
        )
        return BatchResult(loss, grads, units, len(idx), len(idx) * mean_sw)

    def _validation_score(self, data: _Samples) -> float:
        total = weight = 0.0
        for idx in self._batches_for_predict(data.X, 1):
            Xb, in_lengths = data.X.pad(idx)
            dec_in, dec_out, out_lengths = self._teacher_forcing(data.targets, idx)
            logits, _, _ = _seq2seq.forward(
                self.coefs_,
                self._model,
                Xb,
                in_lengths,
                dec_in,
                out_lengths,
                keep_cache=False,
            )
            logp = _seq2seq.token_log_probs(logits, dec_out)
            real = np.arange(len(dec_in))[:, None] < out_lengths[None, :]
            w = data.weights[idx]
            total += float(np.dot(w, np.where(real, logp, 0).sum(axis=0)))
            weight += float(np.dot(w, out_lengths))
        return total / weight

    def _small_steps(self, data: _Samples) -> bool:
        batch = min(self.batch_size, len(data.X))
        gates = N_GATES[self._model.cell] * self._model.hidden_size
        return batch * self._model.hidden_size * gates <= SMALL_STEP

    # ------------------------------------------------------------------
    # public API: training
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to input sequences ``X`` and target sequences ``y``.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences in any of the accepted forms; a 3-D array of shape
            ``(n_samples, 1, n_features)`` makes a one-to-many model.
        y : list of str or list of list of str
            One non-empty target per sample: a string (character outputs) or a
            list of tokens (token outputs).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample, applied to each of its target tokens.

        Returns
        -------
        self : RNNEncoderDecoder
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch over ``X``, continuing from the current state.

        The first call fixes the input vocabulary and the output symbols:
        later calls may not bring new target tokens.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences.
        y : list of str or list of list of str
            Target sequences.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : RNNEncoderDecoder
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    # ------------------------------------------------------------------
    # public API: inference
    # ------------------------------------------------------------------

    def _validate_for_predict(self, X) -> Ragged:
        check_is_fitted(self, "coefs_")
        X, _ = self._validate_input(X, reset=False, dtype=self._float)
        return X

    def _batches_for_predict(self, X: Ragged, rows_per_sample: int):
        T = int(X.lengths.max())
        size = max(1, min(1024, _PREDICT_CELLS // (T * rows_per_sample)))
        return prediction_batches(X.lengths, size)

    def _decode(self, X: Ragged, *, return_weights: bool = False):
        """Decoded token ids (and attention weights) of every sample."""
        self._validate_params()
        K = self.beam_width
        max_length = self.max_length or 2 * self._longest_target
        specials = dict(
            max_length=max_length,
            start=_OUTPUT_SPECIALS.index(START),
            end=_OUTPUT_SPECIALS.index(END),
            banned=(_OUTPUT_SPECIALS.index(UNKNOWN), _OUTPUT_SPECIALS.index(START)),
            return_weights=return_weights,
        )
        tokens, weights = [None] * len(X), [None] * len(X)
        # A decoding step is a chain of small operations (the step's GEMMs,
        # attention, log-softmax, top-k). On this project's 2 shared cores a
        # second BLAS thread made (rows x H) @ (H x 4H) products 1.3-30x slower
        # for every size tried (500 x 64 to 5000 x 256), so decoding uses one.
        with single_blas_thread():
            for idx in self._batches_for_predict(X, K):
                Xb, lengths = X.pad(idx)
                if K == 1:
                    result = _seq2seq.greedy_decode(
                        self.coefs_, self._model, Xb, lengths, **specials
                    )
                else:
                    result = _seq2seq.beam_decode(
                        self.coefs_, self._model, Xb, lengths, beam_width=K, **specials
                    )
                for j, i in enumerate(idx):
                    tokens[i] = result.tokens[j]
                    if return_weights:
                        weights[i] = result.weights[j]
        return tokens, weights

    def _symbols(self, ids: np.ndarray):
        symbols = self.classes_[ids].tolist()
        return "".join(symbols) if self._target_kind == "chars" else symbols

    def predict(self, X) -> list:
        """Generate the output sequence of every input sequence.

        Greedy decoding with ``beam_width=1``, beam search otherwise (see the
        Notes), up to ``max_length`` symbols.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences in the form seen in ``fit``.

        Returns
        -------
        list of str or list of list of str
            One output per sample: a string if the targets were strings,
            otherwise a list of tokens. The end marker is not included. NumPy
            reads a list of token lists as a 1-D object array of lists,
            whatever their lengths, so that
            :func:`~sklearn.model_selection.cross_val_predict` can join the
            folds' outputs.
        """
        X = self._validate_for_predict(X)
        tokens, _ = self._decode(X)
        out = [self._symbols(ids) for ids in tokens]
        return out if self._target_kind == "chars" else SequenceList(out)

    def score(self, X, y, sample_weight=None) -> float:
        """Exact-sequence accuracy: the share of outputs predicted exactly.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences.
        y : list of str or list of list of str
            True target sequences. Tokens never seen in training simply make a
            sequence wrong.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        float
        """
        from .metrics import sequence_accuracy_score

        X = self._validate_for_predict(X)
        targets, kind = validate_token_targets(y, len(X), name=type(self).__name__)
        self._check_target_kind(kind)
        tokens, _ = self._decode(X)
        pred = [self._symbols(ids) for ids in tokens]
        return float(
            sequence_accuracy_score(targets, pred, sample_weight=sample_weight)
        )

    def attention_weights(self, X) -> list[np.ndarray]:
        """Attention weights of the predicted outputs.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences.

        Returns
        -------
        list of ndarray of shape (T_out_i, T_in_i)
            Per sample, row ``t`` holds the weights over the input steps with
            which the ``t``-th token of ``predict(X)[i]`` was emitted (each row
            sums to 1). The end marker's row is left out, so ``T_out_i ==
            len(predict(X)[i])``.
        """
        X = self._validate_for_predict(X)
        if self._model.attention is None:
            raise ValueError(
                "This model has no attention (attention=None); fit it with "
                "attention='dot', 'general' or 'additive' to get attention weights."
            )
        _, weights = self._decode(X, return_weights=True)
        return weights

    def _encoder_outputs(self, X: Ragged):
        for idx in self._batches_for_predict(X, 1):
            Xb, lengths = X.pad(idx)
            memory, finals, _ = _seq2seq.encode(
                self.coefs_, self._model, Xb, lengths, keep_cache=False
            )
            yield idx, lengths, memory, finals

    def transform(self, X) -> np.ndarray:
        """The encoder's readout: its top layer's final states.

        For a bidirectional encoder, the forward state after the last step
        joined with the backward state after the first step (PyTorch's
        ``h_n``), as ``pooling="last"`` in :class:`RNNClassifier`.

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences.

        Returns
        -------
        ndarray of shape (n_samples, hidden_size * num_directions)
        """
        X = self._validate_for_predict(X)
        D = 2 if self._model.bidirectional else 1
        out = np.empty((len(X), self._model.memory_size), dtype=self._float)
        for idx, _, _, finals in self._encoder_outputs(X):
            out[idx] = np.concatenate([s.h for s in finals[-D:]], axis=1)
        return out

    def hidden_states(self, X) -> list[np.ndarray]:
        """The encoder's top-layer outputs at every input step (the memory the
        decoder attends to).

        Parameters
        ----------
        X : array-like, list of sequences, list of str or list of token lists
            Input sequences.

        Returns
        -------
        list of ndarray of shape (T_i, hidden_size * num_directions)
            One array per sequence; for a bidirectional encoder the forward
            direction's states come first.
        """
        X = self._validate_for_predict(X)
        hidden = [None] * len(X)
        for idx, lengths, memory, _ in self._encoder_outputs(X):
            for i, h in zip(idx, unpad(memory, lengths), strict=True):
                hidden[i] = h
        return hidden

    @property
    def _n_features_out(self) -> int:
        return self._model.memory_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.transformer_tags.preserves_dtype = (
            ["float64", "float32"] if self.dtype is None else [self.dtype]
        )
        return tags
