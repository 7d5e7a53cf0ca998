package fornax.kernel.dev.tty;

import fornax.kernel.proc.ControllingTerminal;

/**
 * What a terminal needs from the process layer for job control: who is calling, signals to
 * process groups, and the session rules of TIOCSPGRP and TIOCSCTTY. The kernel's implementation
 * is {@link KernelJobControl}; tests use a fake.
 *
 * <p>Implementations may take process-table locks: a terminal calls them without its line
 * discipline's lock held.
 */
public interface JobControl {
    /** The process making the current call, or null when the caller is a kernel thread. */
    Caller caller();

    /** Sends {@code sig} to every member of process group {@code pgid} (from the kernel). */
    void signalGroup(int pgid, int sig);

    /** Sends {@code sig} to process {@code pid}, if it exists. */
    void signalProcess(int pid, int sig);

    /**
     * The session of process group {@code pgid}; if there is no such group, of the process with
     * that pid; -1 if neither exists (Linux's session_of_pgrp after find_vpid).
     */
    int sessionOfGroup(int pgid);

    /**
     * Whether process group {@code pgid} is orphaned: no member has a parent in another group of
     * the same session (a parent that is init does not count, as on Linux).
     */
    boolean orphaned(int pgid);

    /** Every process of session {@code sid} loses its controlling terminal. */
    void dropSession(int sid);

    /** The calling process as the terminal sees it. */
    interface Caller {
        int pid();
        int pgid();
        int sid();

        /** The controlling terminal of the caller's session, or null. */
        ControllingTerminal terminal();

        /** Whether the caller ignores {@code sig} (SIG_IGN) or its thread blocks it. */
        boolean ignoresOrBlocks(int sig);

        /** TIOCSCTTY: the caller's session (the caller leads it) gets {@code terminal}. */
        void setTerminal(ControllingTerminal terminal);

        /** TIOCNOTTY by a process that does not lead its session: only it loses the terminal. */
        void dropTerminal();
    }
}
