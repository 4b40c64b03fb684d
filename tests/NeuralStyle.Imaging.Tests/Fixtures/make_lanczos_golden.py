#!/usr/bin/python3
"""Writes lanczos-golden.json: Lanczos-3 resizes computed by Pillow, an independent implementation.

Run from this folder (Debian: apt-get install python3-pil python3-numpy):
    /usr/bin/python3 make_lanczos_golden.py > lanczos-golden.json

Each RGB channel is resized as a 32-bit float image ("F" mode), so Pillow keeps full precision
between its horizontal and vertical passes, as NeuralStyle's resampler does; the result is rounded
to the nearest byte and clamped to 0..255 at the end, as NeuralStyle does.
"""
import json

import numpy as np
import PIL
from PIL import Image

WIDTH, HEIGHT = 23, 17
TARGETS = [(10, 7), (41, 30), (15, 29), (23, 5)]


def source():
    """A deterministic pattern with smooth gradients, hard edges and fine texture."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    r = (x * 11 + y * 3) % 256
    g = np.where((x // 3 + y // 2) % 2 == 0, 230, 20)
    b = (x * y * 7 + 40) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def resize(rgb, width, height):
    channels = []
    for c in range(3):
        plane = Image.fromarray(rgb[:, :, c].astype(np.float32), mode="F")
        out = np.asarray(plane.resize((width, height), Image.LANCZOS), dtype=np.float64)
        channels.append(np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8))
    return np.stack(channels, axis=-1)


rgb = source()
print(json.dumps({
    "generator": f"make_lanczos_golden.py with Pillow {PIL.__version__}, Image.LANCZOS on float32 planes",
    "width": WIDTH,
    "height": HEIGHT,
    "pixels": rgb.reshape(-1).tolist(),
    "resized": [
        {"width": w, "height": h, "pixels": resize(rgb, w, h).reshape(-1).tolist()}
        for (w, h) in TARGETS
    ],
}, separators=(",", ":")))
