/* Helpers in a header: their code lands in every CU that inlines them, with the header as the line table's file. */
#ifndef UTIL_H
#define UTIL_H

extern volatile unsigned int sink;

static inline __attribute__((always_inline)) unsigned int mix(unsigned int a, unsigned int b)
{
    unsigned int r = a * 31u;
    r ^= b >> 3;
    sink = r;
    return r + 7u;
}

static inline __attribute__((always_inline)) unsigned int mix_twice(unsigned int a)
{
    unsigned int x = mix(a, a + 1u);
    x += mix(x, a);
    return x;
}

unsigned int header_declared(unsigned int v);

#endif
