#!/bin/sh
# Runs each scenario of prog-<opt>.elf in QEMU (mps2-an386, Cortex-M4F) under gdb-multiarch and records gdb's truth:
#   <opt>-s<N>.gdb.txt  gdb's bt, info registers and one "FRAME i kind pc function file line" line per frame
#   <opt>-s<N>.ram.bin  RAM 0x20000000..0x20004000 at the breakpoint
set -eu
cd "$(dirname "$0")"
out=..
port=$((20000 + $$ % 10000))
run() { # opt scenario breakpoint [pre-breakpoint: the interrupted thread, before the exception]
  elf=$out/prog-$1.elf
  qemu-system-arm -M mps2-an386 -nographic -S -gdb tcp::$port -kernel $elf >/dev/null 2>&1 &
  q=$!
  sleep 0.5
  timeout 60 gdb-multiarch -nx -batch -ex "file $elf" -ex "target remote :$port" \
    -ex "set var scenario = $2" ${4:+-ex "break $4" -ex c -ex "set \$pre = 1" -ex "source frames.py" -ex "set \$pre = 0" -ex "delete"} \
    -ex "break $3" -ex c -ex bt -ex 'info registers' \
    -ex "source frames.py" -ex "dump binary memory $out/$1-s$2.ram.bin 0x20000000 0x20004000" \
    > $out/$1-s$2.gdb.txt 2>&1 || true
  kill $q 2>/dev/null || true
  wait $q 2>/dev/null || true
}
for opt in O0 Og O2; do
  for s in 0 1 2 3 4 10; do run $opt $s stop_here; done
  for s in 5 9; do run $opt $s HardFault_Handler; done
  # Thread mode on psp: QEMU does not give gdb psp, so gdb cannot cross these boundaries; the truth for the
  # interrupted thread is gdb's bt at a breakpoint just before the exception (PREFRAME lines).
  run $opt 6 stop_here pend_now
  run $opt 7 stop_here fp_then_pend
  run $opt 8 HardFault_Handler bad_read
done
