/* Vector table, reset, console for the lab application. */
#include <stdarg.h>
#include <string.h>
#include "kernel.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;
K_THREAD_STACK_DEFINE(z_interrupt_stacks, 2048);
void z_arm_reset(void);

struct _isr_table_entry _sw_isr_table[CRASHLAB_NUM_IRQS];

/* the initial MSP is the top of the interrupt stack, as in Zephyr */
__attribute__((section(".vectors"), used))
const void *const _vector_table[16 + CRASHLAB_NUM_IRQS] = {
	[0] = z_interrupt_stacks + 2048,
	[1] = z_arm_reset,
	[2] = z_arm_exc_spurious,      /* NMI */
	[3] = z_arm_hard_fault,
	[4] = z_arm_mpu_fault,
	[5] = z_arm_bus_fault,
	[6] = z_arm_usage_fault,
	[7 ... 10] = z_arm_exc_spurious,
	[11] = z_arm_svc,
	[12] = z_arm_debug_monitor,
	[13] = z_arm_exc_spurious,
	[14] = z_arm_pendsv,
	[15] = sys_clock_isr,
	[16 ... 16 + CRASHLAB_NUM_IRQS - 1] = _isr_wrapper,
};

static void z_irq_spurious(const void *arg)
{
	(void)arg;
	ARCH_EXCEPT(1);                /* K_ERR_SPURIOUS_IRQ */
}

__attribute__((noreturn)) void z_arm_reset(void)
{
	uint32_t *src = &_sidata;
	uint32_t sp;

	for (uint32_t *dst = &_sdata; dst < &_edata;) {
		*dst++ = *src++;
	}
	for (uint32_t *dst = &_sbss; dst < &_ebss;) {
		*dst++ = 0;
	}
	/* CONFIG_INIT_STACKS for the interrupt stack, below what is in use */
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	memset(z_interrupt_stacks, 0xAA, (sp - 64) - (uint32_t)z_interrupt_stacks);

	SCB_CPACR |= 0xFu << 20;       /* CP10, CP11 full access */
	__asm__ volatile("dsb; isb");
	FPU_FPCCR |= 0xC0000000u;      /* ASPEN | LSPEN: automatic, lazy FP stacking */
	for (int i = 0; i < CRASHLAB_NUM_IRQS; i++) {
		_sw_isr_table[i].isr = z_irq_spurious;
	}
	z_cstart();
}

/* CMSDK APB UART0 of mps2 */
#define UART0_DATA  (*(volatile uint32_t *)(LAB_UART0_BASE + 0x0))
#define UART0_STATE (*(volatile uint32_t *)(LAB_UART0_BASE + 0x4))
#define UART0_CTRL  (*(volatile uint32_t *)(LAB_UART0_BASE + 0x8))
#define UART0_BAUD  (*(volatile uint32_t *)(LAB_UART0_BASE + 0x10))

static void uart_putc(char c)
{
	if ((UART0_CTRL & 1) == 0) {
		UART0_BAUD = 16;
		UART0_CTRL = 1;
	}
	while (UART0_STATE & 1) {
	}
	UART0_DATA = (uint8_t)c;
}

static void put_hex(uint32_t v, int width)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = width - 1; i >= 0; i--) {
		uart_putc(digits[(v >> (i * 4)) & 0xf]);
	}
}

/* printk with %s %d %u %x %08x %p %c only */
void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (*fmt == '\n') {
				uart_putc('\r');
			}
			uart_putc(*fmt);
			continue;
		}
		fmt++;
		int width = 0;
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (*fmt++ - '0');
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (*s) {
				uart_putc(*s++);
			}
			break;
		}
		case 'c':
			uart_putc((char)va_arg(ap, int));
			break;
		case 'p':
			uart_putc('0');
			uart_putc('x');
			put_hex(va_arg(ap, uint32_t), 8);
			break;
		case 'x': {
			uint32_t v = va_arg(ap, uint32_t);
			int w = 1;
			while (w < 8 && (v >> (w * 4)) != 0) {
				w++;
			}
			put_hex(v, width > w ? width : w);
			break;
		}
		case 'd':
		case 'u': {
			int32_t v = va_arg(ap, int32_t);
			char buf[12];
			int n = 0;
			uint32_t u = (*fmt == 'd' && v < 0) ? (uint32_t)(-v) : (uint32_t)v;
			if (*fmt == 'd' && v < 0) {
				uart_putc('-');
			}
			do {
				buf[n++] = (char)('0' + u % 10);
				u /= 10;
			} while (u != 0);
			while (n > 0) {
				uart_putc(buf[--n]);
			}
			break;
		}
		default:
			uart_putc(*fmt);
		}
	}
	va_end(ap);
}

#ifdef LAB_ZMK_BUILD
#include "cmsis_gcc.h"

/* Zephyr 4.1 arch/arm/core/cortex_m/exc_exit.c z_arm_exc_exit(): decides whether to pend PendSV after an ISR. The
 * lab's ISRs pend it themselves, so nothing is left to do here; the call stays so that the ISR call is not the
 * wrapper's last action (no tail call), as in Zephyr. */
__attribute__((noinline)) void z_arm_exc_exit(void)
{
	__asm__ volatile("" : : : "memory");
}

/* Zephyr 4.1 arch/arm/core/cortex_m/isr_wrapper.c _isr_wrapper() (no tracing, no PM): a C function, so it has
 * call-frame information, unlike the lab's default asm wrapper (Zephyr 3.4's isr_wrapper.S). The nested count is
 * the lab scheduler's (k_sem_give from an ISR); Zephyr's Cortex-M port asks the IPSR instead. */
void _isr_wrapper(void)
{
	int32_t irq_number = (int32_t)__get_IPSR();

	irq_number -= 16;
	_kernel.cpus[0].nested++;
	struct _isr_table_entry *entry = &_sw_isr_table[irq_number];
	(entry->isr)(entry->arg);
	_kernel.cpus[0].nested--;
	z_arm_exc_exit();
}
#endif
