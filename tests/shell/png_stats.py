#!/usr/bin/env python3
"""tests/shell/png_stats.py: what a screenshot shows, without any imaging
library (zlib and the PNG format only), for tests/shell/report_browser.sh.

Usage: png_stats.py FILE.png [#rrggbb ...]
Prints "width height distinct_colours non_white_percent" and then, for each
colour asked for, "#rrggbb PIXELS" (pixels within a small distance of it).
Exits 1 on a file that is not an 8-bit RGB or RGBA PNG.
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, width, height, ctype = 8, [], 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace != 0:
                raise ValueError("only 8-bit RGB/RGBA, not interlaced")
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    try:
        width, height, bpp, rows = read_png(sys.argv[1])
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print("png_stats: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    wanted = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in sys.argv[2:]]
    found = [0] * len(wanted)
    colours, non_white = set(), 0
    for row in rows:
        for x in range(0, len(row), bpp):
            px = (row[x], row[x + 1], row[x + 2])
            colours.add(px)
            if px[0] < 245 or px[1] < 245 or px[2] < 245:
                non_white += 1
            for k, w in enumerate(wanted):
                if abs(px[0] - w[0]) + abs(px[1] - w[1]) + abs(px[2] - w[2]) <= 12:
                    found[k] += 1
    print("%d %d %d %.1f" % (width, height, len(colours), 100.0 * non_white / (width * height)))
    for c, n in zip(sys.argv[2:], found):
        print("%s %d" % (c, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
