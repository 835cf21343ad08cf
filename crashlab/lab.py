#!/usr/bin/env python3
"""Crash-lab harness: builds every scenario, crashes it in QEMU (mps2-an386, or mps2-an521 for the Cortex-M33),
records gdb's ground truth, renders the flash outputs and writes the
fixtures. See crashlab/README.md.

  crashlab/run                 build + run all, update fixtures and examples/
  crashlab/run --check         fresh run in a temp folder, diff against the committed fixtures
  crashlab/run --only NAME...  just these scenarios (fixtures of the others are left alone)
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FW = os.path.join(HERE, "fw")
FIXTURES = os.path.join(REPO, "coredump", "src", "test", "resources", "crashlab")
EXAMPLES = os.path.join(REPO, "examples")
sys.path.insert(0, HERE)

import render  # noqa: E402
import settings_nvs  # noqa: E402
from scenarios import TARGETS, all_scenarios  # noqa: E402

CC = "arm-none-eabi-gcc"
OBJCOPY = "arm-none-eabi-objcopy"
TOOLS = [CC, "arm-none-eabi-nm", "arm-none-eabi-objdump", OBJCOPY, "qemu-system-arm", "gdb-multiarch"]
CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
# Cortex-M33 (Armv8-M Mainline) builds, with the single-precision FPU (fpv5-sp-d16) or without any FP instructions
CPU_M33 = {True: ["-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
           False: ["-mcpu=cortex-m33+nofp", "-mthumb", "-mfloat-abi=soft"]}
FLAGS = ["-ffreestanding", "-nostartfiles", "-fno-common", "-ffunction-sections",
                "-fno-asynchronous-unwind-tables", "-fno-unwind-tables",
                "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-unused-function"]
C_SOURCES = ["startup.c", "kernel.c", "fault.c", "coredump.c", "app.c"]
# Scenario kinds and their numbers, the same as the KIND_* values in fw/lab_config.h. Explicit numbers (not list
# positions) so that kinds added side by side never renumber each other.
KINDS = {"NONE": 0, "BUSFAULT": 1, "IRQ": 2, "IRQ_NESTED": 3, "FPU": 4, "NULLPTR": 5, "STACK_OVERFLOW": 6,
         "OOPS": 7, "ASSERT": 8, "DIV0": 9, "UNALIGNED": 10, "UNDEF": 11,
         "TIMER_NULLPTR": 12, "TAILCALL_ENTRY": 13, "TAILCALL_AMBIGUOUS": 14, "TIMER_NULLPTR_GC": 15, "TAILCALL_INDIRECT": 16, "IDLE_IRQ": 30,
         "VALUES": 40, "BONDS": 50, "BONDS_NO_TYPES": 51, "BUSFAULT_OTHER_SHIELD": 60,
         "VLA_CALLEE": 80, "VLA_SELF": 81, "VLA_MACRO": 82}
# kinds whose firmware holds Bluetooth bonds: fw/bt_keys.c is linked in and the settings partition is written
BOND_KINDS = {"BONDS", "BONDS_NO_TYPES"}
# Triage build variants (60-69): the same bug built with another shield's code and data (fw/shield.c) linked in
# before app.c, so that every address of app.c moves.
SHIELD_KINDS = {"BUSFAULT_OTHER_SHIELD"}
MEM = {"LINKER_RAM": 0, "MIN": 1, "THREADS": 2}
END = {"normal": 0, "interrupted": 1, "corrupt": 2}
STOP_SYMBOLS = ["z_arm_hard_fault", "z_arm_mpu_fault", "z_arm_bus_fault", "z_arm_usage_fault",
                "z_arm_svc", "z_arm_debug_monitor", "z_arm_exc_spurious", "crashlab_steady_state"]
# kinds whose ground-truth backtrace legitimately stops before the thread entry
# (none at the moment: gdb 13 unwinds the pc = 0 case through the stacked lr)
DOCUMENTED_STOPS = {}
COMMITTED_PER_SCENARIO = ["app.elf", "partition.bin", "truth.json", "truth.txt", "scenario.json",
                          "INFO_UF2.TXT"]

QEMU_PROCS = []
STOPPING = []          # set when the harness is shutting down: start no more QEMUs


class LabError(Exception):
    pass


def sh(cmd, cwd=None, timeout=120):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    if p.returncode != 0:
        raise LabError("command failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                                      p.stdout.decode(errors="replace")))
    return p.stdout.decode(errors="replace")


def prefix_maps(build):
    return ["-ffile-prefix-map=%s=crashlab/fw" % FW, "-ffile-prefix-map=%s=." % build]


def build_mbr(out):
    build = os.path.join(out, "mbr-build")
    os.makedirs(build, exist_ok=True)
    elf = os.path.join(out, "mbr.elf")
    sh([CC] + CPU + ["-ffreestanding", "-nostartfiles", "-nostdlib", "-g", "-gdwarf-5", "-Os",
                     "-Wl,--build-id=none"] + prefix_maps(build) +
       ["-T", os.path.join(FW, "mbr.ld"), "-o", elf, os.path.join(FW, "mbr.c")], cwd=build)
    return elf


def cpu_flags(sc):
    t = TARGETS[sc["target"]]
    return CPU if t["cpu"] == "cortex-m4" else CPU_M33[sc["fpu"]]


def build_app(sc, build):
    t = TARGETS[sc["target"]]
    cpu = cpu_flags(sc)
    os.makedirs(build, exist_ok=True)
    ld = os.path.join(build, "app.ld")
    zephyr_layout = sc["layout"] == "zephyr"
    with open(os.path.join(FW, "app_zephyr.ld.in" if zephyr_layout else "app.ld.in")) as f:
        text = (f.read().replace("@APP_START@", "0x%x" % t["app_start"]).replace("@APP_SIZE@", "0x%x" % t["app_size"])
                .replace("@RAM_START@", "0x%x" % t["ram_start"]))
    with open(ld, "w") as f:
        f.write(text)
    defs = {
        "SCENARIO_KIND": KINDS[sc["kind"]],
        "PART_ADDR": "0x%x" % t["part_addr"],
        "CD_HDR_VER": sc["hdr"],
        "CD_CHUNK": sc["chunk"],
        "CD_SP_41": 1 if sc["sp"] == "4.1" else 0,
        "CD_MEM_MODE": MEM[sc["mem"]],
        "CD_FSR_REGION": int(sc["fsr_region"]),
        "CD_EXTRA_EXC_INFO": int(sc["extra_exception_info"]),
        "CD_END_MODE": END[sc["end"]],
        "LAB_ESCALATE": int(sc["escalate"]),
    }
    defs.update(t["defines"])
    if t["cpu"] != "cortex-m4" and not sc["fpu"]:
        defs.update({"LAB_SOFT_FLOAT": 1, "LAB_FPU_SHARING": 0})
    if sc["kind"] in BOND_KINDS:
        defs["SETTINGS_ADDR"] = "0x%x" % t["settings_addr"]
        defs["SETTINGS_SIZE"] = "0x%x" % t["settings_size"]
    defs.update(sc["defines"])
    dflags = ["-D%s=%s" % kv for kv in sorted(defs.items())]
    sources = list(C_SOURCES)
    link_extra = []
    if sc["kind"] in SHIELD_KINDS:
        sources.insert(sources.index("app.c"), "shield.c")
        link_extra = ["-Wl,-u,nice_view_init"]
    objs = []
    # scenario code in files of its own (so the shared sources keep their lines), and per-file defines
    extra = (t["extra_sources"] + (["bt_keys.c"] if sc["kind"] in BOND_KINDS else [])
             + (["zephyr_build.c"] if zephyr_layout else []) + sc["sources"])
    for src in sources + extra + ["asm.S"]:
        obj = os.path.join(build, src.rsplit(".", 1)[0] + ".o")
        debug = ["-g0"] if src.endswith(".S") else ["-g", "-gdwarf-%d" % sc["dwarf"]]
        if src == "bt_keys.c" and sc["kind"] == "BONDS_NO_TYPES":
            debug = ["-g0"]             # no DWARF for struct bt_keys / bt_dev: the redaction's fallback path
        if src in sc["no_debug_sources"]:
            debug = ["-g0"]             # a unit without DWARF and without .debug_frame (prologue analysis only)
        fdefs = ["-D%s=%s" % kv for kv in sorted(sc["file_defines"].get(src, {}).items())]
        sh([CC] + cpu + FLAGS + [sc["opt"]] + debug + dflags + fdefs + prefix_maps(build) +
           ["-c", os.path.join(FW, src), "-o", obj], cwd=build)
        objs.append(obj)
    elf = os.path.join(build, "app.elf")
    sh([CC] + cpu + ["-nostartfiles", "-T", ld, "-Wl,--gc-sections", "-Wl,--build-id=none"] + link_extra + ["-o", elf]
       + [os.path.basename(o) for o in objs] + ["-lc", "-lgcc"], cwd=build)
    return elf


def zephyr_outputs(sc, d, app_elf):
    """zephyr.bin and zephyr.uf2 as a Zephyr build makes them (CMakeLists.txt, CONFIG_BUILD_OUTPUT_BIN/_UF2):
    objcopy --gap-fill 0xff -O binary without .comment/COMMON/.eh_frame, then uf2conv.py -c -b <load offset> -f
    <family> of that binary. Returns the UF2 bytes (what the user drags onto the drive)."""
    t = TARGETS[sc["target"]]
    app_bin = os.path.join(d, "app.bin")
    sh([OBJCOPY, "--gap-fill", "0xff", "--output-target=binary", "--remove-section=.comment",
        "--remove-section=COMMON", "--remove-section=.eh_frame", app_elf, app_bin])
    data = open(app_bin, "rb").read()
    uf2 = render.uf2conv(data, t["app_start"], render.NRF52840_FAMILY)
    with open(os.path.join(d, "zmk.uf2"), "wb") as f:
        f.write(uf2)
    return uf2


def flash_sources(sc, d, mbr_elf, app_elf):
    """What the flash holds before the crash: the MBR stub, and the application as the user flashed it (the build's
    UF2 for the Zephyr layout, else the ELF's load segments)."""
    if sc["layout"] == "zephyr":
        fam_key, blver = sc["bootloader"]
        payloads = render.uf2_payloads(open(os.path.join(d, "zmk.uf2"), "rb").read(), render.FAMILY[fam_key],
                                       render.window_end(blver))
        return [mbr_elf], [payloads]
    return ([mbr_elf, app_elf] if TARGETS[sc["target"]]["mbr"] else [app_elf]), []


def symbols(elf):
    out = {}
    for line in sh(["arm-none-eabi-nm", elf]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[2]] = int(parts[0], 16)
    return out


def overflow_probe(sc, elf):
    """Stack-limit scenarios: the `sub sp, #imm` of the recursion, where gdb records the truth (see gdb_truth.py)."""
    if "LAB_BUILTIN_STACK_GUARD" not in sc["defines"]:
        return None
    fn = "display_layer_render"
    dis = sh(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", elf])
    body = dis.split("<%s>:" % fn, 1)[1].split("\n\n", 1)[0]
    for line in body.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+sub(?:\.w)?\s+sp, (?:sp, )?#(\d+)", line)
        if m:
            return {"address": int(m.group(1), 16), "imm": int(m.group(2))}
    raise LabError("%s: no `sub sp` in %s" % (sc["name"], fn))


def symbol_size(elf, name):
    for line in sh(["arm-none-eabi-nm", "-S", elf]).splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[1], 16)
    raise LabError("%s: no sized symbol %s" % (elf, name))


def check_bonds(sc, truth, facts):
    """The firmware must hold exactly the keys the harness wrote into the settings partition."""
    pool = bytes.fromhex(truth["memory"]["key_pool"])
    dev = bytes.fromhex(truth["memory"]["bt_dev"])
    errs = []
    for b in facts["bonds"]:
        for k in ["ltk", "irk", "periph_ltk", "ltk_rand"]:
            if bytes.fromhex(b[k]) not in pool:
                errs.append("%s %s not in key_pool" % (b["name"], k))
    for b in facts["superseded_bonds"]:
        if bytes.fromhex(b["ltk"]) in pool:
            errs.append("%s: the superseded ltk was loaded" % b["name"])
    for irk in facts["identity_irks"]:
        if bytes.fromhex(irk) not in dev:
            errs.append("identity irk not in bt_dev")
    if errs:
        raise LabError("%s: %s" % (sc["name"], "; ".join(errs)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_qemu_gdb(sc, d, app_elf, flash_in, overflow_run=False, overflow=None):
    """One QEMU + gdb run. The stack-limit scenarios run twice: first with overflow_run (gdb only records its view at
    the instruction that crosses PSPLIM, to overflow.json), then normally with that record as `overflow`."""
    t = TARGETS[sc["target"]]
    syms = symbols(app_elf)
    # a crash scenario may pass through crashlab_steady_state before it faults (the fault comes from an interrupt)
    stops = [s for s in STOP_SYMBOLS if s != "crashlab_steady_state" or sc["kind"] == "NONE"]
    stop = [syms[s] & ~1 for s in stops if s in syms]
    port = free_port()
    params = {
        "scenario": sc["name"], "elf": app_elf, "port": port,
        "stop_addresses": stop,
        "stop_names": {str(syms[s] & ~1): s for s in stops if s in syms},
        "c_entry_addresses": [syms["z_arm_fault"] & ~1, syms["z_do_kernel_oops"] & ~1],
        "dump_done_address": syms["k_sys_fatal_error_handler"] & ~1,
        "flash_out": os.path.join(d, "flash.bin"),
        "flash_base": t["flash_base"], "flash_size": t["flash_size"],
        "overflow_probe": overflow_probe(sc, app_elf) if overflow_run else None,
        "overflow": overflow,
        "truth_json": os.path.join(d, "overflow.json" if overflow_run else "truth.json"),
        "truth_txt": os.path.join(d, "truth.txt"),
    }
    if sc["tail_calls"] is not None:
        params["tail_calls"] = sc["tail_calls"]
    if sc["alloca"] is not None:
        params["alloca"] = sc["alloca"]
    if t["app_start"] < 0x8000:
        params["osabi_none"] = True         # code below gdb's GNU/Linux lowest_pc (see gdb_truth.py)
    pfile = os.path.join(d, "gdb-params-overflow.json" if overflow_run else "gdb-params.json")
    if sc["kind"] in BOND_KINDS:
        # what the firmware loaded from the settings partition, read by gdb (checked in check_bonds)
        params["memory_reads"] = [[name, syms[name], size] for name, size in
                                  [("key_pool", symbol_size(app_elf, "key_pool")), ("bt_dev", symbol_size(app_elf, "bt_dev"))]]
    with open(pfile, "w") as f:
        json.dump(params, f)
    if STOPPING:
        raise LabError("%s: stopped" % sc["name"])
    qemu = subprocess.Popen(
        ["qemu-system-arm", "-M", t["machine"], "-display", "none", "-monitor", "none",
         "-serial", "file:" + os.path.join(d, "uart.log"),
         "-icount", "shift=0,align=off,sleep=off", "-S", "-gdb", "tcp:127.0.0.1:%d" % port,
         "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (flash_in, t["flash_base"])]
        + (t.get("qemu_fpu", []) if sc["fpu"] else []),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    QEMU_PROCS.append(qemu)
    try:
        deadline = time.time() + 10
        while True:                     # wait for the gdbstub to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if qemu.poll() is not None or time.time() > deadline:
                    raise LabError("%s: QEMU did not start: %s" % (sc["name"], qemu.stderr.read().decode()))
                time.sleep(0.05)
        env = dict(os.environ, CRASHLAB_PARAMS=pfile)
        p = subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", os.path.join(HERE, "gdb_truth.py")],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=90)
        with open(os.path.join(d, "gdb-overflow.log" if overflow_run else "gdb.log"), "wb") as f:
            f.write(p.stdout)
        if p.returncode != 0 or not os.path.exists(params["truth_json"]):
            raise LabError("%s: gdb failed (rc %d), see %s/gdb.log:\n%s" % (
                sc["name"], p.returncode, d, p.stdout.decode(errors="replace")[-3000:]))
    finally:
        stop_qemu(qemu)
    return syms


def stop_qemu(q):
    if q.poll() is None:
        try:
            os.killpg(q.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            q.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(q.pid, signal.SIGKILL)
            q.wait()
    try:
        QEMU_PROCS.remove(q)
    except ValueError:
        pass


def reaches_entry(frames):
    return any(f.get("function") == "z_thread_entry" for f in frames)


def check_truth(sc, truth, facts):
    """The lab's own assertions; a failure means the fixture would lie."""
    errs = []
    name = sc["name"]
    crash = sc["kind"] != "NONE"
    if crash:
        if truth["reason"] != sc["reason"]:
            errs.append("reason %s, expected %s" % (truth["reason"], sc["reason"]))
        if not reaches_entry(truth["frames"]) and sc["kind"] not in DOCUMENTED_STOPS:
            errs.append("ground-truth bt does not reach z_thread_entry")
        if sc["kind"] in DOCUMENTED_STOPS:
            last = [f for f in truth["frames"] if "error" not in f][-1]
            if last.get("pc") != "0x00000000":
                errs.append("documented stop expected at pc 0, bt ends at %s" % last)
        # svc-raised crashes (handler z_arm_svc) carry gdb's view at the svc instruction (pc - 2) as well
        at_svc = truth.get("frames_at_svc")
        if (truth["stop"]["function"] == "z_arm_svc") != (at_svc is not None):
            errs.append("frames_at_svc present: %s, stopped in %s" % (at_svc is not None, truth["stop"]["function"]))
        if at_svc is not None and not reaches_entry(at_svc):
            errs.append("ground-truth bt at the svc does not reach z_thread_entry")
        if sc["kind"] == "ASSERT" and at_svc is not None:
            first = [f for f in at_svc if f.get("from") == "psp_context_at_svc"][0]
            if first.get("function") != "assert_post_action":
                errs.append("bt at the svc starts in %s, expected assert_post_action" % first.get("function"))
        if "LAB_BUILTIN_STACK_GUARD" in sc["defines"]:
            # the stack-limit scenario: the core stacked nothing, psp = PSPLIM = the thread's stack start
            ov = truth.get("stack_overflow")
            if ov is None:
                errs.append("no stack-limit crossing was recorded")
            else:
                if not int(truth["fault_registers"]["CFSR"], 16) & (1 << 20):
                    errs.append("CFSR.STKOF is not set")
                if truth["registers"]["psp"] != ov["stack_start"]:
                    errs.append("psp %s is not PSPLIM %s: the frame was stacked" % (truth["registers"]["psp"], ov["stack_start"]))
                if ov["frames"][0].get("function") != "display_layer_render" or not reaches_entry(ov["caller_frames"]):
                    errs.append("the overflow's truth does not start in the recursion or reach z_thread_entry")
                # the first run recorded the chain; the dump comes from the second: its stack must hold the same chain
                first = [(f.get("pc"), f.get("function")) for f in ov["frames"][1:]]
                second = [(f.get("pc"), f.get("function")) for f in ov["caller_frames"]]
                if first != second:
                    errs.append("the two runs' call chains differ: %s / %s" % (first, second))
                arch = [b for b in facts.get("blocks", []) if b["id"] == "A"]
                if arch and (int(arch[0]["registers"]["pc"], 16) != 0 or int(arch[0]["registers"]["lr"], 16) != 0):
                    errs.append("the dumped pc/lr are not 0: %s" % arch[0]["registers"])
    elif not reaches_entry(truth["bt_raw"]):
        errs.append("steady-state bt does not reach z_thread_entry")
    for th in truth["threads"]:
        if not reaches_entry(th["frames"]) and not (th["running"] and sc["kind"] in DOCUMENTED_STOPS):
            errs.append("thread %s: bt does not reach z_thread_entry" % th["name"])
    # the dump itself
    if sc["end"] == "interrupted":
        if facts["header"] != "erased" or not facts.get("data_present"):
            errs.append("interrupted dump: expected erased header and data, got %s" % facts)
    elif not crash:
        if facts["header"] != "erased" or facts.get("data_present"):
            errs.append("erased partition expected, got %s" % facts)
    else:
        if facts["header"] != "valid":
            errs.append("no valid CD header")
        else:
            if facts.get("reason") != sc["reason"]:
                errs.append("ZE reason %s" % facts.get("reason"))
            if facts.get("ze_version") != sc["hdr"]:
                errs.append("ZE version %s" % facts.get("ze_version"))
            if sc["end"] == "corrupt" and facts["checksum_ok"]:
                errs.append("corrupt scenario has a matching checksum")
            if sc["end"] == "normal" and not facts["truncated"] and not facts["checksum_ok"]:
                errs.append("complete dump with a wrong checksum")
            if sc["mem"] == "LINKER_RAM" and not facts["truncated"]:
                errs.append("LINKER_RAM dump expected to overflow the partition")
            if sc["mem"] != "LINKER_RAM" and facts["truncated"]:
                errs.append("dump unexpectedly truncated")
            has_t = any(b["id"] == "T" for b in facts["blocks"])
            if has_t != (sc["mem"] == "THREADS"):
                errs.append("'T' block presence wrong")
    if errs:
        raise LabError("%s: %s" % (name, "; ".join(errs)))


def run_scenario(sc, out, mbr_elf):
    t = TARGETS[sc["target"]]
    d = os.path.join(out, sc["name"])
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    t0 = time.time()
    elf = build_app(sc, os.path.join(d, "build"))
    app_elf = os.path.join(d, "app.elf")
    shutil.copyfile(elf, app_elf)
    if sc["layout"] == "zephyr":
        zephyr_outputs(sc, d, app_elf)
        check_gaps(sc, d, app_elf)
    elves, written = flash_sources(sc, d, mbr_elf, app_elf)
    flash_in = os.path.join(d, "flash-before.bin")
    base, size = t["flash_base"], t["flash_size"]
    before = bytearray(render.compose_flash(elves, base=base, size=size, written=written))
    settings = None
    if sc["kind"] in BOND_KINDS:
        settings, settings_facts = settings_nvs.bond_partition(sc["name"], t["settings_size"])
        before[t["settings_addr"] - base:t["settings_addr"] - base + len(settings)] = settings
        with open(os.path.join(d, "settings.bin"), "wb") as f:
            f.write(settings)
    with open(flash_in, "wb") as f:
        f.write(before)
    overflow = None
    if overflow_probe(sc, app_elf) is not None:
        run_qemu_gdb(sc, d, app_elf, flash_in, overflow_run=True)
        overflow = json.load(open(os.path.join(d, "overflow.json")))
        if overflow is None:
            raise LabError("%s: the recursion never crossed the stack limit" % sc["name"])
    run_qemu_gdb(sc, d, app_elf, flash_in, overflow=overflow)
    flash = open(os.path.join(d, "flash.bin"), "rb").read()
    pa = t["part_addr"]
    part = flash[pa - base:pa - base + render.PART_SIZE]
    expected = bytearray(render.compose_flash(elves, part, pa, base=base, size=size, written=written))
    if settings is not None:
        expected[t["settings_addr"] - base:t["settings_addr"] - base + len(settings)] = settings
    if bytes(expected) != flash:
        raise LabError("%s: flash outside the partition differs from %s%s" % (
            sc["name"], "MBR + the build's zmk.uf2" if written else "MBR + app ELF" if t["mbr"] else "the app ELF",
            " + settings.bin" if settings is not None else ""))
    with open(os.path.join(d, "partition.bin"), "wb") as f:
        f.write(part)
    facts = render.parse_partition(part)
    if facts["header"] == "valid":
        with open(os.path.join(d, "ze.bin"), "wb") as f:
            f.write(part[16:16 + facts["size"]])
    if sc["bootloader"] is not None:
        fam_key, blver = sc["bootloader"]
        with open(os.path.join(d, "CURRENT.UF2"), "wb") as f:
            f.write(render.current_uf2(flash, render.FAMILY[fam_key], render.window_end(blver)))
        with open(os.path.join(d, "INFO_UF2.TXT"), "w", newline="") as f:
            f.write(render.INFO_TEXT[(fam_key, blver)])
    uart = open(os.path.join(d, "uart.log"), "rb").read().decode(errors="replace")
    with open(os.path.join(d, "console.log"), "w") as f:
        f.write(render.cd_console_log(uart, part))
    truth = json.load(open(os.path.join(d, "truth.json")))
    check_truth(sc, truth, facts)
    if sc["alloca"] is not None:
        check_alloca(sc, truth, app_elf)
    if settings is not None:
        check_bonds(sc, truth, settings_facts)
        settings_facts.update({"address": "0x%x" % t["settings_addr"], "size": "0x%x" % t["settings_size"]})
    write_scenario_json(sc, d, truth, facts, settings_facts if settings is not None else None)
    return sc["name"], time.time() - t0


def static_frame_bytes(elf, fn):
    """What the prologue of `fn` moves sp by (pushes and `sub sp` by an immediate), from objdump."""
    dis = sh(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn", elf])
    body = dis.split("<%s>:" % fn, 1)[1].split("\n\n", 1)[0]
    total = 0
    for line in body.splitlines():
        m = re.match(r"\s*[0-9a-f]+:\s+(\S+)\s*(.*)", line)
        if not m:
            continue
        op, args = m.group(1), m.group(2)
        if op in ("push", "push.w") or op.startswith("stmdb") and args.startswith("sp!"):
            regs = args[args.index("{") + 1:args.index("}")]
            total += 4 * count_regs(regs)
        elif op in ("sub", "sub.w", "subw") and re.match(r"sp, (sp, )?#\d+", args):
            total += int(args.rsplit("#", 1)[1].split()[0])
        elif op == "add" and args.startswith("r7, sp") or op == "mov" and args == "r7, sp":
            continue
        else:
            break
    return total


def count_regs(regs):
    """Registers in an objdump register list such as 'r4, r5, r7, r8, r9, sl, fp, lr' or 'r4-r7, lr'."""
    names = ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "sl", "fp", "ip", "sp", "lr", "pc"]
    n = 0
    for item in [x.strip() for x in regs.split(",")]:
        if "-" in item:
            a, b = item.split("-")
            n += names.index(b) - names.index(a) + 1
        else:
            n += 1
    return n


def check_alloca(sc, truth, app_elf):
    """The alloca scenarios must be what they claim: at the fault, gdb's CFA of the alloca function lies further above
    its sp than its prologue moved sp (sp moved again at run time), and its frame pointer r7 is between the two."""
    fr = truth.get("alloca_frame")
    fn = sc["alloca"]["function"]
    if fr is None or fr["function"] != fn:
        raise LabError("%s: no frame of %s in gdb's backtrace" % (sc["name"], fn))
    static = static_frame_bytes(app_elf, fn)
    cfa, sp, r7 = (int(fr[k], 16) for k in ("cfa", "sp", "r7"))
    if not (cfa - sp > static and sp < r7 < cfa):
        raise LabError("%s: %s's sp did not move after its prologue (cfa 0x%x, sp 0x%x, r7 0x%x, prologue %d bytes)" % (
            sc["name"], fn, cfa, sp, r7, static))


def check_gaps(sc, d, app_elf):
    """The Zephyr layout must really have what a ZMK build has: bytes between loadable sections that no section
    defines, which the gap-filled binary holds as 0xFF (a 4-byte gap between two read-only iterable sections, a
    1-byte gap between .data images)."""
    gaps = render.load_gaps(app_elf)
    sizes = sorted(set(n for _, n in gaps))
    if 4 not in sizes or 1 not in sizes:
        raise LabError("%s: expected a 4-byte and a 1-byte gap between loadable sections, found %s" % (sc["name"], gaps))
    image = open(os.path.join(d, "app.bin"), "rb").read()
    base = TARGETS[sc["target"]]["app_start"]
    for addr, n in gaps:
        if image[addr - base:addr - base + n] != b"\xff" * n:
            raise LabError("%s: gap at 0x%x is not 0xFF in the gap-filled binary" % (sc["name"], addr))
    return gaps


def write_scenario_json(sc, d, truth, facts, settings=None):
    t = TARGETS[sc["target"]]
    xpsr_bit9 = None
    if truth.get("interrupted_thread"):
        xpsr_bit9 = bool(int(truth["interrupted_thread"]["registers"]["xpsr"], 16) & (1 << 9))
    doc = {
        "name": sc["name"],
        "board": t["board"], "variant": t["variant"], "softdevice": t["softdevice"],
        "app_start": "0x%x" % t["app_start"], "code_partition_size": "0x%x" % t["app_size"],
        "partition_address": "0x%x" % t["part_addr"], "partition_size": "0x10000",
        "bootloader": None,
        "fault": sc["kind"], "expected_reason": sc["reason"],
        "dump_mode": sc["mem"], "ze_header_version": sc["hdr"], "sp_semantics": sc["sp"],
        "stream_flash_buffer": sc["chunk"], "extra_exception_info": sc["extra_exception_info"],
        "fsr_region_block": sc["fsr_region"], "dump_end": sc["end"],
        "faults_escalated_to_hardfault": sc["escalate"],
        "build": {"opt": sc["opt"], "dwarf": sc["dwarf"], "defines": sc["defines"]},
        "stack_align_xpsr_bit9": xpsr_bit9,
        "dump": facts,
        "proves": sc["proves"],
        "files": {"app.elf": "application ELF with DWARF (link address %s)" % ("0x%x" % t["app_start"]),
                  "../mbr.elf": "MBR stub at 0 (shared)" if t["mbr"] else "not used: the application is at 0",
                  "partition.bin": "the 64 KiB coredump partition after the crash",
                  "flash": ("compose: 1 MiB of 0xFF + PT_LOAD segments of ../mbr.elf + the blocks of zmk.uf2 (the "
                            "build's gap-filled UF2, as the bootloader writes it) + partition.bin"
                            if sc["layout"] == "zephyr" else
                            "compose: 1 MiB of 0xFF + PT_LOAD segments of ../mbr.elf and app.elf + partition.bin"
                            if t["mbr"] else "compose: 1 MiB of 0xFF + PT_LOAD segments of app.elf + partition.bin")},
    }
    if sc["alloca"] is not None:
        doc["alloca"] = sc["alloca"]
    if sc["bootloader"] is not None:
        fam_key, blver = sc["bootloader"]
        doc["bootloader"] = {"board": fam_key, "version": blver, "family_id": "0x%08X" % render.FAMILY[fam_key],
                             "current_uf2_window": ["0x1000", "0x%X" % (render.window_end(blver) - 1)]}
    if t["cpu"] != "cortex-m4":
        # a lab-only target: no nRF52 bootloader, the dump is delivered as the partition image
        doc["cpu"] = {"name": t["cpu"], "fpu": sc["fpu"], "flags": cpu_flags(sc)}
        doc["qemu_machine"] = t["machine"]
        doc["ram_start"] = "0x%x" % t["ram_start"]
        doc["files"] = {"app.elf": "application ELF with DWARF (link address 0x%x)" % t["app_start"],
                        "partition.bin": "the 64 KiB coredump partition after the crash (how this target's dump is delivered)",
                        "flash": "compose: 0x%x bytes of 0xFF at 0x%x + PT_LOAD segments of app.elf + partition.bin"
                                 % (t["flash_size"], t["flash_base"])}
    if sc["layout"] == "zephyr":
        doc["build"]["layout"] = "zephyr"
        doc["load_gaps"] = [["0x%x" % a, n] for a, n in render.load_gaps(os.path.join(d, "app.elf"))]
        doc["files"]["zmk.uf2"] = "the build's UF2, as Zephyr makes it (objcopy --gap-fill 0xff -O binary, uf2conv.py)"
    if settings is not None:
        doc["settings"] = settings
        doc["files"]["settings.bin"] = "the settings partition (NVS) at %s, as the harness wrote it before boot" % settings["address"]
        doc["files"]["flash"] += " + settings.bin at the settings address"
    with open(os.path.join(d, "scenario.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def install_fixtures(out, scs):
    os.makedirs(FIXTURES, exist_ok=True)
    shutil.copyfile(os.path.join(out, "mbr.elf"), os.path.join(FIXTURES, "mbr.elf"))
    for sc in scs:
        src = os.path.join(out, sc["name"])
        dst = os.path.join(FIXTURES, sc["name"])
        shutil.rmtree(dst, ignore_errors=True)
        os.makedirs(dst)
        files = list(COMMITTED_PER_SCENARIO)
        if sc["bootloader"] is None:
            files.remove("INFO_UF2.TXT")
        if sc["kind"] in BOND_KINDS:
            files.append("settings.bin")
        if sc["uf2"]:
            files += ["CURRENT.UF2", "console.log"]
        if sc["layout"] == "zephyr":
            files += ["zmk.uf2"]
        for fn in files:
            shutil.copyfile(os.path.join(src, fn), os.path.join(dst, fn))
        if sc["example"]:
            ex = os.path.join(EXAMPLES, sc["example"])      # its README.md is hand-written: keep it
            os.makedirs(ex, exist_ok=True)
            for fn, to in [("CURRENT.UF2", "CURRENT.UF2"), ("INFO_UF2.TXT", "INFO_UF2.TXT"),
                           ("app.elf", "zmk.elf"), ("console.log", "console.log")]:
                shutil.copyfile(os.path.join(src, fn), os.path.join(ex, to))


def compare(out, scs):
    """--check: fresh outputs against the committed fixtures."""
    problems = []

    def same_bytes(a, b):
        return os.path.exists(b) and open(a, "rb").read() == open(b, "rb").read()

    for sc in scs:
        src = os.path.join(out, sc["name"])
        dst = os.path.join(FIXTURES, sc["name"])
        for fn in ["truth.json", "scenario.json"]:
            new = open(os.path.join(src, fn)).read().splitlines(True)
            p = os.path.join(dst, fn)
            old = open(p).read().splitlines(True) if os.path.exists(p) else []
            if new != old:
                problems.append("".join(difflib.unified_diff(old, new, "committed/%s/%s" % (sc["name"], fn),
                                                             "fresh/%s/%s" % (sc["name"], fn))))
        for fn in ["partition.bin", "app.elf"] + (["CURRENT.UF2"] if sc["uf2"] else []) + (
                ["settings.bin"] if sc["kind"] in BOND_KINDS else []) + (["zmk.uf2"] if sc["layout"] == "zephyr" else []):
            if not same_bytes(os.path.join(src, fn), os.path.join(dst, fn)):
                problems.append("%s/%s differs from the committed file\n" % (sc["name"], fn))
    if not same_bytes(os.path.join(out, "mbr.elf"), os.path.join(FIXTURES, "mbr.elf")):
        problems.append("mbr.elf differs\n")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="rebuild in a temp folder and diff with the fixtures")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these scenarios")
    ap.add_argument("--out", help="work folder (default: crashlab/out, or a temp folder with --check)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="list the scenarios")
    a = ap.parse_args()
    # make `kill` run the cleanup below (QEMU processes, temp folder)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    scs = all_scenarios()
    if a.list:
        for sc in scs:
            print("%-32s %s" % (sc["name"], sc["proves"]))
        return 0
    if a.only:
        unknown = set(a.only) - {s["name"] for s in scs}
        if unknown:
            print("unknown scenario(s): %s" % ", ".join(sorted(unknown)), file=sys.stderr)
            return 2
        scs = [s for s in scs if s["name"] in a.only]
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        print("crashlab: missing tools: %s (./test installs them)" % ", ".join(missing), file=sys.stderr)
        return 2

    tmp = None
    if a.check:
        tmp = tempfile.mkdtemp(prefix="crashlab-check-")
        out = tmp
    else:
        out = a.out or os.path.join(HERE, "out")
        os.makedirs(out, exist_ok=True)
    t0 = time.time()
    rc = 0
    try:
        mbr = build_mbr(out)
        failures = []
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs)
        try:
            futs = {pool.submit(run_scenario, sc, out, mbr): sc for sc in scs}
            for fut in concurrent.futures.as_completed(futs):
                try:
                    name, secs = fut.result()
                    print("  ok   %-32s %5.1fs" % (name, secs), flush=True)
                except Exception as e:  # noqa: BLE001 - report every scenario
                    if not isinstance(e, (LabError, subprocess.TimeoutExpired)):
                        import traceback
                        e = "%s: %s" % (futs[fut]["name"], traceback.format_exc())
                    failures.append(str(e))
                    print("  FAIL %s" % futs[fut]["name"], flush=True)
        finally:
            STOPPING.append(True)
            pool.shutdown(wait=False, cancel_futures=True)
            for q in list(QEMU_PROCS):
                stop_qemu(q)
            pool.shutdown(wait=True)
        if failures:
            print("\n".join(failures), file=sys.stderr)
            return 1
        if a.check:
            problems = compare(out, scs)
            if problems:
                sys.stdout.write("".join(problems))
                print("crashlab --check: %d difference(s) against the committed fixtures" % len(problems))
                rc = 1
            else:
                print("crashlab --check: %d scenarios reproduce the committed fixtures" % len(scs))
        else:
            install_fixtures(out, scs)
            print("fixtures written to %s" % os.path.relpath(FIXTURES, REPO))
        print("done in %.1fs" % (time.time() - t0))
        return rc
    finally:
        for q in list(QEMU_PROCS):
            stop_qemu(q)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
