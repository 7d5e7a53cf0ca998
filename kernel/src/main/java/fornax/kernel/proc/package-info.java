/**
 * Processes and threads. A {@link fornax.kernel.proc.Process} owns an address space, descriptors,
 * limits and exit state (guarded by its monitor); a {@link fornax.kernel.proc.Task} is a thread's
 * saved registers and per-thread state, touched only by the thread running it.
 */
package fornax.kernel.proc;
