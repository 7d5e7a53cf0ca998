/**
 * The trap path: run a task on a hart, and turn each trap into a syscall, a page-fault
 * resolution, a signal, or a scheduler tick; and signal delivery on the way back to user mode
 * ({@link fornax.kernel.trap.SignalDelivery}: the Linux riscv64 rt_sigframe, the trampoline page,
 * rt_sigreturn). Runs on the task's own thread; takes the locks of whatever subsystem it calls,
 * never its own.
 */
package fornax.kernel.trap;
