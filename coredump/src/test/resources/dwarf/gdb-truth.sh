#!/bin/sh
# Records gdb-multiarch's answers for every halfword address of every test ELF into truth/NAME.txt
# (format: see gdb-truth.py). Run after build.sh; the tests compare DebugInfo against these files, and
# GdbLiveTest re-runs gdb-truth.py itself when gdb-multiarch is installed.
set -eu
cd "$(dirname "$0")"
GDB=${GDB:-gdb-multiarch}
mkdir -p truth
for elf in elf/*.elf; do
    name=$(basename "$elf" .elf)
    "$GDB" -nx -batch -ex 'set pagination off' -ex 'source gdb-truth.py' "$elf" > "truth/$name.txt"
    echo "$name: $(wc -l < "truth/$name.txt") addresses"
done
