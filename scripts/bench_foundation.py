#!/usr/bin/env python3
"""Python references for the Foundation benchmarks (best of N, seconds).

    bench_foundation.py load FILE      h5py reads train_cap, train_imid, train_url into numpy arrays
    bench_foundation.py load-vocab FILE  the same, plus word_code's member names (as t2i's open reads)
    bench_foundation.py decode FILE    the seed's way: a Python loop with a dict lookup per token
    bench_foundation.py glove FILE     the seed's way: line.split() + np.array per line
    bench_foundation.py make-glove OUT a 400,000-line, 50-d GloVe-format file (about 170 MB)
"""
import sys
import time

import numpy as np


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        check = fn()
        times.append(time.perf_counter() - start)
    return min(times), check


def load(path):
    import h5py
    with h5py.File(path, "r") as f:
        caps = f["train_cap"][...]
        imid = f["train_imid"][...]
        urls = f["train_url"][...]
    return "captions=%d urls=%d" % (len(caps), len(urls))


def load_vocab(path):
    """load, plus what t2i also does on open: word_code's member names (its 1004-member type)."""
    import h5py
    with h5py.File(path, "r") as f:
        names = f["word_code"].dtype.names
        caps = f["train_cap"][...]
        imid = f["train_imid"][...]
        urls = f["train_url"][...]
    return "captions=%d urls=%d words=%d" % (len(caps), len(urls), len(names))


def decode(path):
    import h5py
    with h5py.File(path, "r") as f:
        caps = f["train_cap"][...]
        record = f["word_code"][0]
        names = f["word_code"].dtype.names
    id_to_word = {int(record[n]): n for n in names}

    def run():
        texts = []
        for row in caps.tolist():
            words = []
            for token in row:
                if token == 2:
                    break
                if token in (0, 1):
                    continue
                words.append(id_to_word[token])
            texts.append(" ".join(words))
        return "captions=%d" % len(texts)
    return run


def glove(path):
    words, vectors = [], []
    with open(path, encoding="utf8") as f:
        for line in f:
            values = line.split()
            words.append(values[0])
            vectors.append(np.array(values[1:], dtype="float32"))
    return "words=%d dim=%d" % (len(words), len(vectors[0]))


def make_glove(out):
    rng = np.random.default_rng(50)
    with open(out, "w") as f:
        for start in range(0, 400_000, 10_000):
            block = rng.normal(0, 0.4, size=(10_000, 50)).astype(np.float32)
            lines = []
            for offset, row in enumerate(block):
                lines.append("w%d " % (start + offset) + " ".join("%.6f" % v for v in row))
            f.write("\n".join(lines) + "\n")


def main():
    what, path = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    if what == "make-glove":
        make_glove(path)
        return
    if what == "decode":
        seconds, check = best(decode(path), repeats)
    else:
        fn = {"load": load, "load-vocab": load_vocab, "glove": glove}[what]
        seconds, check = best(lambda: fn(path), repeats)
    print("%s seconds=%.4f %s" % (what, seconds, check))


if __name__ == "__main__":
    main()
