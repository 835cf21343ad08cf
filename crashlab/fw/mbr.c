/* MBR-like stub at 0 (stands in for Nordic's MBR + SoftDevice): finds the
 * application at 0x26000 (S140 6.1.1 layout) or 0x27000 (S140 7.3.0
 * layout), points VTOR at it, loads its initial SP and jumps to its reset
 * handler. Shared by every scenario. */
#include <stdint.h>

#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08)

static int app_valid(uint32_t base)
{
	uint32_t sp = *(volatile uint32_t *)base;
	uint32_t pc = *(volatile uint32_t *)(base + 4);

	return (sp & 0xFFF00000u) == 0x20000000u && (pc & 1u) && pc > base && pc < 0x100000u;
}

__attribute__((naked, noreturn)) static void mbr_jump(uint32_t base)
{
	__asm__ volatile(
		"ldr r1, =0xE000ED08\n"
		"str r0, [r1]\n"
		"ldr r1, [r0]\n"
		"msr msp, r1\n"
		"ldr r1, [r0, #4]\n"
		"bx r1\n");
}

__attribute__((noreturn)) void mbr_reset(void)
{
	uint32_t base = app_valid(0x26000u) ? 0x26000u : 0x27000u;

	mbr_jump(base);
}

static void mbr_hang(void)
{
	for (;;) {
	}
}

__attribute__((section(".vectors"), used))
const void *const mbr_vectors[16] = {
	(void *)0x20001000u, mbr_reset, mbr_hang, mbr_hang, mbr_hang, mbr_hang, mbr_hang,
	0, 0, 0, 0, mbr_hang, mbr_hang, 0, mbr_hang, mbr_hang,
};
