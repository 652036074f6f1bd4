#!/usr/bin/env python3
"""PyTorch side of scripts/bench/70-tensor.sh, in two modes.

  tensor_compare.py measure THREADS BATCH [FILTER] times the GAN layer shapes in PyTorch
                                                   (channels_last, float32) and sgemm in numpy;
                                                   prints one JSON object per line, like the Swift bench;
                                                   FILTER keeps layers whose "name wWIDTH" contains it
  tensor_compare.py table SWIFT TORCH THREADS BATCH  one table side by side from the two JSON-lines
                                                   files, each row the fastest over all rounds

Timing: fastest of repeated runs after two warm-ups, as in the Swift bench. The shell script
alternates Swift and PyTorch rounds, so both sides see the same spells of machine load."""
import json
import os
import sys
import time


def timeit(fn, budget=0.6):
    fn(); fn()
    samples, start = [], time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - start < budget and len(samples) < 200):
        t0 = time.perf_counter(); fn(); samples.append(time.perf_counter() - t0)
    return min(samples)  # least-disturbed run on a shared machine, as in the Swift bench


def shapes(w):
    # (name, kind, cin, cout, input size, kernel, stride, padding) as in Sources/BenchTensor; kind
    # "convT", "conv", "up" (nearest 2x upsampling then a 3x3 conv: G under generatorResize), or
    # "upb" (bilinear 2x upsampling then a 3x3 conv: with generatorResizeInterpolation bilinear).
    return [
        (f"G convT 1->4 (228->{8*w})", "convT", 228, 8 * w, 1, 4, 1, 0),
        (f"G convT 4->8 ({8*w}->{4*w})", "convT", 8 * w, 4 * w, 4, 4, 2, 1),
        (f"G convT 8->16 ({4*w}->{2*w})", "convT", 4 * w, 2 * w, 8, 4, 2, 1),
        (f"G convT 16->32 ({2*w}->{w})", "convT", 2 * w, w, 16, 4, 2, 1),
        (f"G convT 32->64 ({w}->3)", "convT", w, 3, 32, 4, 2, 1),
        (f"G upconv 4->8 ({8*w}->{4*w})", "up", 8 * w, 4 * w, 4, 3, 1, 1),
        (f"G upconv 8->16 ({4*w}->{2*w})", "up", 4 * w, 2 * w, 8, 3, 1, 1),
        (f"G upconv 16->32 ({2*w}->{w})", "up", 2 * w, w, 16, 3, 1, 1),
        (f"G upconv 32->64 ({w}->3)", "up", w, 3, 32, 3, 1, 1),
        (f"G upconv-bl 4->8 ({8*w}->{4*w})", "upb", 8 * w, 4 * w, 4, 3, 1, 1),
        (f"G upconv-bl 8->16 ({4*w}->{2*w})", "upb", 4 * w, 2 * w, 8, 3, 1, 1),
        (f"G upconv-bl 16->32 ({2*w}->{w})", "upb", 2 * w, w, 16, 3, 1, 1),
        (f"G upconv-bl 32->64 ({w}->3)", "upb", w, 3, 32, 3, 1, 1),
        (f"D conv 64->32 (3->{w})", "conv", 3, w, 64, 4, 2, 1),
        (f"D conv 32->16 ({w}->{2*w})", "conv", w, 2 * w, 32, 4, 2, 1),
        (f"D conv3x3 32x32 ({w}->{w})", "conv", w, w, 32, 3, 1, 1),
        (f"D conv 16->8 ({2*w}->{4*w})", "conv", 2 * w, 4 * w, 16, 4, 2, 1),
        (f"D conv 8->4 ({4*w}->{8*w})", "conv", 4 * w, 8 * w, 8, 4, 2, 1),
        (f"D conv1x1 4x4 ({8*w+128}->{8*w})", "conv", 8 * w + 128, 8 * w, 4, 1, 1, 0),
        (f"D conv 4->1 ({8*w}->1)", "conv", 8 * w, 1, 4, 4, 1, 0),
    ]


def build(torch, kind, cin, cout, k, s, p):
    if kind in ("up", "upb"):
        mode = dict(mode="nearest") if kind == "up" else dict(mode="bilinear", align_corners=False)
        return torch.nn.Sequential(torch.nn.Upsample(scale_factor=2, **mode),
                                   torch.nn.Conv2d(cin, cout, 3, padding=1, bias=False))
    cls = torch.nn.ConvTranspose2d if kind == "convT" else torch.nn.Conv2d
    return cls(cin, cout, k, stride=s, padding=p, bias=False)


def emit(name, width, pass_, seconds):
    print(json.dumps({"name": name, "width": width, "pass": pass_, "seconds": seconds}), flush=True)


def measure(threads, batch, filter_=None):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    n = 1024
    a, b = np.random.randn(n, n).astype(np.float32), np.random.randn(n, n).astype(np.float32)
    emit("sgemm 1024^3", None, "fwd", timeit(lambda: a @ b))
    for w in (32, 64):
        for name, kind, cin, cout, size, k, s, p in shapes(w):
            if filter_ is not None and filter_ not in f"{name} w{w}":
                continue
            layer = build(torch, kind, cin, cout, k, s, p).to(memory_format=torch.channels_last)
            x = torch.randn(batch, cin, size, size).to(memory_format=torch.channels_last).requires_grad_(True)
            with torch.no_grad():
                emit(name, w, "fwd", timeit(lambda: layer(x)))
            gy = torch.randn_like(layer(x))

            def step():
                x.grad = None
                for q in layer.parameters():
                    q.grad = None
                layer(x).backward(gy)
            emit(name, w, "fwd+bwd", timeit(step))


def fastest(path):
    """Rows of a JSON-lines file keyed by (name, width, pass), each the fastest over all rounds, in first-seen order."""
    rows = {}
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            key = (r["name"], r.get("width"), r["pass"])
            if key not in rows or r["seconds"] < rows[key]["seconds"]:
                rows[key] = r
    return rows


def table(swift_path, torch_path, threads, batch):
    import numpy as np
    import torch
    rows, ref = fastest(swift_path), fastest(torch_path)
    gemm = next(r for k, r in rows.items() if k[0].startswith("sgemm"))
    gemm_rate = gemm["flops"] / gemm["seconds"] / 1e9
    print(f"threads={threads} batch={batch} torch={torch.__version__} numpy={np.__version__} "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(f"{'layer':<34}{'w':>3} {'pass':<8}{'swift ms':>9}{'torch ms':>9}{'speedup':>8}{'GFLOP/s':>8}{'%sgemm':>7}  note")
    misses = 0
    for key, r in rows.items():
        t_ref = ref[key]["seconds"]
        rate = r["flops"] / r["seconds"] / 1e9
        speed = t_ref / r["seconds"]
        is_gemm = r["name"].startswith("sgemm")
        note = "" if speed >= 1.0 else "MISS (<1.0x)"
        misses += speed < 1.0 and not is_gemm
        print(f"{r['name']:<34}{r.get('width') or '':>3} {r['pass']:<8}{r['seconds']*1e3:9.3f}{t_ref*1e3:9.3f}"
              f"{speed:7.2f}x{rate:8.1f}{100*rate/gemm_rate:6.0f}%  {note}{' (vs numpy)' if is_gemm else ''}")
    print(f"sgemm reference rate {gemm_rate:.1f} GFLOP/s (OpenBLAS via Swift); layers below 1.0x PyTorch: {misses}")


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        measure(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(f"usage: {sys.argv[0]} measure THREADS BATCH [FILTER] | table SWIFT TORCH THREADS BATCH")
