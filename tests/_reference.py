"""Independent references for the numerical tests: PyTorch models built from skrnn's
parameter dicts, and a per-sequence, per-step PyTorch computation of truncated BPTT."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

TORCH_RNN = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
TORCH_CELL = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


def torch_dtype(params):
    return (
        torch.float64 if params["output.weight"].dtype == np.float64 else torch.float32
    )


class TorchNet(nn.Module):
    """nn.Embedding? -> nn.RNN/LSTM/GRU -> readout -> nn.Linear, named like skrnn."""

    def __init__(self, arch):
        super().__init__()
        self.arch = arch
        if arch.n_embeddings is not None:
            self.embedding = nn.Embedding(arch.n_embeddings, arch.embedding_dim)
        in_size = arch.embedding_dim if arch.n_embeddings else arch.input_size
        self.rnn = TORCH_RNN[arch.cell](
            in_size,
            arch.hidden_size,
            num_layers=arch.num_layers,
            bidirectional=arch.bidirectional,
        )
        self.output = nn.Linear(arch.output_size, arch.n_outputs)

    def forward(self, X, lengths):
        """X: (T, B, F) float or (T, B) long ids; returns (out, top, h_n, c_n)."""
        if self.arch.n_embeddings is not None:
            X = self.embedding(X)
        T = X.shape[0]
        packed = nn.utils.rnn.pack_padded_sequence(
            X, torch.as_tensor(lengths), enforce_sorted=False
        )
        out, state = self.rnn(packed)
        top, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=T)
        h_n, c_n = state if self.arch.cell == "lstm" else (state, None)
        mask = torch.arange(T)[:, None] < torch.as_tensor(lengths)[None, :]
        readout = self.arch.readout
        if readout == "last":
            R = torch.cat(list(h_n[-self.arch.num_directions :]), dim=1)
        elif readout == "mean":
            R = top.sum(0) / torch.as_tensor(lengths, dtype=top.dtype)[:, None]
        elif readout == "max":
            R = top.masked_fill(~mask[:, :, None], -np.inf).max(0).values
        else:
            R = top
        y = self.output(R)
        if readout == "sequence":
            y = y * mask[:, :, None]
        return y, top, h_n, c_n


def torch_net(arch, params):
    net = TorchNet(arch).to(torch_dtype(params))
    net.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    return net


def truncated_reference(arch, params, X, lengths, weights, bptt_steps):
    """Gradients of sum(out * weights), each sequence run alone, step by step.

    The recurrent state is detached wherever (length - t) % bptt_steps == 0 in a
    direction's own processing order, which is skrnn's definition of truncation
    (None: never). Returns (out, grads) as numpy.
    """
    dtype = torch_dtype(params)
    P = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    H = arch.hidden_size
    outs = []
    for b, L in enumerate(lengths):
        if arch.n_embeddings is not None:
            x = P["embedding.weight"][torch.as_tensor(X[:L, b])]
        else:
            x = torch.tensor(X[:L, b], dtype=dtype)
        finals = []
        for layer in range(arch.num_layers):
            dir_outs = []
            for d in range(arch.num_directions):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                cell = TORCH_CELL[arch.cell](x.shape[1], H).to(dtype)
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    delattr(cell, name)
                    setattr(cell, name, P[f"rnn.{name}{sfx}"])
                seq = x.flip(0) if d else x
                h = torch.zeros(1, H, dtype=dtype)
                c = torch.zeros(1, H, dtype=dtype)
                ys = []
                for t in range(L):
                    if bptt_steps is not None and (L - t) % bptt_steps == 0:
                        h, c = h.detach(), c.detach()
                    if arch.cell == "lstm":
                        h, c = cell(seq[t : t + 1], (h, c))
                    else:
                        h = cell(seq[t : t + 1], h)
                    ys.append(h)
                y = torch.cat(ys)
                dir_outs.append(y.flip(0) if d else y)
                finals.append(h[0])
            x = torch.cat(dir_outs, dim=1)
        if arch.readout == "last":
            R = torch.cat(finals[-arch.num_directions :])
        elif arch.readout == "mean":
            R = x.mean(0)
        elif arch.readout == "max":
            R = x.max(0).values
        else:
            R = x
        outs.append(R @ P["output.weight"].T + P["output.bias"])
    if arch.readout == "sequence":
        T = X.shape[0]
        full = torch.zeros((T, len(lengths), arch.n_outputs), dtype=dtype)
        for b, L in enumerate(lengths):
            full[:L, b] = outs[b]
        out = full
    else:
        out = torch.stack(outs)
    (out * torch.tensor(weights, dtype=dtype)).sum().backward()
    grads = {
        k: (v.grad.numpy() if v.grad is not None else np.zeros_like(params[k]))
        for k, v in P.items()
    }
    return out.detach().numpy(), grads


# ----------------------------------------------------------------------------
# language model: PyTorch's word-language-model layout
# ----------------------------------------------------------------------------


class TorchLM(nn.Module):
    """nn.Embedding -> nn.RNN/LSTM/GRU -> nn.Linear at every step (the layout of
    PyTorch's word_language_model example, named as skrnn names it)."""

    def __init__(self, cell, n_tokens, embedding_dim, hidden_size, num_layers=1):
        super().__init__()
        self.cell = cell
        self.embedding = nn.Embedding(n_tokens, embedding_dim)
        self.rnn = TORCH_RNN[cell](embedding_dim, hidden_size, num_layers=num_layers)
        self.output = nn.Linear(hidden_size, n_tokens)

    def forward(self, ids, state=None):
        """ids: (T, B) long; returns logits (T, B, V) and the final state."""
        top, state = self.rnn(self.embedding(ids), state)
        return self.output(top), state


def torch_lm(params, cell, num_layers=1):
    """A TorchLM holding skrnn's ``coefs_`` (loaded through load_state_dict)."""
    n_tokens, embedding_dim = params["embedding.weight"].shape
    hidden_size = params["output.weight"].shape[1]
    net = TorchLM(cell, n_tokens, embedding_dim, hidden_size, num_layers)
    net = net.to(torch_dtype(params))
    net.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    return net


def detach(state):
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def torch_lm_log_likelihood(net, ids, end_id, window=None):
    """Total log-likelihood of one document of token ids, read after ``end_id``
    and closed by it, from the zero state. With ``window``, the document is read
    in pieces of that many steps with the state carried between them."""
    inputs = torch.tensor([end_id, *ids])[:, None]
    targets = torch.tensor([*ids, end_id])
    window = window or len(inputs)
    total, state = 0.0, None
    with torch.no_grad():
        for start in range(0, len(inputs), window):
            logits, state = net(inputs[start : start + window], state)
            logp = torch.log_softmax(logits[:, 0], dim=1)
            picked = logp[torch.arange(len(logp)), targets[start : start + window]]
            total += float(picked.sum())
    return total


def torch_lm_train(net, inputs, targets, lengths, window, n_steps, *, settings):
    """Stateful truncated BPTT written in PyTorch: windows of ``window`` steps
    over time-major ``(L, S)`` streams, the state carried (detached) from window
    to window, mean cross-entropy over each window's real positions, L2 on the
    weights (``alpha / streams read``), global-norm clipping, ``torch.optim.Adam``.

    Returns the parameters after each step (dicts of numpy arrays).
    """
    opt = torch.optim.Adam(
        net.parameters(),
        lr=settings["learning_rate_init"],
        betas=(settings["beta_1"], settings["beta_2"]),
        eps=settings["epsilon"],
    )
    inputs, targets = torch.as_tensor(inputs), torch.as_tensor(targets)
    lengths = torch.as_tensor(lengths)
    state, after = None, []
    for step in range(n_steps):
        start = step * window
        x, y = inputs[start : start + window], targets[start : start + window]
        real = (torch.arange(start, start + len(x))[:, None] < lengths[None, :]).to(
            net.output.weight.dtype
        )
        if state is not None:
            state = detach(state)
        logits, new_state = net(x, state)
        # streams that end inside the window keep their state after their end
        # (nothing reads it again here: the window is the epoch's last)
        state = new_state
        nll = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none"
        )
        loss = (nll * real.reshape(-1)).sum() / real.sum()
        n_read = int((real.sum(0) > 0).sum())
        weights = [p for name, p in net.named_parameters() if "weight" in name]
        loss = loss + 0.5 * settings["alpha"] / n_read * sum(
            (w * w).sum() for w in weights
        )
        opt.zero_grad()
        loss.backward()
        # global-norm clipping to exactly max_norm (torch's clip_grad_norm_
        # divides by norm + 1e-6, which moves the result by ~1e-9)
        grads = [p.grad for p in net.parameters()]
        norm = torch.sqrt(sum((g * g).sum() for g in grads))
        if norm > settings["max_grad_norm"]:
            for g in grads:
                g.mul_(settings["max_grad_norm"] / norm)
        opt.step()
        after.append(
            {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
        )
    return after


class _TorchEncoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        if model.n_embeddings is not None:
            self.embedding = nn.Embedding(model.n_embeddings, model.embedding_dim)
        size = model.embedding_dim if model.n_embeddings else model.input_size
        self.rnn = TORCH_RNN[model.cell](
            size,
            model.hidden_size,
            num_layers=model.num_layers,
            bidirectional=model.bidirectional,
        )


class _TorchDecoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.embedding = nn.Embedding(model.n_outputs, model.embedding_dim)
        self.rnn = TORCH_RNN[model.cell](
            model.embedding_dim, model.hidden_size, num_layers=model.num_layers
        )


class _TorchAdditive(nn.Module):
    def __init__(self, H, E):
        super().__init__()
        self.query = nn.Linear(H, H)
        self.key = nn.Linear(E, H, bias=False)
        self.v = nn.Linear(H, 1, bias=False)


class TorchEncoderDecoder(nn.Module):
    """The encoder–decoder of skrnn._seq2seq written with torch.nn modules, named
    so that ``load_state_dict(coefs_)`` fills it: packed nn.LSTM/GRU/RNN encoder,
    nn.Linear bridges, a packed decoder started from the bridged states, Luong or
    Bahdanau attention over the real encoder steps, nn.Linear output."""

    def __init__(self, model):
        super().__init__()
        self.m = model
        H, E = model.hidden_size, model.memory_size
        self.encoder = _TorchEncoder(model)
        if model.bidirectional:
            self.bridge = nn.Linear(2 * H, H)
            if model.cell == "lstm":
                self.bridge_cell = nn.Linear(2 * H, H)
        self.decoder = _TorchDecoder(model)
        if model.attention == "general":
            self.attention = nn.Linear(E, H, bias=False)
        elif model.attention == "additive":
            self.attention = _TorchAdditive(H, E)
        width = H + (E if model.attention else 0)
        self.output = nn.Linear(width, model.n_outputs)

    def forward(self, X, in_lengths, dec_in, out_lengths):
        """Logits (T_out, B, V) and attention weights (B, T_out, T_in)."""
        m = self.m
        H, L = m.hidden_size, m.num_layers
        pack = nn.utils.rnn.pack_padded_sequence
        unpack = nn.utils.rnn.pad_packed_sequence
        x = self.encoder.embedding(X) if m.n_embeddings is not None else X
        T_in = x.shape[0]
        out, state = self.encoder.rnn(
            pack(x, torch.as_tensor(in_lengths), enforce_sorted=False)
        )
        memory, _ = unpack(out, total_length=T_in)
        h_n, c_n = state if m.cell == "lstm" else (state, None)
        if m.bidirectional:
            h_n = h_n.view(L, 2, -1, H)
            h0 = torch.tanh(self.bridge(torch.cat([h_n[:, 0], h_n[:, 1]], dim=2)))
            if c_n is not None:
                c_n = c_n.view(L, 2, -1, H)
                c0 = self.bridge_cell(torch.cat([c_n[:, 0], c_n[:, 1]], dim=2))
        else:
            h0, c0 = h_n, c_n
        init = (h0, c0) if m.cell == "lstm" else h0
        T_out = dec_in.shape[0]
        out, _ = self.decoder.rnn(
            pack(
                self.decoder.embedding(dec_in),
                torch.as_tensor(out_lengths),
                enforce_sorted=False,
            ),
            init,
        )
        S, _ = unpack(out, total_length=T_out)
        weights = None
        if m.attention is None:
            R = S
        else:
            Sb, Mb = S.transpose(0, 1), memory.transpose(0, 1)  # batch-major
            if m.attention == "dot":
                K = Mb if Mb.shape[2] == H else Mb[..., :H] + Mb[..., H:]
                scores = Sb @ K.transpose(1, 2)
            elif m.attention == "general":
                scores = Sb @ self.attention(Mb).transpose(1, 2)
            else:
                a = self.attention
                hidden = torch.tanh(a.query(Sb)[:, :, None, :] + a.key(Mb)[:, None])
                scores = a.v(hidden)[..., 0]
            real = torch.arange(T_in)[None, :] < torch.as_tensor(in_lengths)[:, None]
            scores = scores.masked_fill(~real[:, None, :], float("-inf"))
            weights = torch.softmax(scores, dim=2)
            context = weights @ Mb
            R = torch.cat([S, context.transpose(0, 1)], dim=2)
        return self.output(R), weights


def torch_encoder_decoder(model, params):
    net = TorchEncoderDecoder(model).to(torch_dtype(params))
    net.load_state_dict({k: torch.tensor(v) for k, v in params.items()})
    return net
