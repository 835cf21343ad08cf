#!/bin/sh
# Regenerates the small test ELFs in elf/ from src/ with Debian's arm-none-eabi-gcc (12.2).
# Each variant is one optimisation level and one DWARF version; mixed-O2 has main.c as DWARF 4 and other.c as DWARF 5.
# Paths are mapped to /build so the ELFs do not depend on where the repository lives.
set -eu
cd "$(dirname "$0")"
CC=${CC:-arm-none-eabi-gcc}
CFLAGS="-mcpu=cortex-m4 -mthumb -g -ffunction-sections -fdebug-prefix-map=$PWD=/build -Wa,--debug-prefix-map=$PWD=/build"
LDFLAGS="-nostdlib -nostartfiles -Wl,--entry=_start -Wl,-Ttext=0x1000 -Wl,--build-id=none"
mkdir -p elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build() { # name opt dwarf-for-main dwarf-for-other [source-dir [extra flags...]]
    b_name=$1 b_opt=$2 b_vmain=$3 b_vother=$4
    shift 4
    b_dir=${1:-src}
    [ $# -gt 0 ] && shift
    $CC $CFLAGS "$b_opt" "-gdwarf-$b_vmain" "$@" -c "$b_dir/main.c" -o "$tmp/main.o"
    $CC $CFLAGS "$b_opt" "-gdwarf-$b_vother" "$@" -c "$b_dir/other.c" -o "$tmp/other.o"
    $CC $CFLAGS "$b_opt" $LDFLAGS "$tmp/main.o" "$tmp/other.o" -o "elf/$b_name.elf"
}

for opt in O0 Og O2 Os; do
    for v in 4 5; do
        build "$opt-dwarf$v" "-$opt" "$v" "$v"
    done
done
build mixed-O2 -O2 4 5
# Debian's gas writes a version 3 line table unless asked; newer toolchains write version 5 with DWARF 5.
build O2-dwarf5-gas5 -O2 5 5 src -Wa,--gdwarf-5
# Zephyr compiles with absolute source paths.
build O2-dwarf4-abs -O2 4 4 "$PWD/src"
build O2-dwarf5-abs-gas5 -O2 5 5 "$PWD/src" -Wa,--gdwarf-5
# GCC writes the line table itself (set_address per row, line_strp file entries) instead of gas.
build Og-dwarf5-gcclines -Og 5 5 src -gno-as-loc-support

# Without DWARF, for the ELF-symbols fallback (kept out of elf/ so the gdb truth loop does not expect it).
mkdir -p nodebug
arm-none-eabi-strip --strip-debug -o nodebug/O2-nodebug.elf elf/O2-dwarf4.elf
