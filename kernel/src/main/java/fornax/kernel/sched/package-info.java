/**
 * Scheduling: which task runs on which hart. Each guest thread is a Java (virtual) thread; the
 * {@link fornax.kernel.sched.Scheduler} lends it a hart while it runs user code and takes the hart
 * back at every syscall (which may block) and at the end of a time slice when others wait. It also
 * keeps each hart's TLB coherent with address-space changes made while the hart ran something else.
 *
 * <p>Lock order: the scheduler's lock is a leaf: nothing else is taken while holding it.
 */
package fornax.kernel.sched;
