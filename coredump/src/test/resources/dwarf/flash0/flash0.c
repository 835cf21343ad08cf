/* A build linked at the flash base (a board flashed without a bootloader): its vector table is at address 0, in
 * the executable output section, as Zephyr places _vector_table (arch/arm/core/cortex_m/vector_table.S,
 * SECTION_SUBSEC_FUNC into an "ax" section; vector_table.h declares it GDATA, a data symbol). The functions nobody
 * calls are dropped by --gc-sections; their DWARF stays at address 0, over the vector table. */
#include <stdint.h>

void _start(void);
extern uint32_t stack_top[];

__attribute__((section(".vectors"), used)) const void *const _vector_table[4] = {stack_top, _start, _start, _start};

volatile uint32_t sink;

static inline __attribute__((always_inline)) uint32_t mix(uint32_t a, uint32_t b)
{
	return (a << 5) ^ (b >> 3) ^ 0x9e3779b9u;
}

void unused_on_hold(uint32_t position)          /* discarded: DW_AT_low_pc 0, line sequence and FDE at 0 */
{
	sink = mix(position, sink);
	sink = mix(position + 1, sink);
}

void (*volatile on_hold)(uint32_t);

void timer_expired(void)
{
	on_hold(17);                            /* NULL: a call to address 0, the vector table */
	sink++;
}

void _start(void)
{
	timer_expired();
	for (;;) {
	}
}
