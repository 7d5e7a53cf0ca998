/**
 * Terminals: the line discipline and the controlling-terminal machinery (Linux's n_tty.c,
 * tty_io.c, tty_jobctrl.c).
 *
 * <pre>
 *   UART ──TtyReceiver (kernel thread)──► Tty.receive ──► LineDiscipline (input ring, echo)
 *                                           │ ^C ^\ ^Z ──► JobControl.signalGroup(foreground)
 *   /dev/console, /dev/tty (DevFs) ──► Tty.read/write/ioctl/poll ──► LineDiscipline ──► UART
 *                                           └─ job control: SIGTTIN/SIGTTOU to background groups
 * </pre>
 *
 * <ul>
 *   <li>{@link fornax.kernel.dev.tty.Termios}: struct termios and its flags.
 *   <li>{@link fornax.kernel.dev.tty.LineDiscipline}: canonical editing, echo, ISIG, VMIN/VTIME,
 *       output processing, readiness for poll.
 *   <li>{@link fornax.kernel.dev.tty.Tty}: session, foreground group, window size, ioctls,
 *       job-control checks; a {@link fornax.kernel.proc.ControllingTerminal}.
 *   <li>{@link fornax.kernel.dev.tty.JobControl}: what a terminal asks of the process layer;
 *       {@link fornax.kernel.dev.tty.KernelJobControl} answers from the kernel's process table.
 *   <li>{@link fornax.kernel.dev.tty.TtyReceiver}: drains the console UART into its terminal.
 * </ul>
 *
 * <p>Invariants: input is never refused for lack of room (it is dropped instead), so the receiver
 * never waits on a reader; signals raised by input are sent after the line discipline's lock is
 * released; a read or write by a background process of the terminal's session is checked before
 * it touches the line discipline.
 *
 * <p>Lock order (outermost first):
 * <pre>
 *   Tty.writeLock (one write(2) at a time)
 *     Tty (session, foreground group, window size)
 *       ProcessTable → Process (through JobControl)
 *     LineDiscipline
 *       UartDriver tx lock → device → Plic
 * </pre>
 */
package fornax.kernel.dev.tty;
