#!/usr/bin/env python3
"""Python references for scripts/bench/40-imaging.sh: per size bucket, the best-of-N time per image of
  pillow      Image.open + draft("RGB", (64, 64)) + BOX resize of the centred square crop
  img2dataset img2dataset 1.47 Resizer(64, "center_crop"): cv2.imdecode + albumentations INTER_AREA
              SmallestMaxSize + CenterCrop + its default JPEG re-encode, called directly on the bytes
Times are process CPU time (time.process_time), as t2i's are thread CPU time, so load from other
work on a shared machine does not count; OpenCV runs with one thread.
Prints: bucket<TAB>images<TAB>pillow_us<TAB>img2dataset_us"""
import io
import os
import sys
import time

import cv2
from PIL import Image

SIZE = 64


def pillow(data):
    im = Image.open(io.BytesIO(data))
    original = im.size
    drafted = im.draft("RGB", (SIZE, SIZE))
    ratio = drafted[1][2] / original[0] if drafted else 1.0
    side = min(original)
    x, y = (original[0] - side) / 2, (original[1] - side) / 2
    box = (x * ratio, y * ratio, (x + side) * ratio, (y + side) * ratio)
    return im.convert("RGB").resize((SIZE, SIZE), Image.BOX, box=box)


def best_time(function, files, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for data in files:
            function(data)
        best = min(best, (time.process_time() - start) / len(files))
    return best * 1e6


def main():
    root, repeats = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
    cv2.setNumThreads(1)
    from img2dataset.resizer import Resizer
    resizer = Resizer(image_size=SIZE, resize_mode="center_crop", resize_only_if_bigger=False)

    def img2dataset(data):
        result = resizer(io.BytesIO(data))
        if result[-1] is not None:
            raise RuntimeError(result[-1])
        return result

    def area(name):
        w, h = name.split("x")
        return int(w) * int(h)

    print("bucket\timages\tpillow_us\timg2dataset_us")
    for bucket in sorted(os.listdir(root), key=area):
        folder = os.path.join(root, bucket)
        files = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".jpg"):
                with open(os.path.join(folder, name), "rb") as f:
                    files.append(f.read())
        print(f"{bucket}\t{len(files)}\t{best_time(pillow, files, repeats):.1f}\t"
              f"{best_time(img2dataset, files, repeats):.1f}", flush=True)


if __name__ == "__main__":
    main()
