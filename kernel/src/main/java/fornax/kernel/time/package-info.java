/**
 * Kernel timers: {@link fornax.kernel.time.KernelTimers}, the one timer thread the kernel owns
 * (closed with it), {@link fornax.kernel.time.IntervalTimer}, one armed expiry with an optional
 * period, {@link fornax.kernel.time.ProcessTimers}, a process's ITIMER_REAL and timer_create
 * timers, and {@link fornax.kernel.time.TimerFd}, the timerfd open file. The syscalls that use
 * them are in {@code fornax.kernel.sys.SysTimer}.
 *
 * <p>Invariants: every timer belongs to a live process table or an open timerfd, and is destroyed
 * with it (exit, execve for POSIX timers, last close for timerfds), so {@code timers()} and
 * {@code armed()} return to 0 when every process has gone. Expiry callbacks run on the timer
 * thread, never block, and take no lock but the TimerFd's and, through the signaller, the
 * target process's.
 *
 * <p>Lock order: ProcessTimers → IntervalTimer; TimerFd → IntervalTimer. An IntervalTimer calls
 * out (expiry) with no lock held.
 */
package fornax.kernel.time;
