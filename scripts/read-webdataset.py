"""Reads WebDataset tar shards with the real `webdataset` package and prints one JSON line per
sample: key, the decoded JSON fields, the caption text and the PNG decoded to RGB pixels.

Usage: read-webdataset.py TAR [TAR ...]
"""
import json
import sys

import webdataset as wds


def main(paths):
    dataset = wds.WebDataset(paths, shardshuffle=False).decode("rgb8").to_tuple("__key__", "png", "txt", "json")
    for key, image, text, meta in dataset:
        print(json.dumps({
            "key": key,
            "shape": list(image.shape),
            "pixels": image.reshape(-1).tolist(),
            "txt": text,
            "json": meta,
        }))


if __name__ == "__main__":
    main(sys.argv[1:])
