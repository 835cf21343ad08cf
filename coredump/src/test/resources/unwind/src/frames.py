# gdb python: print gdb's own view of every frame, one line each, for the fixture's truth file.
import gdb
pre = gdb.convenience_variable("pre")
tag = "PREFRAME" if pre is not None and int(pre) == 1 else "FRAME"
f = gdb.newest_frame()
i = 0
while f is not None and i < 64:
    sal = f.find_sal()
    name = f.name() or "??"
    fname = sal.symtab.filename.split("/")[-1] if sal.symtab else ""
    kind = {gdb.NORMAL_FRAME: "NORMAL", gdb.SIGTRAMP_FRAME: "SIGTRAMP", gdb.INLINE_FRAME: "INLINE", gdb.TAILCALL_FRAME: "TAILCALL"}.get(f.type(), str(f.type()))
    if f.type() == gdb.SIGTRAMP_FRAME:
        name = "<signal handler called>"
    print(tag + " %d %s 0x%08x %s %s %d" % (i, kind, f.pc(), name, fname or "-", sal.line))
    f = f.older()
    i += 1
