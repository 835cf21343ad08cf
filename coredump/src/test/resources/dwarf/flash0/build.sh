#!/bin/sh
# Regenerates flash0.elf: flash0.c built as Zephyr builds (-ffunction-sections, linked with --gc-sections), linked at
# address 0 (flash0.ld: the vector table first in the executable .text), so the DWARF of the discarded function
# lies over the vector table.
set -eu
cd "$(dirname "$0")"
CC=${CC:-arm-none-eabi-gcc}
$CC -mcpu=cortex-m4 -mthumb -g -Og -gdwarf-5 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
    -fdebug-prefix-map="$PWD=/build" -nostdlib -nostartfiles -Wl,--gc-sections -T flash0.ld -Wl,--build-id=none \
    flash0.c -o flash0.elf
