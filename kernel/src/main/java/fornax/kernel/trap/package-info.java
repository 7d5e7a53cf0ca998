/**
 * The trap path: run a task on a hart, and turn each trap into a syscall, a page-fault
 * resolution, a signal, or a scheduler tick. Runs on the task's own thread; takes the locks of
 * whatever subsystem it calls, never its own.
 */
package fornax.kernel.trap;
