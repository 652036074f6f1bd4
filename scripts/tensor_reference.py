#!/usr/bin/env python3
"""PyTorch reference values for the Swift `Tensor` module's tests.

Writes Tests/TensorTests/Fixtures/reference.json: for each op, the inputs and weights (float32
values, already in the Swift layouts: NHWC images, conv weights [kH, kW, in, out], transposed
conv weights [in, kH, kW, out]), an upstream gradient, and PyTorch's outputs and gradients
computed in float64 from those same float32 values. Run by hand or `make tensor-fixtures`;
the tests only read the committed file.
"""
import json
import pathlib
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(443)
D = torch.float64
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/TensorTests/Fixtures/reference.json"


def r32(*shape, scale=1.0):
    """Random values rounded to float32, held as float64 leaf tensors."""
    return (torch.randn(*shape) * scale).to(torch.float32).to(D).requires_grad_(True)


def enc(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


nhwc = lambda t: t.permute(0, 2, 3, 1)
cases = {}


def backward(y, gy):
    y.backward(gy)


# Linear
x, w, b = r32(3, 5), r32(4, 5, scale=0.5), r32(4)
y = F.linear(x, w, b); gy = r32(3, 4); backward(y, gy)
cases["linear"] = dict(x=enc(x), weight=enc(w), bias=enc(b), y=enc(y), gy=enc(gy), gx=enc(x.grad),
                       gweight=enc(w.grad), gbias=enc(b.grad))

# Convolutions: (N, H, W, Cin, Cout, k, stride, padding, bias); weights permuted to our layouts.
CONV = (F.conv2d, lambda cin, cout, k: (cout, cin, k, k), (2, 3, 1, 0))
CONVT = (F.conv_transpose2d, lambda cin, cout, k: (cin, cout, k, k), (0, 2, 3, 1))


def conv_case(kind, n, h, wd, cin, cout, k, s, p, bias):
    fn, wshape, perm = kind
    x = r32(n, cin, h, wd); w = r32(*wshape(cin, cout, k), scale=0.3); bb = r32(cout) if bias else None
    y = fn(x, w, bb, stride=s, padding=p); gy = r32(*y.shape); backward(y, gy)
    c = dict(stride=s, padding=p, x=enc(nhwc(x)), weight=enc(w.permute(*perm)), y=enc(nhwc(y)),
             gy=enc(nhwc(gy)), gx=enc(nhwc(x.grad)), gweight=enc(w.grad.permute(*perm)))
    if bias: c.update(bias=enc(bb), gbias=enc(bb.grad))
    return c


for name, (kind, params) in {
    "conv_k3s2p1": (CONV, (2, 7, 7, 3, 4, 3, 2, 1, True)),
    "conv_k4s2p1": (CONV, (2, 8, 8, 3, 5, 4, 2, 1, False)),
    "conv_k4s1p0": (CONV, (2, 4, 4, 6, 1, 4, 1, 0, False)),
    "conv_k1": (CONV, (2, 3, 3, 5, 4, 1, 1, 0, True)),
    "convT_k4s2p1": (CONVT, (2, 3, 3, 4, 3, 4, 2, 1, True)),
    "convT_k4s1p0_from1x1": (CONVT, (2, 1, 1, 6, 4, 4, 1, 0, False)),
    "convT_k3s1p1": (CONVT, (2, 4, 4, 3, 2, 3, 1, 1, False)),
    "convT_k1": (CONVT, (2, 3, 3, 4, 3, 1, 1, 0, True)),
}.items():
    cases[name] = conv_case(kind, *params)

# Batch norm, training (NHWC and 2-D) and evaluation.
for name, shape in {"bn_train_nhwc": (4, 3, 3, 5), "bn_train_2d": (6, 4)}.items():
    ch = shape[1]
    x = (r32(*shape) * 2 + 1).detach().requires_grad_(True)
    g, bb = r32(ch), r32(ch)
    rm, rv = torch.zeros(ch, dtype=D), torch.ones(ch, dtype=D)
    y = F.batch_norm(x, rm, rv, g, bb, training=True, momentum=0.1, eps=1e-5)
    gy = r32(*shape); backward(y, gy)
    t = (lambda v: nhwc(v)) if len(shape) == 4 else (lambda v: v)
    cases[name] = dict(x=enc(t(x)), gamma=enc(g), beta=enc(bb), y=enc(t(y)), gy=enc(t(gy)), gx=enc(t(x.grad)),
                       ggamma=enc(g.grad), gbeta=enc(bb.grad), running_mean=enc(rm), running_var=enc(rv))
x = r32(4, 3, 2, 2); g, bb = r32(3), r32(3)
rm = torch.randn(3, dtype=torch.float32).to(D); rv = (torch.rand(3, dtype=torch.float32) + 0.5).to(D)
y = F.batch_norm(x, rm, rv, g, bb, training=False, eps=1e-5); gy = r32(*y.shape); backward(y, gy)
cases["bn_eval_nhwc"] = dict(x=enc(nhwc(x)), gamma=enc(g), beta=enc(bb), running_mean=enc(rm), running_var=enc(rv),
                             y=enc(nhwc(y)), gy=enc(nhwc(gy)), gx=enc(nhwc(x.grad)), ggamma=enc(g.grad), gbeta=enc(bb.grad))

# Activations.
for name, fn in {"relu": F.relu, "leaky_relu_0.2": lambda v: F.leaky_relu(v, 0.2),
                 "tanh": torch.tanh, "sigmoid": torch.sigmoid}.items():
    x = r32(3, 7, scale=2); y = fn(x); gy = r32(3, 7); backward(y, gy)
    cases[name] = dict(x=enc(x), y=enc(y), gy=enc(gy), gx=enc(x.grad))

# Binary cross-entropy with logits (mean).
x = r32(2, 5, scale=3); tgt = torch.tensor([[1, 0, 1, 1, 0], [0, 0.9, 1, 0, 0.1]], dtype=D)
loss = F.binary_cross_entropy_with_logits(x, tgt); loss.backward()
cases["bce_with_logits"] = dict(logits=enc(x), targets=enc(tgt), loss=float(loss.detach()), gx=enc(x.grad))

# Embedding.
w = r32(10, 4); idx = torch.tensor([[1, 3, 3, 0, 9], [2, 3, 7, 0, 0]])
y = F.embedding(idx, w); gy = r32(*y.shape); backward(y, gy)
cases["embedding"] = dict(weight=enc(w), indices=idx.reshape(-1).tolist(), index_shape=list(idx.shape),
                          y=enc(y), gy=enc(gy), gweight=enc(w.grad))

# GRU cell and masked sequence (packed, so each final state is at the last real token).
cell = torch.nn.GRUCell(4, 6).to(D)
for prm in cell.parameters(): prm.data = prm.data.to(torch.float32).to(D)
x, h = r32(3, 4), r32(3, 6)
y = cell(x, h); gy = r32(3, 6); backward(y, gy)
cases["gru_cell"] = dict(x=enc(x), h=enc(h), weight_ih=enc(cell.weight_ih), weight_hh=enc(cell.weight_hh),
                         bias_ih=enc(cell.bias_ih), bias_hh=enc(cell.bias_hh), y=enc(y), gy=enc(gy), gx=enc(x.grad),
                         gh=enc(h.grad), gweight_ih=enc(cell.weight_ih.grad), gweight_hh=enc(cell.weight_hh.grad),
                         gbias_ih=enc(cell.bias_ih.grad), gbias_hh=enc(cell.bias_hh.grad))
gru = torch.nn.GRU(4, 6, batch_first=True).to(D)
for prm in gru.parameters(): prm.data = prm.data.to(torch.float32).to(D)
x = r32(3, 5, 4); lengths = [5, 2, 3]
packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
_, hn = gru(packed); y = hn[0]; gy = r32(3, 6); backward(y, gy)
cases["gru_sequence"] = dict(x=enc(x), lengths=lengths, weight_ih=enc(gru.weight_ih_l0), weight_hh=enc(gru.weight_hh_l0),
                             bias_ih=enc(gru.bias_ih_l0), bias_hh=enc(gru.bias_hh_l0), y=enc(y), gy=enc(gy),
                             gx=enc(x.grad), gweight_ih=enc(gru.weight_ih_l0.grad), gweight_hh=enc(gru.weight_hh_l0.grad),
                             gbias_ih=enc(gru.bias_ih_l0.grad), gbias_hh=enc(gru.bias_hh_l0.grad))

# Text injection: replicate [N, C2] to 4x4 and concatenate after image channels.
img, txt = r32(2, 5, 4, 4), r32(2, 3)
y = torch.cat([img, txt[:, :, None, None].expand(2, 3, 4, 4)], dim=1); gy = r32(*y.shape); backward(y, gy)
cases["replicate_concat"] = dict(image=enc(nhwc(img)), text=enc(txt), y=enc(nhwc(y)), gy=enc(nhwc(gy)),
                                 gimage=enc(nhwc(img.grad)), gtext=enc(txt.grad))

# Adam, beta1 = 0.5, three steps with given gradients (float32 arithmetic as in training).
p = torch.randn(7, dtype=torch.float32); grads = [torch.randn(7, dtype=torch.float32) for _ in range(3)]
q = p.clone().requires_grad_(True); opt = torch.optim.Adam([q], lr=2e-3, betas=(0.5, 0.999), eps=1e-8)
after = []
for gr in grads:
    q.grad = gr.clone(); opt.step(); after.append(enc(q))
cases["adam"] = dict(p=enc(p), grads=[enc(gr) for gr in grads], after=after, lr=2e-3, beta1=0.5, beta2=0.999, eps=1e-8)

# Shapes that run on the AVX-512 kernels where the CPU has them: the discriminator's RGB layer
# (3 -> 32, 4x4, stride 2; direct kernel) and a 4x4 stride-2 transposed convolution with 16
# outputs (phase kernel; 2-pixel rows leave the 8-pixel register tile short). Drawn after every
# other case, so adding them left the earlier values unchanged.
cases["conv_rgb_k4s2p1_out32"] = conv_case(CONV, 1, 8, 9, 3, 32, 4, 2, 1, True)
cases["convT_k4s2p1_out16"] = conv_case(CONVT, 1, 3, 2, 4, 16, 4, 2, 1, True)


def upconv_case(n, h, wd, cin, cout):
    """Nearest-neighbour 2x upsampling, then a 3x3 conv with padding 1 and bias (`UpsampleConv2d`,
    weight [in, 3, 3, out])."""
    x = r32(n, cin, h, wd); w = r32(cout, cin, 3, 3, scale=0.3); bb = r32(cout)
    y = F.conv2d(F.interpolate(x, scale_factor=2, mode="nearest"), w, bb, padding=1); gy = r32(*y.shape); backward(y, gy)
    return dict(stride=1, padding=1, x=enc(nhwc(x)), weight=enc(w.permute(1, 2, 3, 0)), bias=enc(bb), y=enc(nhwc(y)),
                gy=enc(nhwc(gy)), gx=enc(nhwc(x.grad)), gweight=enc(w.grad.permute(1, 2, 3, 0)), gbias=enc(bb.grad))


# The upsampling convolution, on a small shape and on one that runs the transposed convolution's
# phase kernel (16 outputs). Drawn last, so the cases above kept their values.
cases["upconv_k3"] = upconv_case(2, 3, 5, 4, 3)
cases["upconv_k3_out16"] = upconv_case(1, 3, 2, 4, 16)



def blur(t):
    """[1, 2, 1] / 4 along both axes of each channel, the edges repeated (`Blur2d`)."""
    c = t.shape[1]
    k = torch.tensor([1.0, 2.0, 1.0], dtype=D)
    k = (torch.outer(k, k) / 16).expand(c, 1, 3, 3)
    return F.conv2d(F.pad(t, (1, 1, 1, 1), mode="replicate"), k, groups=c)


# The blur alone, and the upsampling convolution with it (`interpolation: .bilinear`: nearest 2x,
# the 3x3 conv, then the blur). Drawn after every other case, so theirs kept their values.
x = r32(2, 3, 4, 5); y = blur(x); gy = r32(*y.shape); backward(y, gy)
cases["blur"] = dict(x=enc(nhwc(x)), y=enc(nhwc(y)), gy=enc(nhwc(gy)), gx=enc(nhwc(x.grad)))


def upconv_bilinear_case(n, h, wd, cin, cout):
    x = r32(n, cin, h, wd); w = r32(cout, cin, 3, 3, scale=0.3); bb = r32(cout)
    y = blur(F.conv2d(F.interpolate(x, scale_factor=2, mode="nearest"), w, bb, padding=1)); gy = r32(*y.shape); backward(y, gy)
    return dict(stride=1, padding=1, x=enc(nhwc(x)), weight=enc(w.permute(1, 2, 3, 0)), bias=enc(bb), y=enc(nhwc(y)),
                gy=enc(nhwc(gy)), gx=enc(nhwc(x.grad)), gweight=enc(w.grad.permute(1, 2, 3, 0)), gbias=enc(bb.grad))


cases["upconv_k3_bilinear"] = upconv_bilinear_case(2, 3, 5, 4, 3)
cases["upconv_k3_bilinear_out16"] = upconv_bilinear_case(1, 3, 2, 4, 16)

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)", file=sys.stderr)
