/* Entry CU: nested calls, always_inline chains three deep, a loop, a switch and calls into other.c. */
#include "util.h"

volatile unsigned int sink;
volatile unsigned int counter;

unsigned int other_entry(unsigned int v);
unsigned int other_loop(unsigned int n);

static inline __attribute__((always_inline)) unsigned int level3(unsigned int v)
{
    sink = v;
    return mix(v, 3u) + counter;
}

static inline __attribute__((always_inline)) unsigned int level2(unsigned int v)
{
    unsigned int t = level3(v + 2u);
    t ^= mix_twice(t);
    return t;
}

static inline __attribute__((always_inline)) unsigned int level1(unsigned int v)
{
    if (v & 1u) {
        return level2(v) + 1u;
    }
    return level2(v * 3u);
}

static unsigned int maybe_inlined(unsigned int v)
{
    unsigned int s = 0;
    for (unsigned int i = 0; i < (v & 7u); i++) {
        s += i * v;
        counter++;
    }
    return s;
}

__attribute__((noinline)) unsigned int leaf(unsigned int v)
{
    sink = v;
    return v ^ 0x5a5au;
}

__attribute__((noinline)) unsigned int middle(unsigned int v)
{
    unsigned int a = leaf(v + 1u);
    unsigned int b = level1(a);
    return a + b + maybe_inlined(b);
}

__attribute__((noinline)) unsigned int dispatch(unsigned int op, unsigned int v)
{
    switch (op) {
    case 0: return middle(v);
    case 1: return other_entry(v);
    case 2: return level1(v);
    case 3: return other_loop(v);
    default: return header_declared(v);
    }
}

__attribute__((noreturn)) void _start(void)
{
    unsigned int acc = 0;
    for (;;) {
        acc += dispatch(counter & 3u, acc);
        acc += mix(acc, counter);
        sink = acc;
    }
}
