# Run inside gdb-multiarch (see gdb-truth.sh): prints gdb's view of every halfword address in the executable
# sections of the loaded ELF (or of the addresses listed in the file $TRUTH_PCS), one line per address:
#   0xADDR<TAB>FRAME;FRAME...<TAB>MINSYM
# FRAME is function|file|line|i (inlined) or function|file|line|- (the concrete function), innermost first, as
# gdb's frames would show them: the innermost location is find_pc_line(pc); each outer level's location is the
# call site recorded on the inlined function's symbol (DW_AT_call_file/DW_AT_call_line). file is symtab.filename,
# "" and 0 when gdb has no line. No function block gives "??". MINSYM is the ELF symbol gdb names ("" when none).
import gdb

def frames(pc):
    block = None
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        block = None
    chain = []
    while block is not None:
        if block.function is not None:
            chain.append(block)
            if not _inlined(block):
                break
        block = block.superblock
    if not chain:
        return "??"
    out = []
    sal = gdb.find_pc_line(pc)
    file = sal.symtab.filename if sal.symtab is not None and sal.line != 0 else ""
    line = sal.line if sal.symtab is not None else 0
    for i, b in enumerate(chain):
        inl = _inlined(b)
        out.append("%s|%s|%d|%s" % (b.function.name, file, line, "i" if inl else "-"))
        sym = b.function
        if sym.line != 0 and sym.symtab is not None:
            file, line = sym.symtab.filename, sym.line
        else:
            file, line = "", 0
    return ";".join(out)

def _inlined(block):
    # A function block is inlined when an enclosing block (below the static block) also has a function.
    b = block.superblock
    while b is not None and not b.is_static and not b.is_global:
        if b.function is not None:
            return True
        b = b.superblock
    return False

def minsym(pc):
    text = gdb.execute("info symbol 0x%x" % pc, to_string=True).strip()
    if text.startswith("No symbol"):
        return ""
    return text.split(" in section")[0]

import os
import re
ranges = []
for line in gdb.execute("info files", to_string=True).splitlines():
    m = re.match(r"\s*0x([0-9a-f]+) - 0x([0-9a-f]+) is (\S+)", line)
    if m and m.group(3).startswith(".text"):
        ranges.append((int(m.group(1), 16), int(m.group(2), 16)))
if os.environ.get("TRUTH_PCS"):
    # Only the addresses listed (one hex number a line) in the file TRUTH_PCS names.
    pcs = [int(l, 16) for l in open(os.environ["TRUTH_PCS"]) if l.strip()]
else:
    pcs = [pc for lo, hi in ranges for pc in range(lo, hi, 2)]
for pc in pcs:
    print("0x%08x\t%s\t%s" % (pc, frames(pc), minsym(pc)))
