# Runs inside gdb-multiarch (python). Records the ground truth of one crash-lab
# scenario from QEMU's gdbstub: registers, fault status registers, gdb's `bt`
# at the first instruction of the fault handler, the backtraces of the
# interrupted context and of every other thread (by loading their saved
# context into the CPU registers), then saves the 1 MiB flash.
#
# Parameters come from the JSON file named by $CRASHLAB_PARAMS.
import json
import re
import os
import re

import gdb

P = json.load(open(os.environ["CRASHLAB_PARAMS"]))
TEXT = []
REGS = ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
        "r11", "r12", "sp", "lr", "pc", "xpsr"]
MAX_FRAMES = 48


def ex(cmd, record=True):
    out = gdb.execute(cmd, to_string=True)
    if record:
        TEXT.append("(gdb) %s\n%s" % (cmd, out))
    return out


def note(msg):
    TEXT.append("# %s\n" % msg)


def h32(v):
    return "0x%08x" % (v & 0xFFFFFFFF)


def reg(name, frame=None):
    if frame is None:
        return int(gdb.parse_and_eval("$" + name)) & 0xFFFFFFFF
    return int(frame.read_register(name)) & 0xFFFFFFFF


def mem32(addr):
    b = bytes(gdb.selected_inferior().read_memory(addr, 4))
    return int.from_bytes(b, "little")


def mem16(addr):
    b = bytes(gdb.selected_inferior().read_memory(addr, 2))
    return int.from_bytes(b, "little")


OPENERS = {"(": ")", "{": "}", "[": "]", "<": ">"}


def split_top(text, sep=", "):
    """Splits gdb value text at `sep` outside quotes and brackets."""
    items, depth, quote, start, i = [], [], None, 0, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in OPENERS:
            depth.append(OPENERS[c])
        elif depth and c == depth[-1]:
            depth.pop()
        elif not depth and text.startswith(sep, i):
            items.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    if text[start:]:
        items.append(text[start:])
    return items


def frame_line_args(line):
    """The argument list of a `bt` frame line, e.g. ['layer=layer@entry=1', ...]; None without one."""
    m = re.match(r"#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(", line)
    if not m:
        return None
    i = m.end()
    depth, quote, j = 1, None, i
    while j < len(line) and depth:
        c = line[j]
        if quote:
            if c == "\\":
                j += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "({[<":
            depth += 1
        elif c in ")}]>":
            depth -= 1
        j += 1
    return split_top(line[i:j - 1])


def name_values(lines):
    """`name = value` lines of info args / info locals / bt full (None for 'No locals.' etc.)."""
    out = []
    for ln in lines:
        ln = ln.strip()
        if not ln or ln.startswith("No ") and ln.endswith("."):
            continue
        name, _, value = ln.partition(" = ")
        out.append({"name": name, "value": value})
    return out


def record_values(recs):
    """gdb's `bt full` and, per frame, `info args`: the values of every frame's arguments and locals."""
    full = ex("bt full", False).splitlines()
    blocks, cur = {}, None
    for ln in full:
        m = re.match(r"#(\d+)\s", ln)
        if m:
            cur = int(m.group(1))
            blocks[cur] = {"line": ln, "locals": []}
        elif cur is not None:
            blocks[cur]["locals"].append(ln)
    f = gdb.newest_frame()
    for rec in recs:
        if "error" in rec or f is None:
            break
        b = blocks.get(rec["index"])
        if rec["kind"] != "exception" and b is not None:
            args = frame_line_args(b["line"])
            rec["bt_args"] = [] if args is None else args
            rec["locals"] = name_values(b["locals"])
            f.select()
            rec["info_args"] = name_values(ex("info args", False).splitlines())
        try:
            f = f.older()
        except gdb.error:
            break
    gdb.newest_frame().select()


def frames():
    """gdb's frames, newest first, as data (what `bt` prints), with their values (`bt full`, `info args`)."""
    recs = frames_only()
    record_values(recs)
    return no_function_at_zero(recs)


def no_function_at_zero(recs):
    """Address 0 is no function of any lab build (the MBR stub, or on a build linked at 0 the vector table). When
    gdb names one there (an allocated section at 0 makes it take the DWARF that GNU ld left at 0 for discarded
    functions as code), that is gdb's mistake: the truth keeps one frame at pc 0 without a function, and records
    what gdb said under `gdb_named` (crashlab/README.md)."""
    out = []
    for rec in recs:
        if rec.get("pc") != "0x00000000" or rec.get("kind") != "normal":
            out.append(rec)
            continue
        named = {k: rec[k] for k in ("function", "file", "line", "inlined")}
        if out and out[-1].get("pc") == "0x00000000" and out[-1].get("kind") == "normal":
            out[-1].setdefault("gdb_named", []).append(named)   # gdb's inline chain at 0: one frame
            continue
        fixed = dict(rec)
        if named["function"] is not None:
            fixed.update({"function": None, "file": None, "line": None, "inlined": False, "bt_args": [],
                          "info_args": [], "locals": [], "gdb_named": [named]})
        out.append(fixed)
    if any("gdb_named" in r for r in out):
        note("gdb named address 0 %s: a discarded function, not recorded as a frame's function"
             % [n["function"] for r in out for n in r.get("gdb_named", [])])
    for i, r in enumerate(out):
        if "error" not in r:
            r["index"] = i
    return out


def frames_only():
    out = []
    f = gdb.newest_frame()
    i = 0
    while f is not None and i < MAX_FRAMES:
        t = f.type()
        if t == gdb.SIGTRAMP_FRAME:
            rec = {"index": i, "pc": None, "function": None, "file": None,
                   "line": None, "inlined": False, "kind": "exception",
                   "exc_return": h32(f.pc())}
            try:
                rec["_callee"] = [reg("r%d" % r, f) for r in range(4, 12)]
            except gdb.error:
                pass
            out.append(rec)
        else:
            sal = f.find_sal()
            fname = None
            line = None
            if sal is not None and sal.symtab is not None:
                fname = os.path.basename(sal.symtab.filename)
                line = sal.line or None
            out.append({"index": i, "pc": h32(f.pc()), "function": f.name(),
                        "file": fname, "line": line,
                        "inlined": t == gdb.INLINE_FRAME, "kind": "normal"})
        try:
            f = f.older()
        except gdb.error as e:
            out.append({"index": i + 1, "error": str(e)})
            break
        i += 1
    return out


def load_context(regs):
    for name in ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9",
                 "r10", "r11", "r12", "lr", "sp", "pc"]:
        if name in regs:
            gdb.execute("set $%s = %s" % (name, h32(regs[name])), to_string=True)
    gdb.execute("flushregs", to_string=True)


def stacked_context(frame_addr, exc_return, callee):
    """Registers of the context an exception (or PendSV) left: the hardware
    frame at frame_addr, r4-r11 from `callee`, sp as before the exception."""
    w = [mem32(frame_addr + 4 * i) for i in range(8)]
    regs = {"r0": w[0], "r1": w[1], "r2": w[2], "r3": w[3], "r12": w[4],
            "lr": w[5], "pc": w[6] & ~1, "xpsr": w[7]}
    sp = frame_addr + 32
    if (exc_return & 0x10) == 0:
        sp += 72
    if w[7] & (1 << 9):
        sp += 4
    regs["sp"] = sp
    for i, v in enumerate(callee):
        regs["r%d" % (4 + i)] = v
    return regs


def bt_of(regs, title):
    load_context(regs)
    note(title + ": " + " ".join("%s=%s" % (k, h32(regs[k])) for k in
                                 ["sp", "lr", "pc"]))
    ex("bt")
    return frames()



def alloca_frame(fn):
    """The frame of the function whose sp moved at run time (alloca scenarios), in the context just loaded: its sp, its
    CFA (the caller's sp) and its frame pointer r7, as gdb unwinds them with the live registers."""
    f = gdb.newest_frame()
    while f is not None and (f.name() != fn or f.type() == gdb.INLINE_FRAME):
        f = f.older()
    if f is None or f.older() is None:
        return None
    rec = {"function": fn, "pc": h32(f.pc()), "sp": h32(reg("sp", f)), "r7": h32(reg("r7", f)),
           "cfa": h32(reg("sp", f.older()))}
    note("alloca frame %s: sp=%s cfa=%s r7=%s" % (fn, rec["sp"], rec["cfa"], rec["r7"]))
    return rec


def tail_call_frames(spec):
    """The frames tail calls erased, innermost first, from the scenario's stated path (outermost first) into the faulting
    function, each checked against the code: the function must end its part of the path with exactly one unconditional
    branch (b/b.w) to the next one, and the thread's entry (thread object) must be the path's first function. Like
    gdb's tail-call frames, each has the pc after its jump and the jump's line."""
    arch = gdb.selected_frame().architecture()
    addr = lambda name: int(gdb.parse_and_eval("(unsigned int)&%s" % name)) & ~1

    indirect = set(spec.get("indirect", []))

    def jump(fn, to):
        lo = addr(fn)
        blk = gdb.block_for_pc(lo)
        while blk.function is None:
            blk = blk.superblock
        end = blk.end
        if fn in indirect and to not in [p[p.index(fn) + 1] for p in spec.get("other_paths", []) if fn in p]:
            # a jump through a register (bx rN, not the return bx lr): its target is not in the code
            hits = [i for i in arch.disassemble(lo, end - 1)
                    if i["asm"].split()[0] == "bx" and i["asm"].split()[1] != "lr"]
        else:
            hits = [i for i in arch.disassemble(lo, end - 1)
                    if i["asm"].split()[0] in ("b", "b.w") and ("0x%x" % addr(to)) in i["asm"]]
        if len(hits) != 1:
            raise RuntimeError("tail-call path: %s has %d %sjumps to %s" % (fn, len(hits), "indirect " if fn in indirect else "", to))
        return hits[0]["addr"] + hits[0]["length"]

    for path in [spec["path"]] + spec.get("other_paths", []):
        chain = path + [spec["faulting"]]
        for fn, to in zip(chain, chain[1:]):
            jump(fn, to)
    entry = int(gdb.parse_and_eval("(unsigned int)_kernel.cpus[0].current->entry.pEntry")) & ~1
    if entry != addr(spec["path"][0]):
        raise RuntimeError("tail-call path: the thread's entry is 0x%x, not %s" % (entry, spec["path"][0]))
    chain = spec["path"] + [spec["faulting"]]
    out = []
    for fn, to in reversed(list(zip(chain, chain[1:]))):
        ret = jump(fn, to)
        sal = gdb.find_pc_line(ret - 1)
        out.append({"pc": h32(ret), "function": fn, "file": os.path.basename(sal.symtab.filename),
                    "line": sal.line, "inlined": False, "kind": "tailcall", "from": "tail_call_path"})
    return out

def hex_regs(regs):
    return {k: h32(v) for k, v in regs.items()}


ex("set pagination off", False)
ex("set width 0", False)
ex("set height 0", False)
ex("set confirm off", False)
ex("set backtrace past-main on", False)
if P.get("osabi_none"):
    # Debian's gdb-multiarch takes an ELF without an OS ABI note for GNU/Linux, whose ARM lowest_pc (0x8000) makes
    # the prologue unwinder call every frame below 0x8000 outermost: right for a bare-metal build linked at 0
    ex("set osabi none", False)
ex("file " + P["elf"], False)
ex("target remote :%d" % P["port"], False)
for a in P["stop_addresses"]:
    ex("break *0x%x" % a, False)

truth = {"scenario": P["scenario"]}
overflow = P.get("overflow")
probe = P.get("overflow_probe")
if probe:
    # Stack-limit scenario, first run (the lab runs it twice): the core will not stack the exception frame, so the
    # truth is gdb's view at the instruction that moves sp below PSPLIM (= the thread's stack_info.start, as the
    # context switch set it). Stop at every execution of that `sub sp, #imm`, keep the one that would cross the
    # limit, write it and stop. Stepping off these breakpoints holds off interrupts (QEMU's single-step), which moves
    # the SysTick and so changes what lies below the thread's sp; the dump therefore comes from the second run,
    # which does not stop here and gets this run's record as P["overflow"]. The recursion's frames above sp, which
    # is what the record is about, are the same in both runs (the harness checks the crossing sp and limit).
    bp = gdb.Breakpoint("*0x%x" % probe["address"], internal=True)
    record = None
    while True:
        ex("continue", False)
        if reg("pc") != probe["address"]:
            break
        sp_now = reg("sp")
        limit = int(gdb.parse_and_eval("_kernel.cpus[0].current->stack_info.start")) & 0xFFFFFFFF
        if sp_now - probe["imm"] >= limit:
            continue
        name = gdb.parse_and_eval("_kernel.cpus[0].current->name").string()
        older = gdb.newest_frame().older()
        caller = {r: reg(r, older) for r in ["r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "sp", "lr", "pc"]}
        record = {"thread": name, "stack_start": h32(limit), "sp": h32(sp_now), "frame_bytes": probe["imm"],
                  "bytes_below_limit": limit - (sp_now - probe["imm"]),
                  "registers": hex_regs({r: reg(r) for r in REGS}), "frames": frames(), "caller": caller,
                  "bt": ex("bt", False)}
        break
    with open(P["truth_json"], "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
    gdb.execute("kill", to_string=True)
    raise SystemExit(0)
if overflow is not None:
    note("at the instruction that crosses the stack limit of thread '%s': sp=%s, sub sp #%d, limit %s (recorded by "
         "the first run)" % (overflow["thread"], overflow["sp"], overflow["frame_bytes"], overflow["stack_start"]))
    TEXT.append("(gdb) bt\n" + overflow.pop("bt"))
ex("continue", False)
pc = reg("pc")
stop_name = P["stop_names"].get(str(pc), "?")
truth["stop"] = {"function": stop_name, "address": h32(pc)}
crash = stop_name != "crashlab_steady_state"
note("stopped at the first instruction of %s" % stop_name)

regs_now = {r: reg(r) for r in REGS}
ex("bt")
raw = frames()
ex("info registers")
ex("info threads")
ex("x/5wx 0xE000ED28")
fsr = {"CFSR": mem32(0xE000ED28), "HFSR": mem32(0xE000ED2C),
       "MMFAR": mem32(0xE000ED34), "BFAR": mem32(0xE000ED38)}
truth["fault_registers"] = hex_regs(fsr) if crash else None
truth["bt_raw"] = raw

psp = None
if crash:
    # run to the C entry: r0 = msp, r1 = psp, r2 = EXC_RETURN as the handler read them
    for a in P["c_entry_addresses"]:
        ex("break *0x%x" % a, False)
    ex("continue", False)
    msp, psp, exc_ret = reg("r0"), reg("r1"), reg("r2")
    regs_now["msp"] = msp
    regs_now["psp"] = psp
    note("C entry: msp=%s psp=%s exc_return=%s" % (h32(msp), h32(psp), h32(exc_ret)))
    ex("break *0x%x" % P["dump_done_address"], False)
    ex("continue", False)
    truth["reason"] = reg("r0")
    note("k_sys_fatal_error_handler(reason=%d): the dump is written" % truth["reason"])
else:
    regs_now["msp"] = None
    regs_now["psp"] = None
    truth["reason"] = None
truth["registers"] = {k: (h32(v) if v is not None else None) for k, v in regs_now.items()}

ex("dump binary memory %s 0x%x 0x%x" % (P["flash_out"], P["flash_base"], P["flash_base"] + P["flash_size"]), False)
for sym in ["z_arm_coredump_fault_sp", "crashlab_corrupted_at"]:
    try:
        truth.setdefault("firmware", {})[sym] = h32(int(gdb.parse_and_eval(sym)))
    except gdb.error:
        pass
for label, addr, size in P.get("memory_reads", []):
    truth.setdefault("memory", {})[label] = bytes(gdb.selected_inferior().read_memory(addr, size)).hex()

def kernel_threads():
    """The threads as the kernel keeps them: the THREAD_MONITOR list, or (a ZMK-like build without it) the lab
    scheduler's own array of pointers, which a tool reading the dump does not know about."""
    try:
        t = gdb.parse_and_eval("_kernel.threads")
    except gdb.error:
        t = None
    if t is not None:
        while int(t) != 0:
            yield t
            t = t.dereference()["next_thread"]
        return
    for i in range(int(gdb.parse_and_eval("lab_thread_count"))):
        yield gdb.parse_and_eval("lab_threads[%d]" % i)


def object_path(typ, off, expr):
    """The C expression for the struct k_thread at byte `off` inside an object of type `typ` named `expr`."""
    typ = typ.strip_typedefs()
    if typ.code == gdb.TYPE_CODE_STRUCT and typ.tag == "k_thread" and off == 0:
        return expr
    if typ.code == gdb.TYPE_CODE_ARRAY:
        el = typ.target().strip_typedefs()
        return object_path(el, off % el.sizeof, "%s[%d]" % (expr, off // el.sizeof))
    if typ.code == gdb.TYPE_CODE_STRUCT:
        for f in typ.fields():
            start = f.bitpos // 8
            if f.name and start <= off < start + f.type.sizeof:
                return object_path(f.type, off - start, "%s.%s" % (expr, f.name))
    return None


def object_name(addr):
    """A thread without a name field (CONFIG_THREAD_NAME=n): the global object it is, e.g. z_idle_threads[0]."""
    out = gdb.execute("info symbol 0x%x" % addr, to_string=True)
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", out)
    if m is None:
        return "0x%08x" % addr
    sym = gdb.lookup_global_symbol(m.group(1)) or gdb.lookup_static_symbol(m.group(1))
    path = object_path(sym.type, int(m.group(2) or 0), m.group(1)) if sym is not None else None
    return path or "0x%08x" % addr


# the thread list, as the kernel keeps it
threads = []
cur = int(gdb.parse_and_eval("_kernel.cpus[0].current"))
for t in kernel_threads():
    th = t.dereference()
    cs = th["callee_saved"]
    names = [f.name for f in th.type.strip_typedefs().fields()]
    threads.append({
        "address": int(t),
        "name": th["name"].string() if "name" in names else object_name(int(t)),
        "object": None if "name" in names else object_name(int(t)),
        "state": int(th["base"]["thread_state"]),
        "prio": int(th["base"]["prio"]),
        "psp": int(cs["psp"]) & 0xFFFFFFFF,
        "callee": [int(cs["v%d" % i]) & 0xFFFFFFFF for i in range(1, 9)],
        "exc_return": 0xFFFFFF00 | int(th["arch"]["mode_exc_return"]),
        "stack_start": int(th["stack_info"]["start"]),
        "stack_size": int(th["stack_info"]["size"]),
    })

# stitched truth: gdb on QEMU 7.2 has no msp/psp registers, so at an
# exception frame that was stacked on the PSP it keeps unwinding on the MSP.
# Cut gdb's bt after that exception frame and continue with gdb's bt of the
# context the hardware stacked on the PSP.
stitched = []
psp_boundary = None
for fr in raw:
    stitched.append(dict(fr))
    if fr.get("kind") == "exception" and int(fr["exc_return"], 16) & 0x4:
        psp_boundary = fr
        break
interrupted = None
if crash and psp_boundary is not None and overflow is not None:
    # nothing was stacked at the psp: the truth of the interrupted context is gdb's view at the overflow
    cur_t = next(x for x in threads if x["address"] == cur)
    interrupted = {"name": cur_t["name"], "address": h32(cur), "frame_address": h32(psp),
                   "exc_return": psp_boundary["exc_return"], "registers": overflow["registers"],
                   "frames": overflow["frames"], "frame_stacked": False}
    base = len(stitched)
    for f in overflow["frames"]:
        g = dict(f)
        g["index"] = base + f.get("index", 0)
        g["from"] = "at_overflow"
        stitched.append(g)
elif crash and psp_boundary is not None:
    exc_ret = int(psp_boundary["exc_return"], 16)
    cur_t = next(x for x in threads if x["address"] == cur)
    # r4-r11 are not touched by exception entry; take them as gdb unwinds them
    # into the exception frame's caller (CPU values if nothing was saved)
    callee = psp_boundary.get("_callee") or [regs_now["r%d" % i] for i in range(4, 12)]
    regs = stacked_context(psp, exc_ret, callee)
    fr2 = bt_of(regs, "context stacked on the PSP of thread '%s' at %s" % (cur_t["name"], h32(psp)))
    if P.get("alloca") is not None:
        truth["alloca_frame"] = alloca_frame(P["alloca"]["function"])
    tails = P.get("tail_calls")
    if tails is not None:
        # frames no debugger sees (the call into the entry was indirect): the lab knows the path and checked it above
        erased = tail_call_frames(tails)
        truth["tail_calls"] = {"faulting": tails["faulting"], "provable": tails["provable"], "frames": erased,
                               "other_paths": tails.get("other_paths", [])}
        if tails.get("indirect"):
            truth["tail_calls"]["indirect"] = tails["indirect"]
        if tails["provable"]:
            at = max(i for i, f in enumerate(fr2) if f.get("function") == tails["faulting"]) + 1
            fr2[at:at] = erased
            for i, f in enumerate(fr2):
                f["index"] = i
    interrupted = {"name": cur_t["name"], "address": h32(cur), "frame_address": h32(psp),
                   "exc_return": h32(exc_ret), "registers": hex_regs(regs), "frames": fr2}
    base = len(stitched)
    prefix = [dict(f) for f in stitched]
    for f in fr2:
        g = dict(f)
        g["index"] = base + f.get("index", 0)
        g["from"] = "psp_context"
        stitched.append(g)
    # k_oops/k_panic/__ASSERT: the exception is SVCall (we stopped at z_arm_svc), so the stacked pc is the
    # instruction AFTER the svc. When the svc ends a noreturn function that pc is the next function's first
    # instruction and gdb's plain view above names the wrong function. Record gdb's bt with pc = pc - 2, i.e.
    # what gdb says at the svc instruction itself (Zephyr's z_arm_svc reads the svc number from pc - 2 too).
    svc_pc = regs["pc"] - 2
    if stop_name == "z_arm_svc" and (mem16(svc_pc) & 0xFF00) == 0xDF00:
        regs_svc = dict(regs, pc=svc_pc)
        fr3 = bt_of(regs_svc, "the same context at its svc instruction (pc - 2 = %s)" % h32(svc_pc))
        interrupted["frames_at_svc"] = fr3
        for f in fr3:
            g = dict(f)
            g["index"] = base + f.get("index", 0)
            g["from"] = "psp_context_at_svc"
            prefix.append(g)
        truth["frames_at_svc"] = prefix
for fl in [raw, stitched, truth.get("frames_at_svc", [])]:
    for fr in fl:
        fr.pop("_callee", None)
truth["frames"] = stitched
truth["interrupted_thread"] = interrupted

out_threads = []
for th in threads:
    rec = {"name": th["name"], "address": h32(th["address"]), "state": th["state"],
           "prio": th["prio"], "stack_start": h32(th["stack_start"]),
           "stack_size": th["stack_size"], "exc_return": h32(th["exc_return"]),
           "running": th["address"] == cur}
    if th["object"] is not None:
        rec["object"] = th["object"]
    if th["address"] == cur:
        rec["frames"] = interrupted["frames"] if interrupted else stitched
        rec["registers"] = interrupted["registers"] if interrupted else truth["registers"]
    else:
        regs = stacked_context(th["psp"], th["exc_return"], th["callee"])
        rec["registers"] = hex_regs(regs)
        rec["frames"] = bt_of(regs, "saved context of thread '%s' (psp %s, exc_return %s)"
                              % (th["name"], h32(th["psp"]), h32(th["exc_return"])))
    out_threads.append(rec)
truth["threads"] = out_threads
if overflow is not None:
    # gdb's bt from the overflowing frame's caller, with the registers gdb unwound for it (pc = the return address,
    # sp = the overflowing frame's CFA): what a debugger can see once the unstackable innermost frame is set aside
    c = overflow.pop("caller")
    overflow["caller_frames"] = bt_of(c, "caller context of the overflowing frame in thread '%s'" % overflow["thread"])
    overflow["caller_registers"] = hex_regs(c)
    truth["stack_overflow"] = overflow
truth["tools"] = {"gdb": gdb.VERSION}

with open(P["truth_json"], "w") as f:
    json.dump(truth, f, indent=1, sort_keys=True)
    f.write("\n")
with open(P["truth_txt"], "w") as f:
    f.write("".join(TEXT))
gdb.execute("kill", to_string=True)
