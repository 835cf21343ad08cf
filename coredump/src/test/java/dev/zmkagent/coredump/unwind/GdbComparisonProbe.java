package dev.zmkagent.coredump.unwind;

/** Prints our unwind next to gdb's for every fixture (a development aid, run by hand). */
public final class GdbComparisonProbe {
    public static void main(String[] args) {
        for (String n : GdbFixture.names()) {
            GdbFixture fx = new GdbFixture(n);
            Backtrace bt = Unwinder.unwind(fx.elf, new TestSymbolizer(fx.elf), fx.memory, fx.registers, UnwindOptions.defaults());
            System.out.println("== " + n);
            fx.frames.forEach(f -> System.out.println("  gdb " + f));
            fx.preFrames.forEach(f -> System.out.println("  pre " + f));
            System.out.println(bt.toString().indent(2));
        }
    }
}
