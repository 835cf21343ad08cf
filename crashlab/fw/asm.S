/* Assembly parts of the crash lab kernel. Like Zephyr's: no .cfi_*
 * directives, so none of these routines has a .debug_frame entry. */
#include "offsets.h"

	.syntax unified
	.thumb
	.text
#ifndef LAB_ZMK_BUILD   /* Zephyr 4.1 has both in C: kernel.c and startup.c (LAB_ZMK_BUILD) */
/* Idle: sleep until an interrupt arrives (like Zephyr's arch_cpu_idle). */
	.global arch_cpu_idle
	.type arch_cpu_idle, %function
	.thumb_func
arch_cpu_idle:
	cpsid i
	wfi
	cpsie i
	isb
	bx lr
	.size arch_cpu_idle, . - arch_cpu_idle

/* All device interrupts: push r0 and lr, call the C handler from the
 * software ISR table (entries {arg, isr}), like Zephyr's _isr_wrapper. */
	.global _isr_wrapper
	.type _isr_wrapper, %function
	.thumb_func
_isr_wrapper:
	push {r0, lr}
	ldr r2, =_kernel
	ldr r3, [r2]            /* _kernel.cpus[0].nested++ */
	adds r3, r3, #1
	str r3, [r2]
	mrs r0, ipsr
	subs r0, r0, #16
	lsls r0, r0, #3
	ldr r1, =_sw_isr_table
	adds r1, r1, r0
	ldm r1!, {r0, r3}
	blx r3
	ldr r2, =_kernel
	ldr r3, [r2]
	subs r3, r3, #1
	str r3, [r2]
	pop {r0, lr}
	bx lr
	.size _isr_wrapper, . - _isr_wrapper
#endif
/* Context switch. Callee-saved r4-r11 and psp go to
 * thread->callee_saved, the EXC_RETURN low byte to arch.mode_exc_return,
 * s16-s31 to arch.preempt_float when the thread had an FP context. */
	.global z_arm_pendsv
	.type z_arm_pendsv, %function
	.thumb_func
z_arm_pendsv:
	cpsid i
	ldr r1, =_kernel
	ldr r2, [r1, #OFF_KERNEL_CURRENT]
	add r0, r2, #OFF_THREAD_CALLEE
	mrs ip, psp
	stmia r0, {r4-r11, ip}
	add r0, r2, #OFF_THREAD_ARCH
	strb lr, [r0, #OFF_ARCH_EXC_RETURN]
#ifndef LAB_SOFT_FLOAT
	tst lr, #0x10
	bne 1f
	add r0, r0, #OFF_ARCH_PREEMPT_FLOAT
	vstmia r0, {s16-s31}
1:
#endif
	bl z_get_next_switch_handle     /* r0 = next thread, sets _current */
	mov r2, r0
	add r0, r2, #OFF_THREAD_ARCH
	ldrb r3, [r0, #OFF_ARCH_EXC_RETURN]
	mvn lr, #0xff
	orr lr, lr, r3
#ifndef LAB_SOFT_FLOAT
	tst lr, #0x10
	bne 2f
	add r0, r0, #OFF_ARCH_PREEMPT_FLOAT
	vldmia r0, {s16-s31}
2:
#endif
	add r0, r2, #OFF_THREAD_CALLEE
	ldmia r0, {r4-r11, ip}
	msr psp, ip
#ifdef LAB_BUILTIN_STACK_GUARD
	/* like Zephyr 4.1's swap_helper.S: PSPLIM for the incoming thread (r2) */
	push {r2, lr}
	mov r0, r2
	bl configure_builtin_stack_guard
	pop {r2, lr}
#endif
	cpsie i
	bx lr
	.size z_arm_pendsv, . - z_arm_pendsv

/* SVC: only the runtime exception (svc #2, r0 = reason) is used. */
	.global z_arm_svc
	.type z_arm_svc, %function
	.thumb_func
z_arm_svc:
	mrs r0, msp
	mrs r1, psp
	mov r2, lr
	push {r0, lr}
	bl z_do_kernel_oops
	pop {r0, pc}
	.size z_arm_svc, . - z_arm_svc

/* Fault vectors: each has its own entry so the debugger names the vector
 * that was taken; all continue in z_arm_fault_entry, which passes
 * (msp, psp, exc_return, callee-saved r4-r11 on the stack) to C. */
	.global z_arm_hard_fault
	.type z_arm_hard_fault, %function
	.thumb_func
z_arm_hard_fault:
	b z_arm_fault_entry
	.size z_arm_hard_fault, . - z_arm_hard_fault

	.global z_arm_mpu_fault
	.type z_arm_mpu_fault, %function
	.thumb_func
z_arm_mpu_fault:
	b z_arm_fault_entry
	.size z_arm_mpu_fault, . - z_arm_mpu_fault

	.global z_arm_bus_fault
	.type z_arm_bus_fault, %function
	.thumb_func
z_arm_bus_fault:
	b z_arm_fault_entry
	.size z_arm_bus_fault, . - z_arm_bus_fault

	.global z_arm_usage_fault
	.type z_arm_usage_fault, %function
	.thumb_func
z_arm_usage_fault:
	b z_arm_fault_entry
	.size z_arm_usage_fault, . - z_arm_usage_fault

	.global z_arm_debug_monitor
	.type z_arm_debug_monitor, %function
	.thumb_func
z_arm_debug_monitor:
	b z_arm_fault_entry
	.size z_arm_debug_monitor, . - z_arm_debug_monitor

	.global z_arm_exc_spurious
	.type z_arm_exc_spurious, %function
	.thumb_func
z_arm_exc_spurious:
	b z_arm_fault_entry
	.size z_arm_exc_spurious, . - z_arm_exc_spurious

	.type z_arm_fault_entry, %function
	.thumb_func
z_arm_fault_entry:
	mrs r0, msp
	mrs r1, psp
	mov r2, lr
	push {r4-r11}
	mov r3, sp
	push {r0, lr}
	bl z_arm_fault
	pop {r0, lr}
	add sp, sp, #32
	bx lr
	.size z_arm_fault_entry, . - z_arm_fault_entry

/* Calls fn(arg) with the stack 4 bytes off the 8-byte alignment: a
 * hand-written routine that forgot to keep AAPCS alignment. The exception
 * frame of a fault inside fn then has xPSR bit 9 set. */
	.global crashlab_odd_stack_call
	.type crashlab_odd_stack_call, %function
	.thumb_func
crashlab_odd_stack_call:
	push {r4, lr}
	sub sp, sp, #4
#ifdef LAB_FP_CONTEXT
	vmov s0, r1             /* the thread uses the FPU: its exception frame is the extended one */
#endif
	mov r4, r0
	mov r0, r1
	blx r4
	add sp, sp, #4
	pop {r4, pc}
	.size crashlab_odd_stack_call, . - crashlab_odd_stack_call

	.ltorg
