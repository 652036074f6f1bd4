#!/usr/bin/env python3
"""Builds the imaging test corpus: real JPEG/PNG/GIF/BMP/WebP files written by Pillow (and by a
small zlib PNG writer for what Pillow cannot write: 16-bit RGB and Adam7-interlaced PNG), with
the decision each one must get and, for accepted images, two 64x64 comparison images:

  NAME.ref.f32  the high-quality reference: full-size decode (Pillow, no draft), EXIF transpose,
                CMYK->RGB, alpha over white, then an exact float area resample of the centred
                square crop, as float32 HWC;
  NAME.pil.u8   what Python users get from Pillow's fast path: draft() (DCT scaling) + BOX resize
                of the same crop, as uint8 HWC.

labels.tsv: `file<TAB>label<TAB>has_reference`, label one of accepted, corrupt, grayscale,
too_small, too_large, unsupported, placeholder. placeholders.txt registers the placeholder image
in the Manifests/placeholders.txt format.

  imaging_corpus.py OUT_DIR                 correctness corpus
  imaging_corpus.py --bench OUT_DIR [--per-bucket N]
                                            Flickr-like photo JPEGs per size bucket for benchmarks
"""
import argparse
import hashlib
import io
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageOps

SIZE = 64


# ---------------------------------------------------------------- photo-like pixels

def photo(width, height, rng):
    """A float RGB array that looks like a photo to a codec: a lit gradient background, soft-edged
    shapes, fine texture and sensor noise."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    scale = float(max(width, height))
    angle = rng.uniform(0, 2 * np.pi)
    t = (xx * np.cos(angle) + yy * np.sin(angle)) / scale
    t = (t - t.min()) / max(t.max() - t.min(), 1e-9)
    c0, c1 = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
    image = c0[None, None, :] * (1 - t[..., None]) + c1[None, None, :] * t[..., None]
    for _ in range(rng.integers(4, 9)):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        rx, ry = rng.uniform(0.05, 0.35) * scale, rng.uniform(0.05, 0.35) * scale
        distance = np.sqrt(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2)
        edge = np.clip((1 - distance) * min(rx, ry), 0, 1)  # about one pixel of antialiasing
        colour = rng.uniform(0, 255, 3)
        shade = 0.85 + 0.15 * np.cos((xx - cx) / rx * 2)
        image = image * (1 - edge[..., None]) + (colour[None, None, :] * shade[..., None]) * edge[..., None]
    # Texture: a few sinusoids plus smooth noise upsampled from a coarse grid.
    for _ in range(3):
        fx, fy = rng.uniform(0.02, 0.4, 2)
        image += rng.uniform(2, 8) * np.sin(xx * fx + yy * fy + rng.uniform(0, 6))[..., None]
    coarse = rng.normal(0, 1, (max(2, height // 16), max(2, width // 16), 3))
    smooth = np.stack([np.asarray(Image.fromarray(coarse[..., c].astype(np.float32), mode="F")
                                  .resize((width, height), Image.BICUBIC)) for c in range(3)], axis=-1)
    image += 12 * smooth
    image += rng.normal(0, 4, image.shape)
    return np.clip(image, 0, 255)


def to_uint8(array):
    return np.clip(np.rint(array), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- reference resampling

def area_matrix(origin, length, extent, count):
    """Rows: output pixels; columns: source pixels; entries: exact fractional coverage."""
    step = length / count
    low = np.clip(origin + np.arange(count) * step, 0, extent)[:, None]
    high = np.clip(origin + (np.arange(count) + 1) * step, 0, extent)[:, None]
    j = np.arange(extent)[None, :]
    overlap = np.clip(np.minimum(high, j + 1) - np.maximum(low, j), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def centre_crop(width, height):
    side = min(width, height)
    return (width - side) / 2, (height - side) / 2, side, side


def reference(rgb_float):
    """Exact float area resample of the centred square crop to SIZE x SIZE."""
    height, width = rgb_float.shape[:2]
    x, y, w, h = centre_crop(width, height)
    mx = area_matrix(x, w, width, SIZE)
    my = area_matrix(y, h, height, SIZE)
    return np.stack([my @ rgb_float[..., c] @ mx.T for c in range(3)], axis=-1).astype(np.float32)


def full_decode(path):
    """Pillow's full-size decode as float RGB, after EXIF orientation, CMYK conversion and alpha
    compositing over white."""
    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        return as_rgb_float(im)


def as_rgb_float(im):
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float64)
        alpha = rgba[..., 3:4] / 255
        return rgba[..., :3] * alpha + 255 * (1 - alpha)
    return np.asarray(im.convert("RGB"), dtype=np.float64)


def pillow_fast_path(path):
    """What a Python user writes for speed: draft() (DCT scaling) then a BOX resize of the crop."""
    with Image.open(path) as im:
        original = im.size
        ratio = 1.0
        if im.format == "JPEG":
            drafted = im.draft("RGB", (SIZE, SIZE))
            if drafted:
                ratio = drafted[1][2] / original[0]
        if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):
            original = (original[1], original[0])
        im = ImageOps.exif_transpose(im)
        x, y, w, h = centre_crop(*original)
        box = (x * ratio, y * ratio, (x + w) * ratio, (y + h) * ratio)
        rgb = Image.fromarray(to_uint8(as_rgb_float(im)))
        return np.asarray(rgb.resize((SIZE, SIZE), Image.BOX, box=box), dtype=np.uint8)


# ---------------------------------------------------------------- PNG writer for 16-bit / Adam7

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path, array, bit_depth=8, interlace=False):
    """RGB or RGBA PNG with filter 0, independent of libpng; array is uint8 or uint16 HWC."""
    height, width, channels = array.shape
    colour_type = {3: 2, 4: 6}[channels]
    dtype = ">u2" if bit_depth == 16 else "u1"
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        sub = array[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw += b"\x00" + row.astype(dtype).tobytes()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 1 if interlace else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(bytes(raw), 6))
                + png_chunk(b"IEND", b""))


def patch_png_size(data, width, height):
    """Rewrites IHDR's size (with a valid CRC) so only the header lies."""
    ihdr = bytearray(data[8 + 8:8 + 8 + 13])
    ihdr[0:8] = struct.pack(">II", width, height)
    chunk = png_chunk(b"IHDR", bytes(ihdr))
    return data[:8] + chunk + data[8 + 25:]


def patch_jpeg_size(data, width, height):
    """Rewrites the SOF segment's size fields."""
    data = bytearray(data)
    position = 2
    while position < len(data):
        marker = data[position + 1]
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[position + 5:position + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        position += 2 + length
    raise ValueError("no SOF marker")


# ---------------------------------------------------------------- corpus

class Corpus:
    def __init__(self, directory):
        self.directory = directory
        self.labels = []

    def path(self, name):
        return os.path.join(self.directory, name)

    def add(self, name, label):
        has_reference = label == "accepted"
        if has_reference:
            path = self.path(name)
            reference(full_decode(path)).tofile(path + ".ref.f32")
            pillow_fast_path(path).tofile(path + ".pil.u8")
        self.labels.append((name, label, int(has_reference)))

    def write_bytes(self, name, data, label):
        with open(self.path(name), "wb") as f:
            f.write(data)
        self.add(name, label)

    def save(self, name, image, label, **params):
        image.save(self.path(name), **params)
        self.add(name, label)

    def finish(self):
        with open(self.path("labels.tsv"), "w") as f:
            for row in self.labels:
                f.write("\t".join(map(str, row)) + "\n")


def jpeg_bytes(image, **params):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **params)
    return buffer.getvalue()


def build(directory):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(443)
    corpus = Corpus(directory)

    def rgb(width, height):
        return Image.fromarray(to_uint8(photo(width, height, rng)), "RGB")

    # Photo-like JPEGs: many sizes and aspect ratios, every common subsampling, quality 75-95.
    sizes = [(640, 480), (480, 640), (640, 427), (640, 360), (500, 500), (333, 250), (97, 131),
             (641, 479), (800, 600), (1024, 768), (1600, 1200), (64, 64), (150, 100), (2048, 1536)]
    for index, (width, height) in enumerate(sizes):
        for subsampling, tag in [(2, "420"), (1, "422"), (0, "444")]:
            quality = [75, 85, 95][(index + subsampling) % 3]
            corpus.save(f"photo_{width}x{height}_{tag}.jpg", rgb(width, height), "accepted",
                        quality=quality, subsampling=subsampling)
    corpus.save("progressive.jpg", rgb(640, 480), "accepted", quality=85, progressive=True)
    corpus.save("progressive_444.jpg", rgb(500, 375), "accepted", quality=90, progressive=True, subsampling=0)
    corpus.save("restart_blocks.jpg", rgb(640, 480), "accepted", quality=85, restart_marker_blocks=4)
    corpus.save("restart_rows.jpg", rgb(480, 640), "accepted", quality=80, restart_marker_rows=1)
    corpus.save("cmyk.jpg", rgb(640, 480).convert("CMYK"), "accepted", quality=90)
    for orientation in (3, 6, 8, 2, 5, 7):
        exif = Image.Exif()
        exif[0x0112] = orientation
        corpus.save(f"exif_orientation_{orientation}.jpg", rgb(640, 480), "accepted", quality=85, exif=exif)
    # A mostly gray photo with one coloured object is a colour image.
    gray_photo = np.repeat(photo(640, 480, rng).mean(axis=2, keepdims=True), 3, axis=2)
    gray_photo[200:260, 300:380] = [200, 40, 40]
    corpus.save("gray_with_red_patch.jpg", Image.fromarray(to_uint8(gray_photo)), "accepted", quality=85)

    # PNG: every colour type that carries colour, 16-bit, interlaced, transparency.
    base = to_uint8(photo(400, 300, rng))
    corpus.save("png_rgb.png", Image.fromarray(base), "accepted")
    alpha = np.tile(np.linspace(0, 255, 400, dtype=np.float64)[None, :], (300, 1))
    rgba = np.dstack([base, to_uint8(alpha)])
    corpus.save("png_rgba.png", Image.fromarray(rgba, "RGBA"), "accepted")
    corpus.save("png_palette.png", Image.fromarray(base).quantize(colors=256), "accepted")
    palette_transparent = Image.fromarray(base).quantize(colors=64)
    palette_transparent.info["transparency"] = 0
    corpus.save("png_palette_trns.png", palette_transparent, "accepted", transparency=0)
    wide = np.clip(photo(320, 240, rng) * 257, 0, 65535).astype(np.uint16)
    write_png(corpus.path("png_rgb16.png"), wide, bit_depth=16)
    corpus.labels.append(("png_rgb16.png", "accepted", 1))
    reference(wide.astype(np.float64) / 257).tofile(corpus.path("png_rgb16.png.ref.f32"))
    pil16 = Image.fromarray(to_uint8(wide.astype(np.float64) / 257)).resize((SIZE, SIZE), Image.BOX, box=(40, 0, 280, 240))
    np.asarray(pil16, dtype=np.uint8).tofile(corpus.path("png_rgb16.png.pil.u8"))
    write_png(corpus.path("png_interlaced.png"), to_uint8(photo(333, 222, rng)), interlace=True)
    corpus.add("png_interlaced.png", "accepted")
    write_png(corpus.path("png_interlaced_rgba.png"), np.dstack([to_uint8(photo(200, 150, rng)),
              np.full((150, 200), 128, np.uint8)]), interlace=True)
    corpus.add("png_interlaced_rgba.png", "accepted")

    # Grayscale: one channel, and three channels that are all gray (exactly or within tolerance).
    gray = Image.fromarray(to_uint8(photo(640, 480, rng).mean(axis=2)), "L")
    corpus.save("gray_L.jpg", gray, "grayscale", quality=85)
    corpus.save("gray_rgb.jpg", gray.convert("RGB"), "grayscale", quality=85)
    corpus.save("gray_rgb_444.jpg", gray.convert("RGB"), "grayscale", quality=95, subsampling=0)
    tinted = np.asarray(gray.convert("RGB"), dtype=np.float64) + np.array([2, 0, -2])
    corpus.save("gray_tinted.png", Image.fromarray(to_uint8(tinted)), "grayscale")
    corpus.save("gray_L.png", gray, "grayscale")
    corpus.save("gray_LA.png", gray.convert("LA"), "grayscale")
    corpus.save("gray_palette.png", gray.convert("RGB").quantize(colors=128), "grayscale")

    # Too small, too large (header only), corrupt, unsupported.
    corpus.save("small_24x24.jpg", rgb(24, 24), "too_small", quality=90)
    corpus.save("small_24x24.png", rgb(24, 24), "too_small")
    corpus.save("small_200x40.jpg", rgb(200, 40), "too_small", quality=90)
    small_jpeg = jpeg_bytes(rgb(64, 48), quality=85)
    corpus.write_bytes("huge_30000x30000.jpg", patch_jpeg_size(small_jpeg, 30000, 30000), "too_large")
    png_buffer = io.BytesIO()
    rgb(64, 48).save(png_buffer, "PNG")
    corpus.write_bytes("huge_30000x30000.png", patch_png_size(png_buffer.getvalue(), 30000, 30000), "too_large")

    full = jpeg_bytes(rgb(640, 480), quality=85)
    corpus.write_bytes("truncated.jpg", full[:len(full) * 6 // 10], "corrupt")
    corpus.write_bytes("truncated_progressive.jpg", (lambda b: b[:len(b) // 2])(
        jpeg_bytes(rgb(640, 480), quality=85, progressive=True)), "corrupt")
    corpus.write_bytes("truncated_header.jpg", full[:300], "corrupt")
    corpus.write_bytes("zero_bytes.jpg", b"", "corrupt")
    corpus.write_bytes("garbage.jpg", rng.integers(0, 256, 5000, dtype=np.uint8).tobytes(), "corrupt")
    corpus.write_bytes("html_page.jpg", b"<!DOCTYPE html><html><body>Not found</body></html>\n" * 20, "corrupt")
    png_full = io.BytesIO()
    rgb(300, 200).save(png_full, "PNG")
    png_data = png_full.getvalue()
    corpus.write_bytes("truncated.png", png_data[:len(png_data) * 6 // 10], "corrupt")
    bad_crc = bytearray(png_data)
    bad_crc[len(bad_crc) // 2] ^= 0xFF
    corpus.write_bytes("bad_crc.png", bytes(bad_crc), "corrupt")

    corpus.save("animated.gif", rgb(200, 150).convert("P"), "unsupported")
    corpus.save("bitmap.bmp", rgb(200, 150), "unsupported")
    corpus.save("image.webp", rgb(200, 150), "unsupported", quality=80)
    corpus.save("image.tiff", rgb(200, 150), "unsupported")

    # The "photo unavailable" placeholder: a colour image that would otherwise be accepted.
    placeholder = Image.new("RGB", (500, 374), (230, 230, 230))
    draw = ImageDraw.Draw(placeholder)
    draw.ellipse((200, 100, 300, 200), fill=(0, 99, 220))
    draw.ellipse((240, 140, 340, 240), fill=(255, 0, 132))
    draw.text((170, 280), "This photo is currently unavailable", fill=(120, 120, 120))
    corpus.save("placeholder.png", placeholder, "placeholder")
    with open(corpus.path("placeholder.png"), "rb") as f:
        data = f.read()
    with open(corpus.path("placeholders.txt"), "w") as f:
        f.write(f"{hashlib.sha256(data).hexdigest()} {len(data)} corpus placeholder.png\n")
    corpus.finish()


# ---------------------------------------------------------------- benchmark corpus

BUCKETS = {"320x240": (320, 240), "500x375": (500, 375), "640x480": (640, 480), "1024x768": (1024, 768),
           "2048x1536": (2048, 1536)}


def build_bench(directory, per_bucket):
    """Flickr-like photo JPEGs (4:2:0, quality 75-95, some portrait) in one folder per bucket."""
    rng = np.random.default_rng(2024)
    for bucket, (width, height) in BUCKETS.items():
        folder = os.path.join(directory, bucket)
        os.makedirs(folder, exist_ok=True)
        for index in range(per_bucket):
            w, h = (width, height) if index % 4 else (height, width)
            image = Image.fromarray(to_uint8(photo(w, h, rng)), "RGB")
            image.save(os.path.join(folder, f"{index:04d}.jpg"), quality=int(rng.integers(75, 96)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--bench", action="store_true")
    parser.add_argument("--per-bucket", type=int, default=100)
    args = parser.parse_args()
    if args.bench:
        build_bench(args.out, args.per_bucket)
    else:
        build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
