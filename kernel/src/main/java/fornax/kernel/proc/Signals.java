package fornax.kernel.proc;

/** Linux signal numbers (riscv64 uses the generic numbering) and their names. */
public final class Signals {
    private Signals() { }

    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGSYS = 31;

    private static final String[] NAMES = {"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
            "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
            "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private static final String[] DESCRIPTIONS = {"", "Hangup", "Interrupt", "Quit", "Illegal instruction",
            "Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception", "Killed",
            "User defined signal 1", "Segmentation fault", "User defined signal 2", "Broken pipe", "Alarm clock",
            "Terminated"};

    public static String name(int sig) { return sig > 0 && sig < NAMES.length ? NAMES[sig] : "SIG" + sig; }

    public static String describe(int sig) {
        return sig > 0 && sig < DESCRIPTIONS.length ? DESCRIPTIONS[sig] : name(sig);
    }
}
