/* Offsets used by the assembly in asm.S. kernel.c checks every one of them
 * with _Static_assert against the C structs in kernel.h. */
#ifndef CRASHLAB_OFFSETS_H
#define CRASHLAB_OFFSETS_H

#define OFF_THREAD_CALLEE      32   /* offsetof(struct k_thread, callee_saved) */
#define OFF_THREAD_ARCH        120  /* offsetof(struct k_thread, arch) */
#define OFF_ARCH_EXC_RETURN    8    /* offsetof(struct _thread_arch, mode_exc_return) */
#define OFF_ARCH_PREEMPT_FLOAT 12   /* offsetof(struct _thread_arch, preempt_float) */
#define OFF_KERNEL_CURRENT     8    /* offsetof(struct z_kernel, cpus[0].current) */

#ifdef LAB_ZMK_BUILD                  /* the structs of kernel_zmk.h */
#undef OFF_THREAD_CALLEE
#undef OFF_THREAD_ARCH
#undef OFF_ARCH_EXC_RETURN
#undef OFF_ARCH_PREEMPT_FLOAT
#define OFF_THREAD_CALLEE      28
#define OFF_THREAD_ARCH        92
#define OFF_ARCH_EXC_RETURN    73   /* arch.mode_exc_return: byte 1 of the mode union after preempt_float */
#define OFF_ARCH_PREEMPT_FLOAT 8
#endif

#endif
