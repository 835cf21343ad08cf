/* Fault handling modelled on Zephyr's Cortex-M fault.c: the reason code is
 * decided from CFSR/HFSR, then the fatal error path writes the coredump. */
#include "kernel.h"
#include "lab_config.h"

struct arch_esf {
	uint32_t a1, a2, a3, a4, ip, lr, pc, xpsr;   /* basic frame */
	uint32_t s[16], fpscr, undefined;            /* extended frame only */
};

/* set before the dump; the arch block's sp */
uint32_t z_arm_coredump_fault_sp;
/* r4..r11 at fault entry when built with CONFIG_EXTRA_EXCEPTION_INFO */
const uint32_t *z_arm_fault_callee;
/* EXC_RETURN of the exception being reported */
uint32_t z_arm_fault_exc_return;

void coredump(unsigned int reason, const struct arch_esf *esf, struct k_thread *thread);

#define K_ERR_CPU_EXCEPTION 0
#define K_ERR_STACK_CHK_FAIL 2
#define K_ERR_ARM_MEM_GENERIC 16

static const char *reason_to_str(unsigned int reason)
{
	switch (reason) {
	case 0: return "CPU exception";
	case 1: return "Unhandled interrupt";
	case 2: return "Stack overflow";
	case 3: return "Kernel oops";
	case 4: return "Kernel panic";
	default: return "Unknown error";
	}
}

static void z_arm_set_fault_sp(const struct arch_esf *esf, uint32_t exc_return)
{
#if CD_SP_41
	/* Zephyr 4.1: the stack pointer before the exception */
	uint32_t sp = (uint32_t)esf + 32;

	if (LAB_FPU_SHARING && (exc_return & 0x10) == 0) {
		sp += 72;                              /* extended (FP) frame */
	}
	if (esf->xpsr & (LAB_STKALIGN_ONE << 9)) {
		sp |= 4;                               /* stack was realigned */
	}
	z_arm_coredump_fault_sp = sp;
#else
	/* Zephyr 3.5: the address of the exception frame */
	(void)exc_return;
	z_arm_coredump_fault_sp = (uint32_t)esf;
#endif
}

__attribute__((weak, noinline))
void k_sys_fatal_error_handler(unsigned int reason, const struct arch_esf *esf)
{
	(void)esf;
	(void)reason;
	printk("E: Halting system\n");
	__asm__ volatile("cpsid i");
	for (;;) {
	}
}

static void esf_dump(const struct arch_esf *esf)
{
	printk("E: r0/a1:  0x%08x  r1/a2:  0x%08x  r2/a3:  0x%08x\n", esf->a1, esf->a2, esf->a3);
	printk("E: r3/a4:  0x%08x r12/ip:  0x%08x r14/lr:  0x%08x\n", esf->a4, esf->ip, esf->lr);
	printk("E:  xpsr:  0x%08x\n", esf->xpsr);
	if ((z_arm_fault_exc_return & 0x10) == 0) {
		printk("E: fpscr:  0x%08x\n", esf->fpscr);
	}
	printk("E: Faulting instruction address (r15/pc): 0x%08x\n", esf->pc);
}
#ifndef LAB_ZMK_BUILD
__attribute__((noreturn))
static void z_fatal_error(unsigned int reason, const struct arch_esf *esf)
{
	struct k_thread *thread = _current;

	if (esf != NULL) {
		esf_dump(esf);
	}
	printk("E: >>> ZEPHYR FATAL ERROR %d: %s on CPU 0\n", reason, reason_to_str(reason));
	printk("E: Current thread: %p (%s)\n", (uint32_t)thread, thread->name);
	/* lab: the dump path (packed headers, memcpy) is not built for
	 * CCR.UNALIGN_TRP; the unaligned-access scenario turns the trap off here */
	SCB_CCR &= ~(1u << 3);
	coredump(reason, esf, thread);
	k_sys_fatal_error_handler(reason, esf);
	for (;;) {
	}
}
#endif
static int stack_guard_hit(uint32_t addr)
{
	struct k_thread *t = _current;

	return t != NULL && addr >= t->stack_info.start - 32 && addr < t->stack_info.start;
}

static unsigned int mem_manage_fault(void)
{
	uint32_t cfsr = SCB_CFSR;
	unsigned int reason = K_ERR_ARM_MEM_GENERIC;

	printk("E: ***** MPU FAULT *****\n");
	if (cfsr & (1u << 4)) {
		reason = 17;
		printk("E:   Stacking error (context area might be not valid)\n");
	}
	if (cfsr & (1u << 3)) {
		reason = 18;
		printk("E:   Unstacking error\n");
	}
	if (cfsr & (1u << 1)) {
		reason = 19;
		printk("E:   Data Access Violation\n");
		if (cfsr & (1u << 7)) {
			printk("E:   MMFAR Address: 0x%x\n", SCB_MMFAR);
		}
	}
	if (cfsr & (1u << 0)) {
		reason = 20;
		printk("E:   Instruction Access Violation\n");
	}
	if (cfsr & (1u << 5)) {
		reason = 21;
		printk("E:   Floating-point lazy state preservation error\n");
	}
	if ((cfsr & (1u << 7)) && stack_guard_hit(SCB_MMFAR)) {
		reason = K_ERR_STACK_CHK_FAIL;
	}
	return reason;
}

static unsigned int bus_fault(void)
{
	uint32_t cfsr = SCB_CFSR;
	unsigned int reason = 22;

	printk("E: ***** BUS FAULT *****\n");
	if (cfsr & (1u << 12)) {
		reason = 23;
		printk("E:   Stacking error\n");
	}
	if (cfsr & (1u << 11)) {
		reason = 24;
		printk("E:   Unstacking error\n");
	}
	if (cfsr & (1u << 9)) {
		reason = 25;
		printk("E:   Precise data bus error\n");
		if (cfsr & (1u << 15)) {
			printk("E:   BFAR Address: 0x%x\n", SCB_BFAR);
		}
	}
	if (cfsr & (1u << 10)) {
		reason = 26;
		printk("E:   Imprecise data bus error\n");
	}
	if (cfsr & (1u << 8)) {
		reason = 27;
		printk("E:   Instruction bus error\n");
	} else if (cfsr & (1u << 13)) {
		reason = 28;
		printk("E:   Floating-point lazy state preservation error\n");
	}
	return reason;
}

static unsigned int usage_fault(void)
{
	uint32_t cfsr = SCB_CFSR;
	unsigned int reason = 29;

	printk("E: ***** USAGE FAULT *****\n");
	if (cfsr & (1u << 25)) {
		reason = 30;
		printk("E:   Division by zero\n");
	}
	if (cfsr & (1u << 24)) {
		reason = 31;
		printk("E:   Unaligned memory access\n");
	}
	if (cfsr & (1u << 19)) {
		reason = 33;
		printk("E:   No coprocessor instructions\n");
	}
	if (cfsr & (1u << 18)) {
		reason = 34;
		printk("E:   Illegal load of EXC_RETURN into PC\n");
	}
	if (cfsr & (1u << 17)) {
		reason = 35;
		printk("E:   Illegal use of the EPSR\n");
	}
	if (cfsr & (1u << 16)) {
		reason = 36;
		printk("E:   Attempt to execute undefined instruction\n");
	}
	return LAB_USAGE_FAULT_MORE(cfsr, reason);
}

static unsigned int hard_fault(void)
{
	uint32_t hfsr = SCB_HFSR;
	uint32_t cfsr = SCB_CFSR;

	printk("E: ***** HARD FAULT *****\n");
	if (hfsr & (1u << 1)) {
		printk("E:   Bus fault on vector table read\n");
		return K_ERR_CPU_EXCEPTION;
	}
	if (hfsr & (1u << 30)) {
		printk("E:   Fault escalation (see below)\n");
		if (cfsr & 0xFFu) {
			return mem_manage_fault();
		}
		if (cfsr & 0xFF00u) {
			return bus_fault();
		}
		if (cfsr & 0xFFFF0000u) {
			return usage_fault();
		}
	}
	return K_ERR_CPU_EXCEPTION;
}

/* called by z_arm_fault_entry (asm.S) */
void z_arm_fault(uint32_t msp, uint32_t psp, uint32_t exc_return, const uint32_t *callee_regs)
{
	uint32_t ipsr;
	unsigned int reason;
	const struct arch_esf *esf;

	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	/* EXC_RETURN bit 2: the frame is on the process stack */
	esf = (const struct arch_esf *)((exc_return & 0x4) ? psp : msp);
	if ((exc_return & 0x8) == 0) {
		printk("E: Exception occurred in handler mode (nested)\n");
	}
	z_arm_fault_exc_return = exc_return;
	z_arm_fault_callee = callee_regs;

	switch (ipsr & 0x1FF) {
	case 3:
		reason = hard_fault();
		break;
	case 4:
		reason = mem_manage_fault();
		break;
	case 5:
		reason = bus_fault();
		break;
	case 6:
		reason = usage_fault();
		break;
	default:
		printk("E: ***** Reserved Exception ( %d) *****\n", (int)(ipsr & 0x1FF) - 16);
		reason = K_ERR_CPU_EXCEPTION;
	}
	z_arm_set_fault_sp(esf, exc_return);
	z_fatal_error(reason, LAB_ESF_COPY(esf));
}

/* svc #2 from k_oops()/k_panic()/__ASSERT: reason in the stacked r0 */
void z_do_kernel_oops(uint32_t msp, uint32_t psp, uint32_t exc_return)
{
	const struct arch_esf *esf = (const struct arch_esf *)((exc_return & 0x4) ? psp : msp);

	z_arm_fault_exc_return = exc_return;
	z_arm_fault_callee = 0;
#if CD_SP_41
	z_arm_set_fault_sp(esf, exc_return);     /* 4.1 sets sp on this path too */
#endif
	z_fatal_error(esf->a1, esf);
}

#ifdef LAB_ZMK_BUILD
/* Zephyr 4.1 kernel/fatal.c z_fatal_error(): without CONFIG_THREAD_NAME thread_name_get() says "unknown" */
void z_fatal_error(unsigned int reason, const struct arch_esf *esf)
{
	struct k_thread *thread = _current;

	if (esf != NULL) {
		esf_dump(esf);
	}
	printk("E: >>> ZEPHYR FATAL ERROR %d: %s on CPU 0\n", reason, reason_to_str(reason));
	printk("E: Current thread: %p (%s)\n", (uint32_t)thread, "unknown");
	SCB_CCR &= ~(1u << 3);
	coredump(reason, esf, thread);
	k_sys_fatal_error_handler(reason, esf);
	for (;;) {
	}
}
#endif
