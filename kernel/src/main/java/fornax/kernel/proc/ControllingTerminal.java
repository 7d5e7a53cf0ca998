package fornax.kernel.proc;

/**
 * What the process layer needs from a terminal that is some session's controlling tty
 * (TIOCSCTTY). The terminal keeps its session and foreground process group; processes keep a
 * reference to their session's terminal.
 */
public interface ControllingTerminal {
    /** The session whose controlling terminal this is, 0 if none. */
    int session();

    /** The foreground process group (TIOCGPGRP), 0 if none. */
    int foregroundGroup();

    /**
     * The session leader exited: the terminal stops being the session's controlling terminal
     * and, as Linux's disassociate_ctty does, SIGHUP and SIGCONT go to its foreground group.
     */
    void sessionLeaderExited(int sid);
}
