package fornax.kernel.proc;

/**
 * A set of pending signals with what each was sent with: sender, si_code and si_value. Standard
 * signals do not queue, so a second post of a pending signal replaces the first's details, as on
 * Linux. {@link #take} packs a signal as {@code sig | sender << 8 | (si_code & 0xffff) << 40}.
 *
 * <p>Not thread-safe: the owner ({@link Process} for process-directed signals, {@link Task} for
 * thread-directed ones) guards it with its own monitor.
 */
final class PendingSignals {
    private long bits;
    private final int[] sender = new int[65];
    private final int[] code = new int[65];
    private final long[] value = new long[65];

    void post(int sig, int senderPid, int siCode, long siValue) {
        bits |= 1L << (sig - 1);
        sender[sig] = senderPid;
        code[sig] = siCode;
        value[sig] = siValue;
    }

    long bits() { return bits; }

    int code(int sig) { return code[sig]; }

    void discard(long mask) { bits &= ~mask; }

    /** Takes the lowest pending signal not in {@code blocked} (its si_value into {@code siValue[0]} if given); 0 if none. */
    long take(long blocked, long[] siValue) {
        long ready = bits & ~blocked;
        if (ready == 0) return 0;
        int sig = Long.numberOfTrailingZeros(ready) + 1;
        bits &= ~(1L << (sig - 1));
        if (siValue != null) siValue[0] = value[sig];
        return sig | ((long) sender[sig] & 0xFFFFFFFFL) << 8 | (long) (code[sig] & 0xFFFF) << 40;
    }
}
