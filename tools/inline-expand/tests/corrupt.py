#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""corrupt.py IN OUT SECTION MODE: copy an ELF64 with one section spoiled.

MODE: "ff" fills the section with 0xff, "zero" with zeros, "half"
keeps its first half and fills the rest with 0xff, "offset" points
the section's file offset past the end of the file.
"""
import struct
import sys


def main():
    src, dst, name, mode = sys.argv[1:5]
    data = bytearray(open(src, 'rb').read())
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)

    def shdr(i):
        return struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)

    stroff = shdr(shstrndx)[4]
    for i in range(shnum):
        h = shdr(i)
        end = data.index(b'\0', stroff + h[0])
        if data[stroff + h[0]:end].decode() != name:
            continue
        off, size = h[4], h[5]
        if mode == 'offset':
            struct.pack_into('<Q', data, shoff + i * shentsize + 0x18,
                             len(data) + 4096)
        else:
            start = off + size // 2 if mode == 'half' else off
            fill = 0 if mode == 'zero' else 0xff
            data[start:off + size] = bytes([fill]) * (off + size - start)
        open(dst, 'wb').write(data)
        return 0
    sys.exit('corrupt.py: no section ' + name)


if __name__ == '__main__':
    main()
