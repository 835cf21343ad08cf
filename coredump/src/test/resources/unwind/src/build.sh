#!/bin/sh
# Builds the unwinder test programs with Debian's arm-none-eabi-gcc (12.2): Cortex-M4F, Thumb, hard float.
set -eu
cd "$(dirname "$0")"
for opt in O0 Og O2; do
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -g -$opt \
    -nostdlib -ffreestanding -Wl,--build-id=none -T link.ld startup.S prog.c -o ../prog-$opt.elf
done
