#!/usr/bin/env python3
"""Writes EEE443-layout HDF5 files with h5py (an writer independent of t2i's own).

    make_eee443_fixtures.py OUT            small files in every variant the schema leaves open,
                                           broken files for each error, and expected.json
    make_eee443_fixtures.py OUT --full     one full-size train file (400,135 captions, 82,783 URLs)

The small train files hold the real caption rows printed in ../shared/data/eee443_examples.txt
(copied to Tests/EEE443Tests/Fixtures/eee443_examples.txt) under the real vocabulary.
"""
import argparse
import json
import pathlib
import random
import re
import shutil

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
VOCAB_TSV = ROOT / "Manifests" / "eee443_vocab.tsv"
EXAMPLES = ROOT / "Tests" / "EEE443Tests" / "Fixtures" / "eee443_examples.txt"
WIDTH = 17


def vocabulary():
    rows = [line.split("\t") for line in VOCAB_TSV.read_text().splitlines()[1:]]
    return [name for _, name in sorted((int(i), n) for i, n in rows)]


def examples():
    """(imid or None, row, printed decoding) for every printed row of the examples file."""
    found, lines = [], EXAMPLES.read_text().splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"^(?:imid=(\d+)\s+)?\s*\[([\d, ]+)\]\s*$", line.strip())
        if match and index + 1 < len(lines) and lines[index + 1].strip().startswith("->"):
            row = [int(v) for v in match.group(2).split(",")]
            printed = lines[index + 1].strip()[2:].strip()
            found.append((int(match.group(1)) if match.group(1) else None, row, printed))
    return found


def url(rng):
    return "http://farm%d.staticflickr.com/%d/%d_%s_z.jpg" % (
        rng.randint(1, 9), rng.randint(1000, 9999), rng.randint(10**9, 10**10 - 1),
        "".join(rng.choice("0123456789abcdef") for _ in range(10)))


def random_caption(rng, vocab_size):
    words = [rng.randrange(4, vocab_size) for _ in range(rng.randint(6, 15))]
    row = [1] + words + [2]
    return row + [0] * (WIDTH - len(row))


def write_vocab(f, names, member_dtype, shuffle_seed):
    order = list(range(len(names)))
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(order)
    dtype = np.dtype([(names[i], member_dtype) for i in order])
    record = np.zeros(1, dtype=dtype)
    for i in order:
        record[names[i]] = i
    f.create_dataset("word_code", data=record)


def string_dtype(fixed):
    return "S64" if fixed else h5py.string_dtype(encoding="ascii")


def write_split(path, split, captions, imids, urls, names, *, cap_dtype="int32", imid_dtype="int32",
                fixed_urls=True, member_dtype="<i4", shuffle_seed=1, features=True, extra=None, userblock=0,
                big_endian=False):
    cap_name = "train_cap" if split == "train" else "test_caps"
    if big_endian:
        member_dtype = ">" + np.dtype(member_dtype).str[1:]
    with h5py.File(path, "w", userblock_size=userblock) as f:
        f.create_dataset(cap_name, data=np.asarray(captions, dtype=cap_dtype))
        f.create_dataset("%s_imid" % split, data=np.asarray(imids, dtype=imid_dtype))
        f.create_dataset("%s_url" % split, data=np.array([u.encode() for u in urls], dtype=string_dtype(fixed_urls)))
        if features:
            f.create_dataset("%s_ims" % split, data=np.random.default_rng(0).standard_normal((len(urls), 512), dtype=np.float32))
        write_vocab(f, names, member_dtype, shuffle_seed)
        if extra:
            extra(f)


def small_train(rng, names, images=120):
    """Caption rows: the printed examples at their printed imid, then random rows for every image."""
    captions, imids = [], []
    for imid, row, _ in examples():
        captions.append(row)
        imids.append(imid if imid is not None else 7)
    for image in range(1, images + 1):
        for _ in range(rng.randint(1, 7) if image % 13 else 5):
            captions.append(random_caption(rng, len(names)))
            imids.append(image)
    urls = [url(rng) for _ in range(images)]
    return captions, imids, urls


def unmangle(name):
    match = re.fullmatch(r"x_([A-Z0-9]+)_", name)
    if match:
        return "<%s>" % match.group(1)
    if name in ("xWhile", "xFor", "xCatch", "xCase", "xEnd"):
        return name[1:].lower()
    return name


def small(out):
    rng = random.Random(443)
    names = vocabulary()
    captions, imids, urls = small_train(rng, names)
    variants = {
        "train_int32_fixed_int.h5": dict(cap_dtype="int32", fixed_urls=True, member_dtype="<i4"),
        "train_int64_vlen_float.h5": dict(cap_dtype="int64", imid_dtype="int64", fixed_urls=False, member_dtype="<f8"),
        "train_uint16_fixed_float.h5": dict(cap_dtype="uint16", imid_dtype="uint32", fixed_urls=True, member_dtype="<f8"),
        "train_int32_vlen_int64_ordered.h5": dict(cap_dtype="<i4", fixed_urls=False, member_dtype="<i8", shuffle_seed=None),
        # MATLAB v7.3-style 512-byte user block, and big-endian members (read through HDF5's conversion).
        "train_userblock_bigendian.h5": dict(cap_dtype=">i4", fixed_urls=True, member_dtype="<f8", userblock=512,
                                             big_endian=True),
        "train_userblock_float.h5": dict(cap_dtype="int32", fixed_urls=True, member_dtype="<f8", userblock=512),
    }
    for name, options in variants.items():
        write_split(out / name, "train", captions, imids, urls, names, **options)
    # Space-padded fixed-length URLs (MATLAB char arrays pad with blanks).
    padded = [u.ljust(64) for u in urls]
    write_split(out / "train_space_padded.h5", "train", captions, imids, padded, names)
    # Test file: 0-based imid, `test_caps` with the s.
    test_urls = [url(rng) for _ in range(40)]
    test_caps, test_imids = [], []
    for image in range(40):
        for _ in range(5):
            test_caps.append(random_caption(rng, len(names)))
            test_imids.append(image)
    write_split(out / "test_int32_zero_based.h5", "test", test_caps, test_imids, test_urls, names)

    # Broken files, one per error.
    (out / "broken_not_hdf5.h5").write_bytes(b"this is not an HDF5 file\n" * 40)
    data = (out / "train_int32_fixed_int.h5").read_bytes()
    (out / "broken_truncated.h5").write_bytes(data[: len(data) // 3])
    broken = {
        "broken_missing_url.h5": lambda: write_split(out / "broken_missing_url.h5", "train", captions, imids, urls, names,
                                                     extra=lambda f: f.__delitem__("train_url")),
        "broken_rank.h5": lambda: write_split(out / "broken_rank.h5", "train", [t for row in captions for t in row],
                                              imids, urls, names),
        "broken_width.h5": lambda: write_split(out / "broken_width.h5", "train", [row[:16] for row in captions],
                                               imids, urls, names),
        "broken_token.h5": lambda: write_split(out / "broken_token.h5", "train",
                                               captions[:5] + [[1, 4, 1004] + [2] + [0] * 13] + captions[5:],
                                               imids[:5] + [3] + imids[5:], urls, names),
        "broken_imid.h5": lambda: write_split(out / "broken_imid.h5", "train", captions, imids[:-1] + [len(urls) + 1],
                                              urls, names),
        "broken_vocab.h5": lambda: write_split(out / "broken_vocab.h5", "train", captions, imids, urls, names),
    }
    for make in broken.values():
        make()
    # broken_vocab: rewrite word_code with a duplicate id (member 'zzlast' also gets id 4).
    with h5py.File(out / "broken_vocab.h5", "a") as f:
        del f["word_code"]
        dtype = np.dtype([(n, "<i4") for n in names])
        record = np.zeros(1, dtype=dtype)
        for i, n in enumerate(names):
            record[n] = i
        record[names[-1]] = 4
        f.create_dataset("word_code", data=record)
    # The older single-file edition.
    with h5py.File(out / "eee443_project_dataset.h5", "w") as f:
        f.create_dataset("train_cap", data=np.asarray(captions, dtype="int32"))
        f.create_dataset("test_caps", data=np.asarray(test_caps, dtype="int32"))
        f.create_dataset("word_key", data=np.arange(10))

    expected = {
        "examples": [{"imid": imid, "row": row, "printed": printed,
                      "words": [unmangle(t) for t in printed.split() if t not in ("x_START_", "x_END_", "x_NULL_")]}
                     for imid, row, printed in examples()],
        "train": {"captions": len(captions), "images": len(urls), "urls": urls,
                  "captionsPerImage": sorted(imids.count(i) for i in range(1, len(urls) + 1)),
                  "firstRandomRow": captions[len(examples())],
                  "lastRow": captions[-1], "lastImid": imids[-1]},
        "test": {"captions": len(test_caps), "images": len(test_urls), "urls": test_urls, "lastRow": test_caps[-1]},
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=1))


def full(out):
    """One full-size train file in the real layout (for benchmarks)."""
    rng = np.random.default_rng(443)
    images, rows = 82783, 400135
    per_image = np.full(images, rows // images)
    per_image[: rows - per_image.sum()] += 1
    imids = np.repeat(np.arange(1, images + 1, dtype=np.int32), per_image)
    rng.shuffle(imids)
    lengths = rng.integers(6, 16, size=rows)
    caps = np.zeros((rows, WIDTH), dtype=np.int32)
    caps[:, 0] = 1
    words = rng.integers(4, 1004, size=(rows, 15), dtype=np.int32)
    mask = np.arange(15)[None, :] < lengths[:, None]
    caps[:, 1:16] = np.where(mask, words, 0)
    caps[np.arange(rows), lengths + 1] = 2
    pyrng = random.Random(443)
    urls = [url(pyrng) for _ in range(images)]
    names = vocabulary()
    with h5py.File(out / "eee443_project_dataset_train.h5", "w") as f:
        f.create_dataset("train_cap", data=caps)
        f.create_dataset("train_imid", data=imids)
        f.create_dataset("train_url", data=np.array([u.encode() for u in urls], dtype="S63"))
        f.create_dataset("train_ims", data=rng.standard_normal((images, 512), dtype=np.float32))
        write_vocab(f, names, "<f8", 7)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (full if args.full else small)(out)


if __name__ == "__main__":
    main()
