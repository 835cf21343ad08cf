#!/bin/sh
# Regenerates gc.elf: objects.c built as Zephyr builds (-ffunction-sections -fdata-sections, linked with
# --gc-sections), so the DWARF still describes the variables and the function the linker discarded, at address 0.
set -eu
cd "$(dirname "$0")"
CC=${CC:-arm-none-eabi-gcc}
$CC -mcpu=cortex-m4 -mthumb -g -Og -gdwarf-4 -ffunction-sections -fdata-sections \
    -fdebug-prefix-map="$PWD=/build" -nostdlib -nostartfiles -Wl,--entry=_start -Wl,--gc-sections \
    -Wl,-Ttext=0x1000 -Wl,-Tbss=0x20000000 -Wl,--build-id=none objects.c -o gc.elf
