/* Vector table and assembly helpers WITHOUT call-frame information (like Zephyr's assembly),
 * so the unwinder has to analyse their Thumb prologues. */
    .syntax unified
    .thumb
    .section .vectors, "a"
    .word main_stack_top
    .word Reset_Handler + 1
    .word NMI_Handler + 1
    .word HardFault_Handler + 1
    .word HardFault_Handler + 1   /* MemManage */
    .word HardFault_Handler + 1   /* BusFault */
    .word HardFault_Handler + 1   /* UsageFault */
    .word 0, 0, 0, 0
    .word SVC_Handler + 1
    .word 0, 0
    .word PendSV_Handler + 1
    .word SysTick_Handler + 1

    .text
    .global Reset_Handler
    .type Reset_Handler, %function
Reset_Handler:
    /* enable the FPU (CPACR cp10/cp11 full access) */
    ldr r0, =0xE000ED88
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    bl main
1:  b 1b
    .size Reset_Handler, . - Reset_Handler

    .global NMI_Handler
    .type NMI_Handler, %function
NMI_Handler:
    b NMI_Handler
    .size NMI_Handler, . - NMI_Handler

    /* asm_relay(fn, arg): calls fn(arg) through an assembly frame with no CFI.
     * The odd-sized frame (push 3 regs + sub 8) makes sp 4 mod 8 inside fn's caller chain. */
    .global asm_relay
    .type asm_relay, %function
asm_relay:
    push {r4, r5, lr}
    sub sp, #8
    mov r4, r0
    mov r0, r1
    blx r4
    add sp, #8
    pop {r4, r5, pc}
    .size asm_relay, . - asm_relay

    /* asm_pend_misaligned(): pends PendSV with sp = 4 mod 8, so the core pads the frame (xPSR bit 9). */
    .global asm_pend_misaligned
    .type asm_pend_misaligned, %function
asm_pend_misaligned:
    push {r4, lr}
    sub sp, #4
    ldr r0, =0xE000ED04
    mov r1, #(1 << 28)
    str r1, [r0]
    dsb
    isb
    nop
    add sp, #4
    pop {r4, pc}
    .size asm_pend_misaligned, . - asm_pend_misaligned

    /* switch_to_psp(fn, stack_top): runs fn() in Thread mode on the process stack. */
    .global switch_to_psp
    .type switch_to_psp, %function
switch_to_psp:
    push {r4, lr}
    msr psp, r1
    mrs r4, control
    orr r2, r4, #2
    msr control, r2
    isb
    blx r0
    msr control, r4
    isb
    pop {r4, pc}
    .size switch_to_psp, . - switch_to_psp
