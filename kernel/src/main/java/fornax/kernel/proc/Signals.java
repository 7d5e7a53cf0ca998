package fornax.kernel.proc;

/** Linux signal numbers (riscv64 uses the generic numbering) and their names. */
public final class Signals {
    private Signals() { }

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGXCPU = 24, SIGXFSZ = 25, SIGWINCH = 28, SIGSYS = 31;

    private static final String[] NAMES = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private static final String[] DESCRIPTIONS = {"", "Hangup", "Interrupt", "Quit", "Illegal instruction",
            "Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception", "Killed",
            "User defined signal 1", "Segmentation fault", "User defined signal 2", "Broken pipe", "Alarm clock",
            "Terminated"};

    /** What happens to a process when a signal arrives with the default disposition. */
    public enum DefaultAction { TERMINATE, CORE, IGNORE, STOP, CONTINUE }

    public static DefaultAction defaultAction(int sig) {
        return switch (sig) {
            case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, 24, 25, SIGSYS -> DefaultAction.CORE;
            case SIGCHLD, 23, 28 -> DefaultAction.IGNORE;                 // SIGURG, SIGWINCH
            case SIGCONT -> DefaultAction.CONTINUE;
            case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU -> DefaultAction.STOP;
            default -> DefaultAction.TERMINATE;
        };
    }

    public static final long UNBLOCKABLE = (1L << (SIGKILL - 1)) | (1L << (SIGSTOP - 1));

    public static String name(int sig) { return sig > 0 && sig < NAMES.length ? NAMES[sig] : "SIG" + sig; }

    public static String describe(int sig) {
        return sig > 0 && sig < DESCRIPTIONS.length ? DESCRIPTIONS[sig] : name(sig);
    }
}
