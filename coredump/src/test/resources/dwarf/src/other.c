/* Second CU: its own inlines, a header helper inlined into it, and a function declared in util.h. */
#include "util.h"

extern volatile unsigned int counter;

static inline __attribute__((always_inline)) unsigned int scale(unsigned int v, unsigned int k)
{
    unsigned int r = v;
    while (k--) {
        r = mix(r, k);
    }
    return r;
}

__attribute__((noinline)) unsigned int header_declared(unsigned int v)
{
    return mix_twice(v) - 1u;
}

__attribute__((noinline)) unsigned int other_loop(unsigned int n)
{
    unsigned int total = 0;
    for (unsigned int i = 0; i < n; i++) {
        total += scale(i, 2u);
        if (total > 1000u) {
            break;
        }
    }
    return total;
}

unsigned int other_entry(unsigned int v)
{
    unsigned int a = scale(v, 3u);
    counter += a;
    return other_loop(a & 15u) + header_declared(a);
}
