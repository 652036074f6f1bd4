"""Python reference for scripts/bench/50-shards.sh: the numpy reader from docs/shard-format.md
(extracted from the page) feeding float32 NHWC batches in [-1, 1], one core.

Usage: shards-numpy-reference.py FOLDER [BATCH]
"""
import pathlib
import sys
import time

import numpy as np

page = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "shard-format.md").read_text()
snippet = page.split("<!-- numpy-reader:begin -->\n```python\n")[1].split("```\n<!-- numpy-reader:end -->")[0]
exec(snippet)  # defines read_shards

folder = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 64


def images_only(folder):
    """The image part of the doc's reader alone (header offsets, one memmap view per shard)."""
    import json
    manifest = json.load(open(f"{folder}/manifest.json"))
    lay = manifest["layout"]
    H, W, C = lay["imageHeight"], lay["imageWidth"], lay["channels"]
    for shard in manifest["shards"]:
        raw = np.memmap(f"{folder}/{shard['file']}", dtype=np.uint8, mode="r")
        n, size = int(raw[16:24].view("<u8")[0]), int(raw[24:28].view("<u4")[0])
        at = int(raw[56:60].view("<u4")[0])
        yield {"images": raw[128 : 128 + n * size].reshape(n, size)[:, at : at + H * W * C].reshape(n, H, W, C)}


def one_pass(reader):
    count = 0
    start = time.perf_counter()
    for shard in reader(folder):
        images = shard["images"]
        for i in range(0, len(images), batch):
            out = images[i : i + batch].astype(np.float32)
            out /= 127.5
            out -= 1
            count += len(out)
    return count, time.perf_counter() - start


for name, reader, note in [("numpy memmap", images_only, "images only"),
                           ("numpy doc reader", read_shards, "all fields, concatenated encodings rebuilt")]:
    one_pass(reader)  # page cache
    count, best = min((one_pass(reader) for _ in range(3)), key=lambda r: r[1])
    print(f"{name:<17} {count / best:9.0f} images/s  NHWC float32 batches of {batch}, no checksums ({note})")
