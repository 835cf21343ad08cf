/* Small Cortex-M4F program whose scenarios make real stacks for the unwinder tests.
 * gdb sets `scenario` before running; see capture.sh. */
#include <stdint.h>

volatile int scenario;
volatile int sink;
volatile float fsink;
uint64_t process_stack[256] __attribute__((section(".stacks")));

extern void asm_relay(void (*fn)(int), int arg);
extern void asm_pend_misaligned(void);
extern void switch_to_psp(void (*fn)(void), void *stack_top);

#define ICSR (*(volatile uint32_t *)0xE000ED04)
#define NOINLINE __attribute__((noinline))

NOINLINE void stop_here(int depth) { sink = depth; __asm volatile("nop"); }

NOINLINE void handler_work(int n) { stop_here(n + 100); }

void PendSV_Handler(void) { handler_work(sink); }
void SysTick_Handler(void) { }
void SVC_Handler(void) { handler_work(7); }
void HardFault_Handler(void) { for (;;) { __asm volatile("nop"); } }

NOINLINE void leaf_chain_c(int x) { stop_here(x * 3); }
NOINLINE void leaf_chain_b(int x) { char buf[24]; buf[x & 7] = (char)x; sink = buf[1]; leaf_chain_c(x + 1); }
NOINLINE void leaf_chain_a(int x) { leaf_chain_b(x + 1); sink += x; }

static inline __attribute__((always_inline)) void inlined_step(int x) { leaf_chain_a(x * 2); }
NOINLINE void with_inline(int x) { inlined_step(x + 1); sink++; }

NOINLINE void pend_now(void) { ICSR = 1u << 28; __asm volatile("dsb\n isb\n nop"); }

NOINLINE void via_asm(int x) { leaf_chain_c(x); }

NOINLINE void fp_then_pend(float f) {
    float g = f * 1.5f;
    fsink = g;
    ICSR = 1u << 28;
    __asm volatile("dsb\n isb\n nop");
    fsink = g + 1.0f;
}

NOINLINE int bad_read(volatile uint32_t *p) { return (int)*p; }
NOINLINE void fault_chain(int x) { sink = bad_read((volatile uint32_t *)(0x40000000u + (uint32_t)x * 0x10000000u)); }
NOINLINE void undefined_insn(void) { __asm volatile(".short 0xde00"); }
NOINLINE void fault_undef_chain(int x) { sink = x; undefined_insn(); sink++; }

NOINLINE void thread_body(void) {
    switch (scenario) {
    case 6: pend_now(); break;
    case 7: fp_then_pend(2.0f); break;
    default: fault_chain(5); break;
    }
}

int main(void) {
    switch (scenario) {
    case 0: leaf_chain_a(1); break;            /* plain call chain */
    case 1: with_inline(2); break;             /* inlined frame */
    case 2: pend_now(); break;                 /* exception on the main stack */
    case 3: asm_pend_misaligned(); break;      /* padded exception frame, asm without CFI */
    case 4: asm_relay(via_asm, 4); break;      /* asm frame in the middle */
    case 5: fault_chain(5); break;             /* bus fault -> HardFault on the main stack */
    case 6: case 7: case 8:                    /* thread mode on psp: pendsv / FP frame / fault */
        switch_to_psp(thread_body, &process_stack[256]); break;
    case 9: fault_undef_chain(3); break;       /* undefined instruction -> HardFault */
    case 10: __asm volatile("svc #0"); break;  /* SVC handler */
    }
    for (;;) { }
}
