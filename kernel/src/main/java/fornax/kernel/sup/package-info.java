/**
 * The fault supervisor (phase 13, MINIX 3's reincarnation server): {@link fornax.kernel.sup.Supervisor}
 * starts file servers as {@link fornax.kernel.sup.Service}s, detects their failures (an exception in a
 * kernel-side server, the death of a user-space server process, a server that stops answering its
 * heartbeat), logs each with its reason, and restarts the server with exponential backoff within a
 * restart budget. {@link fornax.kernel.sup.ServiceFs} is what namespaces mount: it outlives instances,
 * gives EIO to fids of a dead instance and lets new walks reach the new one.
 * {@link fornax.kernel.sup.KernelTaskLauncher} runs a kernel-side server as an isolated task behind a
 * 9P channel; the kernel provides the launcher of guest server programs. {@link fornax.kernel.sup.SupFs}
 * is the /dev/sup tree: status, ctl and one file per service.
 *
 * <p>Invariants: a service has at most one live instance; a failure report names its instance's
 * generation and is ignored once that instance is replaced; restarts never exceed the budget in
 * any window; no caller's thread ever launches an instance (the supervisor's timer thread does).
 *
 * <p>Lock order: Supervisor → Service → a ServiceFs fid's monitor → the 9P client's leaves. No lock
 * is held while launching, connecting or killing an instance, or while sending a 9P message.
 */
package fornax.kernel.sup;
