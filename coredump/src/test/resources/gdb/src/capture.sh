#!/usr/bin/env bash
# Rebuilds fw.elf and captures the ground truth the gdbserver tests compare against (run by hand; outputs committed):
#   ram.bin      the 16 KiB RAM at HardFault_Handler (what a LINKER_RAM dump holds)
#   frame.txt    psp at HardFault_Handler (the address of the stacked exception frame)
#   live.txt     gdb's live view in QEMU at the faulting store itself, before the fault: the interrupted context
#                a dump's registers describe (at HardFault_Handler gdb cannot unwind: QEMU gives it no psp)
set -euo pipefail
cd "$(dirname "$0")"
out=..
arm-none-eabi-gcc -g -O1 -mthumb -mcpu=cortex-m4 -mfloat-abi=soft -ffreestanding -nostdlib -nostartfiles \
    -T link.ld fw.c -o "$out/fw.elf"
port=$((20000 + RANDOM % 20000))
run_gdb() {
    timeout 20 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial null -S -gdb tcp::$port -kernel "$out/fw.elf" &
    local qemu=$!
    sleep 0.3
    timeout 20 gdb-multiarch -nx -batch -ex 'set pagination off' -ex 'set width 0' -ex "target remote :$port" "$@" "$out/fw.elf" || true
    kill $qemu 2>/dev/null || true
    wait $qemu 2>/dev/null || true
}
run_gdb -ex 'break fault_captured' -ex c -ex "dump binary memory $PWD/$out/ram.bin 0x20000000 0x20004000" \
    -ex 'printf "psp 0x%08x\n", g_fault_psp' -ex 'x/8xw g_fault_psp' > "$out/frame.txt"
pc=$(awk '$1 ~ /^0x/ && n++ == 1 {print $4}' "$out/frame.txt")
[ -n "$pc" ] || { echo "capture: no stacked pc in frame.txt" >&2; exit 1; }
run_gdb -ex "break *$pc" -ex c -ex 'bt' -ex 'info registers' -ex 'x/16xw $sp' -ex 'print g_state' -ex 'print/x g_table' \
    -ex 'print g_state.name' > "$out/live.txt"
