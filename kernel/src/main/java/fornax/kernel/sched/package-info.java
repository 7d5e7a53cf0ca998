/**
 * Scheduling: which task runs on which hart. Each guest thread is a Java (virtual) thread; the
 * {@link fornax.kernel.sched.Scheduler} lends it a hart while it runs user code and takes the hart
 * back at every syscall (which may block) and at the end of a time slice when others wait. It also
 * keeps each hart's TLB coherent with address-space changes made while the hart ran something else.
 * {@link fornax.kernel.sched.CpuAccounting} samples the harts and tasks every tick (1/100 s) for
 * per-hart and per-task CPU time and the load averages that /proc, sysinfo and top show.
 *
 * <p>Lock order: the scheduler's lock is a leaf: nothing else is taken while holding it.
 * CpuAccounting's sampling lock is outermost for its ticker: under it the scheduler's lock, the
 * process table and the accounting object's own monitor are taken one at a time.
 */
package fornax.kernel.sched;
