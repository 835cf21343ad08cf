#!/bin/sh
# Generates and builds a firmware-sized ELF resembling a ZMK debug build, for DwarfBench (not committed):
# 100 compile units (90 DWARF 4, 10 DWARF 5), 2,000 functions with several levels of always_inline helpers
# (about 5,000 inlined subroutines), 700 small leaf functions (2,700 functions with CFI in all), and a large
# shared header of types in every unit, as Zephyr's headers are. Usage: gen-zmk-size.sh [OUTDIR] (default
# /tmp/zmk-size); prints the ELF path last.
set -eu
out=${1:-/tmp/zmk-size}
CC=${CC:-arm-none-eabi-gcc}
mkdir -p "$out/src"
cd "$out"

awk 'BEGIN {
    print "/* Generated: types every unit carries, like Zephyr device and kernel headers. */";
    print "#ifndef TYPES_H\n#define TYPES_H";
    for (s = 0; s < 75; s++) {
        printf "struct dev_%d {\n", s;
        for (m = 0; m < 12; m++) printf "    unsigned int field_%d_%d;\n    const char *name_%d_%d;\n", s, m, s, m;
        printf "    struct dev_%d *next;\n};\n", s;
        printf "typedef struct dev_%d dev_%d_t;\n", s, s;
    }
    print "extern volatile unsigned int zsink;";
    print "static inline __attribute__((always_inline)) unsigned int k_mix(unsigned int a, unsigned int b) { unsigned int r = a * 2654435761u; r ^= b; zsink = r; return r >> 3; }";
    print "static inline __attribute__((always_inline)) unsigned int k_step(unsigned int a) { return k_mix(a, a + 1u) + k_mix(a ^ 5u, a); }";
    print "#endif";
}' > src/types.h

awk -v units=100 'BEGIN {
    for (u = 0; u < units; u++) {
        f = sprintf("src/unit%03d.c", u);
        printf "#include \"types.h\"\n" > f;
        if (u == 0) printf "volatile unsigned int zsink;\n" > f;
        else printf "unsigned int fn_%d_19(unsigned int v);\n", u - 1 > f;
        printf "static inline __attribute__((always_inline)) unsigned int h%d_a(unsigned int v) { zsink = v; return k_step(v) + 3u; }\n", u > f;
        printf "static inline __attribute__((always_inline)) unsigned int h%d_b(unsigned int v) { unsigned int t = h%d_a(v); if (t & 4u) t += k_mix(t, v); return t; }\n", u, u > f;
        for (l = 0; l < 7; l++)
            printf "__attribute__((noinline)) unsigned int leaf_%d_%d(unsigned int v) { zsink = v; return v + %du; }\n", u, l, l > f;
        for (i = 0; i < 20; i++) {
            printf "__attribute__((noinline)) unsigned int fn_%d_%d(unsigned int v)\n{\n", u, i > f;
            printf "    unsigned int acc = leaf_%d_%d(v);\n", u, i % 7 > f;
            if (i % 4 == 0) printf "    if (v & 1u) acc += h%d_b(acc);\n", u > f;
            if (i % 4 == 1) printf "    acc ^= k_step(v + %du);\n", i > f;
            if (i % 4 == 2) printf "    acc ^= k_mix(v, %du);\n", i > f;
            if (i > 0) printf "    acc += fn_%d_%d(acc & 7u);\n", u, i - 1 > f;
            if (i == 0 && u > 0) printf "    acc += fn_%d_19(acc);\n", u - 1 > f;
            printf "    return acc;\n}\n" > f;
        }
        close(f);
    }
    f = "src/start.c";
    printf "unsigned int fn_99_19(unsigned int v);\n__attribute__((noreturn)) void _start(void) { unsigned int a = 0; for (;;) a += fn_99_19(a); }\n" > f;
}'

CFLAGS="-mcpu=cortex-m4 -mthumb -g -O2 -ffunction-sections -fno-eliminate-unused-debug-types"
ls src/*.c | xargs -P 2 -I{} sh -c 'n=$(basename {} .c); v=4; case $n in unit09*) v=5;; esac; '"$CC $CFLAGS"' -gdwarf-$v -c {} -o $n.o'
$CC -mcpu=cortex-m4 -mthumb -nostdlib -nostartfiles -Wl,--entry=_start -Wl,-Ttext=0x26000 -Wl,--gc-sections *.o -o zmk-size.elf
echo "$out/zmk-size.elf"
