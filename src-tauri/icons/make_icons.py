#!/usr/bin/env python3
"""Draws Sightline's app icon and writes the PNG and ICO files Tauri needs.

Standard library only (no Pillow), so anyone can regenerate the icons:
    python3 src-tauri/icons/make_icons.py
The mark: a dark rounded square with a rising line (a journey's latency
settling under its SLO) ending in a bright dot.
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
BG = (17, 24, 39)        # slate-900
LINE = (45, 212, 191)    # teal-400
DOT = (250, 204, 21)     # amber-400
# The polyline, in unit coordinates (0..1, y down).
POINTS = [(0.18, 0.66), (0.38, 0.46), (0.54, 0.58), (0.80, 0.30)]


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def sample(x, y):
    """Colour and alpha of the unit-square point (x, y)."""
    r, m = 0.22, 0.04  # corner radius, margin
    cx = min(max(x, m + r), 1 - m - r)
    cy = min(max(y, m + r), 1 - m - r)
    if math.hypot(x - cx, y - cy) > r:
        return (0, 0, 0, 0)
    ex, ey = POINTS[-1]
    if math.hypot(x - ex, y - ey) < 0.075:
        return DOT + (255,)
    d = min(seg_dist(x, y, *a, *b) for a, b in zip(POINTS, POINTS[1:]))
    if d < 0.045:
        return LINE + (255,)
    return BG + (255,)


def render(size, ss=4):
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        for i in range(size):
            acc = [0, 0, 0, 0]
            for sj in range(ss):
                for si in range(ss):
                    c = sample((i + (si + 0.5) / ss) / size, (j + (sj + 0.5) / ss) / size)
                    a = c[3]
                    for k in range(3):
                        acc[k] += c[k] * a
                    acc[3] += a
            n = ss * ss
            a = acc[3]
            rgb = [round(acc[k] / a) if a else 0 for k in range(3)]
            row += bytes(rgb + [round(a / n)])
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def ico(images):
    """An ICO holding PNG images (allowed since Windows Vista)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return head + entries + blobs


def main():
    pngs = {s: render(s) for s in (16, 32, 128, 256)}
    files = {
        "32x32.png": pngs[32],
        "128x128.png": pngs[128],
        "128x128@2x.png": pngs[256],
        "icon.png": pngs[256],
        "icon.ico": ico([(16, pngs[16]), (32, pngs[32]), (256, pngs[256])]),
    }
    for name, data in files.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
