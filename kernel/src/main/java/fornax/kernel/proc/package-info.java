/**
 * Processes and threads. A {@link fornax.kernel.proc.Process} owns an address space, descriptors,
 * limits and exit state (guarded by its monitor); a {@link fornax.kernel.proc.Task} is a thread's
 * saved registers and per-thread state, touched only by the thread running it.
 *
 * <p>{@link fornax.kernel.proc.PidNamespace}: pid namespaces. Process and Task ids are global; a
 * process sees them through its namespace's numbers (the root's are the global ids), which the
 * {@link fornax.kernel.proc.ProcessTable} assigns when an id is allocated and frees when it is
 * reaped. A namespace carries a container's task limit and memory limit.
 *
 * <p>Lock order: ProcessTable → Process → Task (pending signals); PidNamespace numbers change
 * under the ProcessTable lock and are read without it.
 */
package fornax.kernel.proc;
