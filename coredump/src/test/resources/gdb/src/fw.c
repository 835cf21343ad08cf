/* Test firmware for zmk-agent's gdbserver tests: runs main on the process stack (as Zephyr threads do), calls
 * level1 -> level2 -> level3, and level3 stores to unmapped 0x50000000: a precise BusFault escalated to HardFault
 * on mps2-an386 (Cortex-M4). Built and captured by capture.sh. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _msp_top, _psp_top;

struct layer_state {
    uint32_t active_layer;
    uint16_t pressed[6];
    const char *name;
    struct { int32_t x, y; } cursor;
};

struct layer_state g_state = {3, {0x04, 0x05, 0x2c, 0, 0, 0}, "nav", {-12, 40}};
const uint32_t g_table[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
volatile uint32_t g_counter;
volatile uint32_t g_fault_psp;

/* Where the capture stops: the fault has been taken and psp (the stacked frame's address) recorded. */
__attribute__((noinline)) void fault_captured(void) {
    __asm volatile("" ::: "memory");
}

void HardFault_Handler(void) {
    uint32_t psp;
    __asm volatile("mrs %0, psp" : "=r"(psp));
    g_fault_psp = psp;
    fault_captured();
    for (;;) {
    }
}

void Default_Handler(void) {
    for (;;) {
    }
}

__attribute__((noinline)) static uint32_t level3(uint32_t x) {
    g_counter += x;
    *(volatile uint32_t *)0x50000000 = 0xdeadbeef;
    return g_counter;
}

__attribute__((noinline)) static uint32_t level2(uint32_t x) {
    uint32_t local[4] = {x, x + 1, x + 2, 0xcafe0000u | x};
    g_counter = local[3];
    return level3(local[1] * 2) + local[0];
}

__attribute__((noinline)) static uint32_t level1(uint32_t x) {
    return level2(x + 1) + 7;
}

int main(void) {
    g_state.active_layer = 3;
    return (int)level1(g_table[0] & 0xf);
}

void Reset_Handler(void) {
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    /* Thread mode on the process stack, handlers on the main stack, like Zephyr. */
    __asm volatile("msr psp, %0\n mov r0, #2\n msr control, r0\n isb" : : "r"(&_psp_top) : "r0", "memory");
    main();
    for (;;) {
    }
}

__attribute__((section(".isr_vector"), used)) void (*const vectors[16])(void) = {
    (void (*)(void))&_msp_top, Reset_Handler, Default_Handler, HardFault_Handler,
    Default_Handler, Default_Handler, Default_Handler, 0, 0, 0, 0,
    Default_Handler, Default_Handler, 0, Default_Handler, Default_Handler,
};
