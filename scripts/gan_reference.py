"""PyTorch reference of t2i's GAN-INT-CLS training step (same architecture, loss and batch
layout as Sources/GAN), timed on the CPU for scripts/bench/80-train.sh.

Usage: gan_reference.py THREADS BATCH STEPS WIDTHS   (WIDTHS comma-separated, e.g. 32,64)
Prints one JSON object per line. Also defines train_step_flops(), the nominal FLOP count of one
training step that both implementations' GFLOP/s figures use.
"""
import json
import sys
import time


def layer_flops(width, text_dim=50, noise=100, proj=128, size=64):
    """Forward FLOPs per image of G, D's trunk and D's text head (2 x multiply-adds)."""
    w = width
    stages = {64: 4, 32: 3, 16: 2}[size]
    deep = w << (stages - 1)
    g = 2 * text_dim * proj + 2 * (noise + proj) * deep * 16
    side, ch = 4, deep
    for i in range(stages):
        out = 3 if i == stages - 1 else ch // 2
        g += 2 * side * side * ch * 16 * out
        side, ch = side * 2, out
    t, side, ch = 0, size, 3
    for i in range(stages):
        out = w if i == 0 else ch * 2
        side //= 2
        t += 2 * side * side * 16 * ch * out
        ch = out
    h = 2 * text_dim * proj + 2 * 16 * (deep + proj) * deep + 2 * 16 * deep
    return g, t, h


def train_step_flops(width, batch):
    """Nominal FLOPs of one step with interpolation: G over 2N (forward + backward), D's trunk
    over N real, N fake (forward + backward) and 2N in G's step (forward + input gradient only),
    D's head over 2N pairs, N fakes (forward + backward) and 2N in G's step (forward + input
    gradient); a backward pass counts twice its forward (input and weight gradients), an input
    gradient alone once."""
    g, t, h = layer_flops(width)
    return batch * (6 * g + 10 * t + 13 * h)


def build_models():
    """G, D and the N(0, 0.02) initialiser, defined once torch is imported."""
    import torch
    import torch.nn as nn

    class G(nn.Module):
        def __init__(self, w, text_dim=50, stages=4):
            super().__init__()
            self.text = nn.Sequential(nn.Linear(text_dim, 128), nn.LeakyReLU(0.2))
            ch = w << (stages - 1)
            layers = [nn.ConvTranspose2d(228, ch, 4, 1, 0, bias=False), nn.BatchNorm2d(ch), nn.ReLU()]
            for i in range(stages):
                last = i == stages - 1
                out = 3 if last else ch // 2
                layers.append(nn.ConvTranspose2d(ch, out, 4, 2, 1, bias=False))
                layers += [nn.Tanh()] if last else [nn.BatchNorm2d(out), nn.ReLU()]
                ch = out
            self.body = nn.Sequential(*layers)

        def forward(self, z, t):
            x = torch.cat([z, self.text(t)], 1)[:, :, None, None].contiguous(memory_format=torch.channels_last)
            return self.body(x)

    class D(nn.Module):
        def __init__(self, w, text_dim=50, stages=4):
            super().__init__()
            layers, ch = [], 3
            for i in range(stages):
                out = w if i == 0 else ch * 2
                layers.append(nn.Conv2d(ch, out, 4, 2, 1, bias=False))
                if i > 0:
                    layers.append(nn.BatchNorm2d(out))
                layers.append(nn.LeakyReLU(0.2))
                ch = out
            self.trunk = nn.Sequential(*layers)
            self.text = nn.Sequential(nn.Linear(text_dim, 128), nn.BatchNorm1d(128), nn.LeakyReLU(0.2))
            self.joint = nn.Sequential(nn.Conv2d(ch + 128, ch, 1, bias=False), nn.BatchNorm2d(ch), nn.LeakyReLU(0.2),
                                       nn.Conv2d(ch, 1, 4, 1, 0, bias=False))

        def head(self, features, t):
            p = self.text(t)[:, :, None, None].expand(-1, -1, 4, 4)
            return self.joint(torch.cat([features, p], 1).contiguous(memory_format=torch.channels_last)).view(-1)

    def init_weights(m):
        for p in m.parameters():
            if p.dim() > 1:
                nn.init.normal_(p, 0, 0.02)

    return G, D, init_weights


def main():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    threads, batch, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    widths = [int(x) for x in sys.argv[4].split(",")]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cl = torch.channels_last

    G, D, init = build_models()
    bce = F.binary_cross_entropy_with_logits
    for w in widths:
        g, d = G(w).to(memory_format=cl), D(w).to(memory_format=cl)
        init(g), init(d)
        og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
        od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
        real = (torch.rand(batch, 3, 64, 64) * 2 - 1).contiguous(memory_format=cl)
        text = torch.randn(batch, 50)
        ones, zeros = torch.ones(batch), torch.zeros(batch)

        def step():
            wrong = text.roll(-1, 0)
            z = torch.randn(2 * batch, 100)
            gtext = torch.cat([text, 0.5 * (text + wrong)])
            fake = g(z, gtext)
            od.zero_grad()
            f = d.trunk(real)
            pair = d.head(torch.cat([f, f]), torch.cat([text, wrong]))
            loss_d = bce(pair[:batch], ones) + 0.5 * bce(pair[batch:], zeros)
            loss_d = loss_d + 0.5 * bce(d.head(d.trunk(fake[:batch].detach()), text), zeros)
            loss_d.backward()
            od.step()
            og.zero_grad()
            # As t2i does: G's step makes no weight gradients for D (its next step would zero them).
            d.requires_grad_(False)
            logits = d.head(d.trunk(fake), gtext)
            loss_g = bce(logits[:batch], ones) + bce(logits[batch:], ones)
            loss_g.backward()
            d.requires_grad_(True)
            og.step()

        step()
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
        times.sort()
        print(json.dumps({"impl": "torch", "name": "train step", "width": w, "batch": batch, "threads": threads,
                          "best": times[0], "median": times[len(times) // 2]}), flush=True)


if __name__ == "__main__":
    main()
