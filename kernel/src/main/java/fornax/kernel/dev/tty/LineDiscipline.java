package fornax.kernel.dev.tty;

import static fornax.kernel.dev.tty.Termios.*;

import fornax.kernel.proc.Signals;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.OpenFile;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The line discipline (Linux's N_TTY): what happens to bytes between the device and the readers
 * and writers of a terminal, as the {@link Termios} modes say.
 *
 * <pre>
 *   device ──receive()──► input processing ──► input ring ──read()──► reader
 *                          │ ISTRIP, IXON ^S/^Q, ISIG ^C ^\ ^Z (→ signal bits returned),
 *                          │ IGNCR/ICRNL/INLCR, ICANON editing: ERASE KILL WERASE LNEXT REPRINT,
 *                          │ line ends: \n EOL EOL2, EOF (^D, a marker that is never read)
 *                          └─ echo ─┐
 *   writer ──write()──► output processing (OPOST: ONLCR OCRNL ONOCR ONLRET XTABS) ──► device
 * </pre>
 *
 * The input ring holds positions {@code tail <= canonHead <= head} (monotonic counters, taken
 * modulo the capacity): {@code [tail, canonHead)} are complete lines, {@code [canonHead, head)}
 * the line being edited. In canonical mode a read gets at most one line, up to and including its
 * terminator (an EOF marker ends the line but is not returned, so ^D on an empty line reads as
 * end of file). In non-canonical mode everything in {@code [tail, head)} is readable and VMIN and
 * VTIME decide how long a read waits: MIN&gt;0 TIME=0 blocks for MIN bytes; MIN&gt;0 TIME&gt;0
 * blocks for the first byte, then until MIN bytes or TIME tenths of a second without a new one;
 * MIN=0 TIME&gt;0 waits at most TIME for one byte; MIN=0 TIME=0 never waits.
 *
 * <p>A canonical line holds at most {@value #LINE_MAX} bytes (more is dropped, line terminators
 * always fit); non-canonical input beyond the ring's {@value #CAPACITY} bytes is dropped. Nothing
 * waits for room: the receiver must always get through so that ^C works when nobody reads.
 *
 * <p>Processed output goes to the device in order through one buffer that echo shares; while
 * output is stopped (^S or TCOOFF) echo is held there and writers wait.
 *
 * <p>Locking: {@code this} guards everything; readers and writers wait on it. The device's write
 * is called with it held (it never blocks for long: the UART transmits at once). Callers send the
 * signals {@link #receive} reports after it returns, without this lock.
 */
final class LineDiscipline {
    static final int CAPACITY = 1 << 16;
    /** Longest canonical line (Linux's N_TTY_BUF_SIZE - 1). */
    static final int LINE_MAX = 4095;
    private static final int MASK = CAPACITY - 1;
    /** What the byte at a ring position is: data, a line end that is read, or an EOF marker that is not. */
    private static final byte DATA = 0, LINE_END = 1, EOF_MARK = 2;
    /** Echo held while output is stopped is capped; beyond it, echo is dropped. */
    private static final int HELD_MAX = 4096;

    private final Tty.Output device;
    // guarded by this
    private Termios termios = Termios.defaults();
    private final byte[] ring = new byte[CAPACITY];
    private final byte[] kind = new byte[CAPACITY];
    private long tail, canonHead, head;
    /** The previous byte was VLNEXT: the next is taken literally. */
    private boolean lnext;
    /** An ECHOPRT erase is being shown ("\abc"); the next other echo closes it with '/'. */
    private boolean erasing;
    /** Output stopped by VSTOP (IXON) or TCOOFF. */
    private boolean stopped;
    /** The device hung up: reads end (0), writes fail (EIO). */
    private boolean hungUp;
    /** Output column as OPOST tracks it, and the column where the line being edited began. */
    private int column, lineColumn;
    /** Processed output not yet handed to the device. */
    private byte[] pending = new byte[512];
    private int pendingLength;
    /** Threads in ppoll on this terminal (a concurrent set: ppoll adds and removes without the monitor). */
    private final Set<Thread> watchers = ConcurrentHashMap.newKeySet();

    LineDiscipline(Tty.Output device) {
        this.device = device;
    }

    // ------------------------------------------------------------------ modes

    synchronized Termios termios() { return termios.copy(); }

    /** Whether c_lflag bit {@code bit} is set now. */
    synchronized boolean localFlag(int bit) { return termios.l(bit); }

    /**
     * TCSETS: new modes; with {@code flush} (TCSETSF) pending input is discarded first. Turning
     * ICANON off makes the line being edited readable; turning it on makes what is pending one
     * line (Linux does the same).
     */
    synchronized void setTermios(Termios t, boolean flush) {
        Termios old = termios;
        termios = t.copy();
        if (flush) flushInput();
        if (((old.lflag ^ t.lflag) & ICANON) != 0) {
            for (long p = tail; p < head; p++) kind[(int) (p & MASK)] = DATA;
            if (!t.l(ICANON) || head == tail) {
                canonHead = tail;
            } else {
                kind[(int) ((head - 1) & MASK)] = LINE_END;
                canonHead = head;
            }
            erasing = false;
            lnext = false;
        }
        if (!t.i(IXON) && old.i(IXON) && stopped) stopped = false;
        flushPending();
        changed();
    }

    // ------------------------------------------------------------------ input

    /**
     * Processes input bytes from the device. Returns the signals they raised as a bit set
     * ({@code 1L << sig}) for the caller to send to the foreground process group.
     */
    synchronized long receive(byte[] src, int off, int len) {
        long signals = 0;
        for (int i = 0; i < len; i++) signals |= receive(src[off + i] & 0xFF);
        flushPending();
        changed();
        return signals;
    }

    private long receive(int c) {
        Termios t = termios;
        if (t.i(ISTRIP)) c &= 0x7F;
        if (t.i(IUCLC) && t.l(IEXTEN) && c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if (lnext) {
            lnext = false;
            ordinary(c, true);
            return 0;
        }
        if (t.i(IXON)) {
            if (t.is(c, VSTART)) { startOutput(); return 0; }
            if (t.is(c, VSTOP)) { stopped = true; return 0; }
            if (stopped && t.i(IXANY)) startOutput();
        }
        if (t.l(ISIG)) {
            int sig = t.is(c, VINTR) ? Signals.SIGINT : t.is(c, VQUIT) ? Signals.SIGQUIT
                    : t.is(c, VSUSP) ? Signals.SIGTSTP : 0;
            if (sig != 0) {
                if (!t.l(NOFLSH)) flushInput();
                if (t.i(IXON)) stopped = false;
                if (t.l(ECHO)) echoChar(c);
                return 1L << sig;
            }
        }
        if (c == '\r') {
            if (t.i(IGNCR)) return 0;
            if (t.i(ICRNL)) c = '\n';
        } else if (c == '\n' && t.i(INLCR)) {
            c = '\r';
        }
        if (t.l(ICANON)) {
            if (t.is(c, VERASE) || t.is(c, VKILL) || t.is(c, VWERASE) && t.l(IEXTEN)) {
                erase(c);
                return 0;
            }
            if (t.is(c, VLNEXT) && t.l(IEXTEN)) {
                lnext = true;
                if (t.l(ECHO)) {
                    finishErasing();
                    if (t.l(ECHOCTL)) { echoRaw('^'); echoRaw('\b'); }
                }
                return 0;
            }
            if (t.is(c, VREPRINT) && t.l(ECHO) && t.l(IEXTEN)) {
                finishErasing();
                echoChar(c);
                echoRaw('\n');
                for (long p = canonHead; p < head; p++) echoChar(ring[(int) (p & MASK)] & 0xFF);
                return 0;
            }
            if (c == '\n') {
                if (t.l(ECHO) || t.l(ECHONL)) echoRaw('\n');
                endLine(c, LINE_END);
                return 0;
            }
            if (t.is(c, VEOF)) {
                endLine(c, EOF_MARK);
                return 0;
            }
            if (t.is(c, VEOL) || t.is(c, VEOL2) && t.l(IEXTEN)) {
                if (t.l(ECHO)) {
                    if (canonHead == head) lineColumn = column;
                    echoChar(c);
                }
                endLine(c, LINE_END);
                return 0;
            }
        }
        ordinary(c, false);
        return 0;
    }

    /** Stores an ordinary byte (or a literal one after VLNEXT) and echoes it. */
    private void ordinary(int c, boolean literal) {
        Termios t = termios;
        boolean canon = t.l(ICANON);
        if (canon ? head - canonHead >= LINE_MAX || head - tail >= CAPACITY - 1 : head - tail >= CAPACITY) return;
        if (t.l(ECHO)) {
            finishErasing();
            if (c == '\n' && !literal) {
                echoRaw('\n');
            } else {
                if (canonHead == head) lineColumn = column;
                echoChar(c);
            }
        }
        put(c, DATA);
        if (!canon) canonHead = head;   // unused outside canonical mode; kept equal so a switch starts clean
    }

    private void put(int c, byte k) {
        int i = (int) (head & MASK);
        ring[i] = (byte) c;
        kind[i] = k;
        head++;
    }

    /** A line terminator: the line becomes readable. */
    private void endLine(int c, byte k) {
        if (head - tail >= CAPACITY) return;
        put(c, k);
        canonHead = head;
    }

    private boolean continuation(int c) { return termios.i(IUTF8) && (c & 0xC0) == 0x80; }

    private static boolean control(int c) { return c < 0x20 || c == 0x7F; }

    /** VERASE, VWERASE, VKILL on the line being edited, echoed as ECHOE/ECHOK/ECHOKE/ECHOPRT say. */
    private void erase(int c) {
        Termios t = termios;
        if (head == canonHead) return;
        boolean eraseOne = t.is(c, VERASE), word = !eraseOne && t.is(c, VWERASE);
        if (!eraseOne && !word) {   // VKILL
            if (!t.l(ECHO)) { head = canonHead; return; }
            if (!t.l(ECHOK) || !t.l(ECHOKE) || !t.l(ECHOE)) {
                head = canonHead;
                finishErasing();
                echoChar(t.cc(VKILL));
                if (t.l(ECHOK)) echoRaw('\n');
                return;
            }
        }
        int seenAlnums = 0;
        while (head != canonHead) {
            long p = head;
            int b;
            do {
                p--;
                b = ring[(int) (p & MASK)] & 0xFF;
            } while (continuation(b) && p != canonHead);
            if (continuation(b)) break;   // never erase part of a character
            if (word) {
                if (Character.isLetterOrDigit(b) && b < 0x80 || b == '_') seenAlnums++;
                else if (seenAlnums > 0) break;
            }
            long count = head - p;
            head = p;
            if (t.l(ECHO)) {
                if (t.l(ECHOPRT)) {
                    if (!erasing) { echoRaw('\\'); erasing = true; }
                    echoChar(b);
                    for (long q = p + 1; q < p + count; q++) echoRaw(ring[(int) (q & MASK)] & 0xFF);
                } else if (eraseOne && !t.l(ECHOE)) {
                    echoChar(t.cc(VERASE));
                } else if (b == '\t') {
                    eraseTab();
                } else {
                    if (control(b) && t.l(ECHOCTL)) { echoRaw('\b'); echoRaw(' '); echoRaw('\b'); }
                    if (!control(b) || t.l(ECHOCTL)) { echoRaw('\b'); echoRaw(' '); echoRaw('\b'); }
                }
            }
            if (eraseOne) break;
        }
        if (head == canonHead && t.l(ECHO)) finishErasing();
    }

    /** Backs the cursor over an erased tab: the columns it took depend on what precedes it. */
    private void eraseTab() {
        int width = 0;
        boolean afterTab = false;
        for (long p = head; p != canonHead; ) {
            int b = ring[(int) (--p & MASK)] & 0xFF;
            if (b == '\t') { afterTab = true; break; }
            if (control(b)) { if (termios.l(ECHOCTL)) width += 2; }
            else if (!continuation(b)) width++;
        }
        if (!afterTab) width += lineColumn;
        int back = 8 - (width & 7);
        for (int i = 0; i < back && column > 0; i++) echoRaw('\b');
    }

    private void finishErasing() {
        if (erasing) {
            echoRaw('/');
            erasing = false;
        }
    }

    /** Echo of an input byte: control characters as ^X with ECHOCTL (not tab). */
    private void echoChar(int c) {
        if (termios.l(ECHOCTL) && control(c) && c != '\t') {
            emit('^');
            emit(c ^ 0x40);
            column += 2;
        } else {
            echoRaw(c);
        }
    }

    private void echoRaw(int c) {
        if (stopped && pendingLength >= HELD_MAX) return;
        output(c);
    }

    /** Discards pending input (TCIFLUSH, a signal character without NOFLSH). */
    synchronized void flushInput() {
        tail = canonHead = head;
        lnext = false;
        erasing = false;
        changed();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads as the modes say (see the class comment). O_NONBLOCK: EAGAIN instead of waiting for
     * nothing. A signal (thread interrupt) ends the wait: the count so far, or EINTR.
     */
    synchronized int read(byte[] dst, int off, int len, boolean nonBlocking) {
        if (len == 0) return 0;
        int n = 0;
        long deadline = Long.MAX_VALUE;
        boolean first = true;
        for (;;) {
            Termios t = termios;
            if (t.l(ICANON)) {
                if (n > 0) return n;
                if (canonHead != tail) return readLine(dst, off, len);
            } else {
                int vmin = t.cc(VMIN);
                long vtime = t.cc(VTIME) * 100_000_000L;
                if (first && vmin == 0) deadline = System.nanoTime() + vtime;
                int got = readRaw(dst, off + n, len - n);
                n += got;
                if (n >= (vmin > 0 ? Math.min(vmin, len) : 1)) return n;
                if (got > 0 && vmin > 0 && vtime > 0) deadline = System.nanoTime() + vtime;
            }
            first = false;
            if (hungUp) return n;
            long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) return n;
            if (nonBlocking) {
                if (n > 0) return n;
                throw new SysError(Errno.EAGAIN);
            }
            try {
                if (left == Long.MAX_VALUE) wait();
                else wait(left / 1_000_000L, (int) (left % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (n > 0) return n;
                throw new SysError(Errno.EINTR);
            }
        }
    }

    /** One canonical line, or its first {@code len} bytes; an EOF marker ends it unread. */
    private int readLine(byte[] dst, int off, int len) {
        int n = 0;
        while (n < len && tail < canonHead) {
            int i = (int) (tail & MASK);
            byte k = kind[i];
            kind[i] = DATA;
            tail++;
            if (k == EOF_MARK) break;
            dst[off + n++] = ring[i];
            if (k == LINE_END) break;
        }
        return n;
    }

    private int readRaw(byte[] dst, int off, int len) {
        int n = (int) Math.min(len, head - tail);
        for (int j = 0; j < n; j++) dst[off + j] = ring[(int) ((tail + j) & MASK)];
        tail += n;
        if (canonHead < tail) canonHead = tail;
        return n;
    }

    /**
     * Whether a read would find input: a complete line in canonical mode, else a byte (for poll,
     * VMIN bytes when VTIME is 0, as Linux's input_available_p).
     */
    private boolean readable(boolean forPoll) {
        Termios t = termios;
        if (t.l(ICANON)) return canonHead != tail;
        int amount = forPoll && t.cc(VTIME) == 0 && t.cc(VMIN) > 0 ? t.cc(VMIN) : 1;
        return head - tail >= amount;
    }

    /** FIONREAD: bytes a reader could take now (canonical: in complete lines, EOF markers not counted). */
    synchronized int available() {
        if (!termios.l(ICANON)) return (int) (head - tail);
        int n = 0;
        for (long p = tail; p < canonHead; p++) if (kind[(int) (p & MASK)] != EOF_MARK) n++;
        return n;
    }

    /** poll: POLLIN when {@link #readable}, POLLOUT unless output is stopped; all of them once hung up. */
    synchronized int poll(int events) {
        int r;
        if (hungUp) {
            r = OpenFile.POLLIN | OpenFile.POLLOUT | OpenFile.POLLERR | OpenFile.POLLHUP;
        } else {
            r = 0;
            if (readable(true)) r |= OpenFile.POLLIN;
            if (!stopped) r |= OpenFile.POLLOUT;
        }
        return r & (events | OpenFile.POLLERR | OpenFile.POLLHUP);
    }

    // ------------------------------------------------------------------ writing

    /**
     * Processes {@code len} bytes for output and hands them to the device; waits while output is
     * stopped (EAGAIN when non-blocking; EINTR on a signal). EIO once hung up.
     */
    synchronized int write(byte[] src, int off, int len, boolean nonBlocking) {
        while (stopped && !hungUp) {
            if (nonBlocking) throw new SysError(Errno.EAGAIN);
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SysError(Errno.EINTR);
            }
        }
        if (hungUp) throw new SysError(Errno.EIO, "terminal hung up");
        boolean post = termios.o(OPOST);
        for (int i = 0; i < len; i++) {
            int c = src[off + i] & 0xFF;
            if (post) output(c);
            else emit(c);
        }
        flushPending();
        return len;
    }

    /** Sends one byte to the device as is, even while output is stopped (TCIOFF/TCION). */
    synchronized void transmit(int c) {
        device.write(new byte[] {(byte) c}, 0, 1);
    }

    synchronized void stopOutput() {
        stopped = true;
        changed();
    }

    synchronized void startOutput() {
        stopped = false;
        flushPending();
        changed();
    }

    synchronized boolean outputStopped() { return stopped; }

    /** One byte through output processing (Linux's do_output_char). */
    private void output(int c) {
        Termios t = termios;
        if (!t.o(OPOST)) {
            emit(c);
            return;
        }
        switch (c) {
            case '\n' -> {
                if (t.o(ONLRET)) column = 0;
                if (t.o(ONLCR)) {
                    column = 0;
                    emit('\r');
                }
                emit('\n');
            }
            case '\r' -> {
                if (t.o(ONOCR) && column == 0) return;
                if (t.o(OCRNL)) {
                    if (t.o(ONLRET)) column = 0;
                    emit('\n');
                } else {
                    column = 0;
                    emit('\r');
                }
            }
            case '\t' -> {
                int spaces = 8 - (column & 7);
                column += spaces;
                if ((t.oflag & TABDLY) == XTABS) for (int i = 0; i < spaces; i++) emit(' ');
                else emit('\t');
            }
            case '\b' -> {
                if (column > 0) column--;
                emit('\b');
            }
            default -> {
                if (!control(c)) {
                    if (t.o(OLCUC) && c >= 'a' && c <= 'z') c -= 'a' - 'A';
                    if (!continuation(c)) column++;
                }
                emit(c);
            }
        }
    }

    private void emit(int c) {
        if (pendingLength == pending.length) pending = java.util.Arrays.copyOf(pending, pending.length * 2);
        pending[pendingLength++] = (byte) c;
    }

    private void flushPending() {
        if (stopped || pendingLength == 0) return;
        device.write(pending, 0, pendingLength);
        pendingLength = 0;
        if (pending.length > 4096) pending = new byte[512];
    }

    // ------------------------------------------------------------------ hang-up

    /** The device went away: reads end, writes fail, waiters wake. */
    synchronized void hangUp() {
        hungUp = true;
        changed();
    }

    synchronized boolean hungUp() { return hungUp; }

    /** ppoll waits on the terminal: {@code waiter} is unparked at every change (see {@link OpenFile#watch}). */
    void watch(Thread waiter) { watchers.add(waiter); }

    void unwatch(Thread waiter) { watchers.remove(waiter); }

    /** Wakes readers, writers and pollers after a change. Monitor held. */
    private void changed() {
        notifyAll();
        for (Thread t : watchers) LockSupport.unpark(t);
    }
}
