"""Decode every image of a demo dataset folder with Pillow and print what each file really is.

Usage: check_demo_images.py DIR  ->  JSON {id: {...}} on stdout, read by DemoDataTests.
"""
import csv
import json
import sys

from PIL import Image


def describe(path):
    try:
        with Image.open(path) as image:
            image.load()
            info = {
                "format": image.format,
                "mode": image.mode,
                "size": list(image.size),
                "progressive": bool(image.info.get("progressive") or image.info.get("progression")),
                "interlace": bool(image.info.get("interlace")),
            }
            if image.mode == "RGB":
                r, g, b = image.split()
                info["gray_pixels"] = list(r.getdata()) == list(g.getdata()) == list(b.getdata())
            return info
    except Exception as error:  # noqa: BLE001 - every failure is reported as data
        return {"error": type(error).__name__}


def main():
    root = sys.argv[1]
    result = {}
    with open(f"{root}/demo_images.tsv", newline="") as index:
        for row in csv.DictReader(index, delimiter="\t"):
            result[row["id"]] = describe(f"{root}/images{row['path']}")
    result["placeholder"] = describe(f"{root}/images/photo_unavailable.png")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
