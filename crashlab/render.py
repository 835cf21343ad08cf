#!/usr/bin/env python3
"""Crash-lab renderers, written from the reference notes (an independent
implementation that the Java side is pinned against):

- flash composition: 1 MiB of 0xFF plus the PT_LOAD segments of ELF files
- CURRENT.UF2 as the Adafruit nRF52 bootloader renders it
- INFO_UF2.TXT as a given bootloader version writes it
- the coredump partition, the bare 'ZE' stream, a `#CD:` console log
- a small parser of the 'CD' header and 'ZE' stream, used to check dumps

Usage: render.py uf2 FLASH.bin OUT.UF2 --family 0x239A00B3 --end 0xAD000
"""
import argparse
import struct

FLASH_SIZE = 0x100000
PART_SIZE = 0x10000

UF2_MAGIC0 = 0x0A324655
UF2_MAGIC1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30
UF2_FLAG_FAMILY_ID = 0x00002000

# USER_FLASH_END by bootloader version (USER_FLASH_START is 0x1000 since 0.4.0)
WINDOW_END_0_4_0_TO_0_6_0 = 0xAD000
WINDOW_END_0_6_1_AND_LATER = 0xEA000

# The family a Zephyr build's zephyr.uf2 carries for the nRF52840 (CONFIG_BUILD_OUTPUT_UF2_FAMILY_ID), which the
# Adafruit bootloader accepts besides its board's own family
NRF52840_FAMILY = 0xADA52840

FAMILY = {
    "nice_nano": 0x239A00B3,
    "xiao": 0x28860044,
    "xiao_sense": 0x28860045,
}

# INFO_UF2.TXT, CRLF line endings. 0.4.0-0.6.2 put Date after the SoftDevice
# line and say "S140 version 6.1.1"; 0.7.0 and later put Date after Board-ID
# and say "S140 6.1.1". The 0.6.0 and Seeed 0.6.1 texts are field-observed
# (reference notes §2.3, §2.6); the 0.9.2 submodule versions are illustrative.
INFO_TEXT = {
    ("nice_nano", "0.6.0"):
        "UF2 Bootloader 0.6.0 lib/nrfx (v2.0.0) lib/tinyusb (0.10.1-41-gdf0cda2d) "
        "lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)\r\n"
        "Model: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\n"
        "SoftDevice: S140 version 6.1.1\r\nDate: Jun 19 2021\r\n",
    ("nice_nano", "0.9.2"):
        "UF2 Bootloader 0.9.2 lib/nrfx (v2.0.0) lib/tinyusb (0.12.0-145-g9775e7691) "
        "lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)\r\n"
        "Model: nice!nano\r\nBoard-ID: nRF52840-nicenano\r\n"
        "Date: Dec  5 2024\r\nSoftDevice: S140 6.1.1\r\n",
    ("xiao_sense", "0.6.1"):
        "UF2 Bootloader 0.6.1 lib/nrfx (v2.0.0) lib/tinyusb (0.10.1-293-gaf8e5a90) "
        "lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)\r\n"
        "Model: Seeed XIAO nRF52840\r\nBoard-ID: Seeed_XIAO_nRF52840_Sense\r\n"
        "SoftDevice: S140 version 7.3.0\r\nDate: Nov 12 2021\r\n",
    ("xiao", "0.8.0"):
        "UF2 Bootloader 0.8.0 lib/nrfx (v2.0.0) lib/tinyusb (0.12.0-145-g9775e7691) "
        "lib/uf2 (remotes/origin/configupdate-9-gadbb8c7)\r\n"
        "Model: Seeed XIAO nRF52840\r\nBoard-ID: nRF52840-SeeedXiao-v1\r\n"
        "Date: Jan 18 2023\r\nSoftDevice: S140 7.3.0\r\n",
}


def window_end(bootloader_version):
    v = tuple(int(x) for x in bootloader_version.split("."))
    if v >= (0, 6, 1):
        return WINDOW_END_0_6_1_AND_LATER
    if v >= (0, 4, 0):
        return WINDOW_END_0_4_0_TO_0_6_0
    raise ValueError("bootloaders before 0.4.0 start CURRENT.UF2 at 0x26000; not modelled")


def elf_segments(path):
    """(physical address, bytes) of every PT_LOAD segment with file data."""
    d = open(path, "rb").read()
    if d[:4] != b"\x7fELF" or d[4] != 1 or d[5] != 1:
        raise ValueError("%s: not a 32-bit little-endian ELF" % path)
    phoff, = struct.unpack_from("<I", d, 28)
    phentsize, phnum = struct.unpack_from("<HH", d, 42)
    segs = []
    for i in range(phnum):
        p_type, p_offset, _vaddr, p_paddr, p_filesz = struct.unpack_from("<5I", d, phoff + i * phentsize)
        if p_type == 1 and p_filesz > 0:
            segs.append((p_paddr, d[p_offset:p_offset + p_filesz]))
    return segs


def elf_sections(path):
    """(name, load address, size) of every allocated section with file data (SHF_ALLOC, not SHT_NOBITS), at its
    load address: the segment's p_paddr plus the section's offset inside the segment."""
    d = open(path, "rb").read()
    phoff, shoff = struct.unpack_from("<II", d, 28)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", d, 42)
    segs = []
    for i in range(phnum):
        p_type, p_offset, _vaddr, p_paddr, p_filesz = struct.unpack_from("<5I", d, phoff + i * phentsize)
        if p_type == 1 and p_filesz > 0:
            segs.append((p_offset, p_paddr, p_filesz))
    str_off = struct.unpack_from("<I", d, shoff + shstrndx * shentsize + 16)[0]
    out = []
    for i in range(shnum):
        name, sh_type, flags, _addr, offset, size = struct.unpack_from("<6I", d, shoff + i * shentsize)
        if not (flags & 2) or sh_type == 8 or size == 0:
            continue
        for p_offset, p_paddr, p_filesz in segs:
            if p_offset <= offset and offset + size <= p_offset + p_filesz:
                nm = d[str_off + name:d.index(b"\0", str_off + name)].decode()
                out.append((nm, p_paddr + offset - p_offset, size))
    return sorted(out, key=lambda s: s[1])


def load_gaps(path):
    """(address, size) of the holes between consecutive loadable sections: bytes no section defines."""
    secs = elf_sections(path)
    return [(a[1] + a[2], b[1] - (a[1] + a[2])) for a, b in zip(secs, secs[1:]) if b[1] > a[1] + a[2]]


def uf2conv(data, base, family):
    """zephyr.uf2 from zephyr.bin as Zephyr's scripts/build/uf2conv.py convert_to_uf2() makes it (-c -b base -f
    family): 256-byte payloads, the last one padded with 0x00, flags 0x2000 with the family ID."""
    n = (len(data) + 255) // 256
    out = bytearray()
    for i in range(n):
        chunk = data[i * 256:(i + 1) * 256]
        chunk += bytes(256 - len(chunk))
        out += struct.pack("<8I", UF2_MAGIC0, UF2_MAGIC1, UF2_FLAG_FAMILY_ID, base + i * 256, 256, i, n, family)
        out += chunk + bytes(476 - 256) + struct.pack("<I", UF2_MAGIC_END)
    return bytes(out)


def uf2_payloads(uf2, board_family, end, start=0x1000):
    """(target address, payload) of the blocks the bootloader writes, as ghostfat.c write_block() takes them: the
    three magics, flag 0x2000, payload 256 at a 256-aligned address, family the board's own or 0xADA52840
    (application), and USER_FLASH_START <= address < USER_FLASH_END; blocks below 0x1000 are skipped, others
    rejected."""
    out = []
    for off in range(0, len(uf2) - 511, 512):
        m0, m1, flags, addr, size, _no, _n, family = struct.unpack_from("<8I", uf2, off)
        m_end, = struct.unpack_from("<I", uf2, off + 508)
        if (m0, m1, m_end) != (UF2_MAGIC0, UF2_MAGIC1, UF2_MAGIC_END) or not flags & UF2_FLAG_FAMILY_ID \
                or flags & 1 or size != 256 or addr % 256:
            continue
        if family not in (board_family, NRF52840_FAMILY) or addr < start or addr >= end:
            continue
        out.append((addr, uf2[off + 32:off + 32 + size]))
    return out


def compose_flash(elves, partition=None, part_addr=None, base=0, size=FLASH_SIZE, written=()):
    """Erased flash (1 MiB at 0 unless told) with the ELFs' load segments, the payloads of UF2 files written by the
    bootloader, and a partition image."""
    f = bytearray(b"\xff" * size)
    for path in elves:
        for addr, data in elf_segments(path):
            f[addr - base:addr - base + len(data)] = data
    for payloads in written:
        for addr, data in payloads:
            f[addr - base:addr - base + len(data)] = data
    if partition is not None:
        f[part_addr - base:part_addr - base + len(partition)] = partition
    return bytes(f)


def current_uf2(flash, family, end, start=0x1000):
    """CURRENT.UF2 as ghostfat.c read_block() renders it."""
    n = (end - start) // 256
    out = bytearray()
    for i in range(n):
        addr = start + i * 256
        blk = struct.pack("<8I", UF2_MAGIC0, UF2_MAGIC1, UF2_FLAG_FAMILY_ID, addr, 256, i, n, family)
        blk += flash[addr:addr + 256] + bytes(476 - 256)
        blk += struct.pack("<I", UF2_MAGIC_END)
        assert len(blk) == 512
        out += blk
    return bytes(out)


def sum16(data):
    return sum(data) & 0xFFFF


def parse_partition(part):
    """Checks the 'CD' header and walks the 'ZE' stream the way a careful
    reader would. Returns a dict of facts (used for scenario.json)."""
    r = {"header": None}
    ident, ver, size, flags, checksum, error = struct.unpack_from("<2sHIHHi", part, 0)
    if ident != b"CD":
        r["header"] = "erased" if part[:16] == b"\xff" * 16 else "invalid"
        r["data_present"] = any(b != 0xFF for b in part[16:])
        return r
    r.update(header="valid", hdr_version=ver, size=size, flags=flags, checksum="0x%04x" % checksum,
             error=error)
    data = part[16:16 + size]
    r["checksum_computed"] = "0x%04x" % sum16(data)
    r["checksum_ok"] = sum16(data) == checksum
    r.update(parse_stream(data))
    return r


def parse_stream(data):
    r = {"blocks": []}
    if data[:2] != b"ZE":
        r["stream"] = "no ZE header"
        return r
    _, hver, tgt, ptrbits, flag, reason = struct.unpack_from("<2sHHBBI", data, 0)
    r.update(ze_version=hver, tgt_code=tgt, ptr_size_bits=ptrbits, flag=flag, reason=reason)
    off = 12
    truncated = False
    while off < len(data):
        bid = chr(data[off])
        if bid in "AT":
            if off + 5 > len(data):
                truncated = True
                break
            _, bver, nbytes = struct.unpack_from("<cHH", data, off)
            blk = {"id": bid, "version": bver, "num_bytes": nbytes, "offset": off}
            if off + 5 + nbytes > len(data):
                truncated = True
                blk["truncated"] = True
            if bid == "A" and not blk.get("truncated"):
                regs = struct.unpack_from("<%dI" % (nbytes // 4), data, off + 5)
                names = ["r0", "r1", "r2", "r3", "r12", "lr", "pc", "xpsr", "sp",
                         "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11"]
                blk["registers"] = {n: "0x%08x" % v for n, v in zip(names, regs)}
            r["blocks"].append(blk)
            off += 5 + nbytes
        elif bid == "M":
            if off + 11 > len(data):
                truncated = True
                break
            _, bver, start, end = struct.unpack_from("<cHII", data, off)
            blk = {"id": "M", "version": bver, "start": "0x%08x" % start, "end": "0x%08x" % end,
                   "offset": off}
            avail = len(data) - (off + 11)
            if end - start > avail:
                truncated = True
                blk["truncated"] = True
                blk["bytes_present"] = avail
            r["blocks"].append(blk)
            off += 11 + (end - start)
        else:
            r["stream"] = "unknown block id 0x%02x at %d" % (data[off], off)
            break
    r["truncated"] = truncated
    return r


def cd_console_log(uart_text, part, line_bytes=64):
    """The UART log followed by `coredump print` output: hex lines prefixed
    #CD: between #CD:BEGIN# and #CD:END#."""
    lines = [l for l in uart_text.replace("\r\n", "\n").split("\n") if l]
    out = lines[:]
    ident, _, size = struct.unpack_from("<2sHI", part, 0)
    out.append("uart:~$ coredump print")
    if ident != b"CD":
        out.append("Stored coredump NOT found")
    else:
        data = part[16:16 + size]
        out.append("#CD:BEGIN#")
        for i in range(0, len(data), line_bytes):
            out.append("#CD:" + data[i:i + line_bytes].hex())
        out.append("#CD:END#")
    out.append("uart:~$ ")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("uf2", help="render CURRENT.UF2 from a 1 MiB flash image")
    u.add_argument("flash")
    u.add_argument("out")
    u.add_argument("--family", type=lambda s: int(s, 0), required=True)
    u.add_argument("--end", type=lambda s: int(s, 0), required=True)
    c = sub.add_parser("compose", help="compose a 1 MiB flash image from ELFs and a partition")
    c.add_argument("out")
    c.add_argument("elves", nargs="+")
    c.add_argument("--partition")
    c.add_argument("--part-addr", type=lambda s: int(s, 0))
    p = sub.add_parser("parse", help="print what a partition image holds")
    p.add_argument("partition")
    a = ap.parse_args()
    if a.cmd == "uf2":
        open(a.out, "wb").write(current_uf2(open(a.flash, "rb").read(), a.family, a.end))
    elif a.cmd == "compose":
        part = open(a.partition, "rb").read() if a.partition else None
        open(a.out, "wb").write(compose_flash(a.elves, part, a.part_addr))
    else:
        import json
        print(json.dumps(parse_partition(open(a.partition, "rb").read()), indent=1))


if __name__ == "__main__":
    main()
