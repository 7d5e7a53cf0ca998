package fornax.kernel.dev.tty;

import fornax.kernel.fs.devfs.DevFs;
import fornax.kernel.proc.ControllingTerminal;
import fornax.kernel.proc.Signals;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A terminal: a {@link LineDiscipline} between a device and its readers and writers, plus what
 * makes it a controlling terminal: its session, its foreground process group, the window size,
 * the terminal ioctls and the job-control rules (Linux's tty_io.c and tty_jobctrl.c).
 *
 * <p>Job control, as Linux's __tty_check_change: a process whose controlling terminal this is,
 * in a group other than the foreground group,
 * <ul>
 *   <li>reading gets SIGTTIN sent to its group and the read fails (EINTR), or EIO if it ignores
 *       or blocks SIGTTIN or its group is orphaned;
 *   <li>writing with TOSTOP set, or changing the terminal (TCSETS*, TIOCSPGRP, TCFLSH, TCXONC,
 *       TCSBRK), gets SIGTTOU the same way, except that a process ignoring or blocking SIGTTOU
 *       just goes ahead (that is how a shell in the background hands the terminal back).
 * </ul>
 * The failing call ends with EINTR, which the trap path restarts once the stop is over (a
 * signal with no handler that does not kill): Linux's ERESTARTSYS.
 *
 * <p>Input signals (^C ^\ ^Z with ISIG) go to the foreground group. A window-size change sends it
 * SIGWINCH. When the device hangs up, reads end, writes fail with EIO, and the session leader gets
 * SIGHUP and SIGCONT.
 *
 * <p>Locking: {@code this} guards session, foreground group and window size; the line discipline
 * has its own monitor; {@code writeLock} keeps one write(2) from being interleaved with another
 * (echo may come between its chunks). Order: writeLock → this → {@link JobControl} (process table)
 * and writeLock → line discipline → device. Signals are sent with no tty lock held.
 */
public final class Tty implements ControllingTerminal {
    public static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
            TCSBRK = 0x5409, TCXONC = 0x540A, TCFLSH = 0x540B, TIOCSCTTY = 0x540E, TIOCGPGRP = 0x540F,
            TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541B,
            TIOCNOTTY = 0x5422, TIOCGETD = 0x5424, TCSBRKP = 0x5425, TIOCGSID = 0x5429,
            TCGETS2 = 0x802C542A, TCSETS2 = 0x402C542B, TCSETSW2 = 0x402C542C, TCSETSF2 = 0x402C542D;
    public static final int SIGTTIN = 21, SIGTTOU = 22, SIGWINCH = 28;
    /** TCFLSH and TCXONC arguments. */
    private static final int TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2, TCOOFF = 0, TCOON = 1, TCIOFF = 2, TCION = 3;
    /** A write is handed to the line discipline in pieces this big, so input is not held up behind it. */
    private static final int CHUNK = 512;

    /** Where processed output goes: the device's transmitter. It must not block for long. */
    public interface Output {
        void write(byte[] b, int off, int len);
    }

    private final LineDiscipline ldisc;
    private final JobControl jobs;
    private final ReentrantLock writeLock = new ReentrantLock();
    // guarded by this
    private int session, foreground;
    private int rows = 24, cols = 80, xpixel, ypixel;

    public Tty(Output device, JobControl jobs) {
        this.ldisc = new LineDiscipline(device);
        this.jobs = jobs;
    }

    // ------------------------------------------------------------------ device side

    /** Input from the device; signal characters signal the foreground group. */
    public void receive(byte[] b, int off, int len) {
        long signals = ldisc.receive(b, off, len);
        if (signals == 0) return;
        int fg = foregroundGroup();
        if (fg == 0) return;
        for (int sig = 1; sig < 64; sig++) if ((signals & 1L << sig) != 0) jobs.signalGroup(fg, sig);
    }

    /** The device hung up (host input closed): reads end, writes fail, the session leader gets SIGHUP, SIGCONT. */
    public void hangUp() {
        ldisc.hangUp();
        int leader;
        synchronized (this) { leader = session; }
        if (leader != 0) {
            jobs.signalProcess(leader, Signals.SIGHUP);
            jobs.signalProcess(leader, Signals.SIGCONT);
        }
    }

    /** The host terminal's size changed (or is first known): TIOCSWINSZ from outside. */
    public void setWindowSize(int rows, int cols) {
        resize(rows, cols, 0, 0);
    }

    /** Sets the size; SIGWINCH to the foreground group if it changed. */
    private void resize(int r, int c, int x, int y) {
        int fg;
        synchronized (this) {
            if (r == rows && c == cols && x == xpixel && y == ypixel) return;
            rows = r;
            cols = c;
            xpixel = x;
            ypixel = y;
            fg = foreground;
        }
        if (fg != 0) jobs.signalGroup(fg, SIGWINCH);
    }

    // ------------------------------------------------------------------ controlling terminal

    /**
     * Makes this the controlling terminal of session {@code sid} with foreground group
     * {@code pgrp}; the process layer has already linked the session's processes to it (the
     * first process, started on the console).
     */
    public synchronized void attachSession(int sid, int pgrp) {
        session = sid;
        foreground = pgrp;
    }

    @Override public synchronized int session() { return session; }

    @Override public synchronized int foregroundGroup() { return foreground; }

    /** Linux's disassociate_ctty on the leader's exit: SIGHUP and SIGCONT to the foreground group. */
    @Override public void sessionLeaderExited(int sid) {
        int fg;
        synchronized (this) {
            if (session != sid) return;
            fg = foreground;
            session = 0;
            foreground = 0;
        }
        if (fg != 0) {
            jobs.signalGroup(fg, Signals.SIGHUP);
            jobs.signalGroup(fg, Signals.SIGCONT);
        }
    }

    /** Opening /dev/tty: the caller's controlling terminal must be this one (ENXIO otherwise). */
    public void openAsControlling() {
        JobControl.Caller c = jobs.caller();
        if (c == null || c.terminal() != this) throw new SysError(Errno.ENXIO, "no controlling terminal");
    }

    /**
     * Linux's __tty_check_change for {@code sig} (SIGTTIN for reads, SIGTTOU otherwise): returns
     * if the caller may go ahead; else sends the signal to its group and fails (see the class
     * comment).
     */
    private void checkChange(JobControl.Caller c, int sig) {
        if (c == null || c.terminal() != this) return;
        int fg = foregroundGroup();
        int mine = c.pgid();
        if (fg == 0 || mine == fg) return;
        if (c.ignoresOrBlocks(sig)) {
            if (sig == SIGTTIN) throw new SysError(Errno.EIO, "background read with SIGTTIN ignored");
            return;
        }
        if (jobs.orphaned(mine)) throw new SysError(Errno.EIO, "orphaned process group");
        jobs.signalGroup(mine, sig);
        throw new SysError(Errno.EINTR, "background process group");
    }

    // ------------------------------------------------------------------ reading and writing

    public int read(byte[] buf, int off, int len, boolean nonBlocking) {
        checkChange(jobs.caller(), SIGTTIN);
        return ldisc.read(buf, off, len, nonBlocking);
    }

    public int write(byte[] buf, int off, int len, boolean nonBlocking) {
        if (ldisc.localFlag(Termios.TOSTOP)) checkChange(jobs.caller(), SIGTTOU);
        try {
            writeLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SysError(Errno.EINTR);
        }
        try {
            int done = 0;
            while (done < len) {
                int n = Math.min(CHUNK, len - done);
                try {
                    ldisc.write(buf, off + done, n, nonBlocking);
                } catch (SysError e) {
                    if (done > 0) return done;
                    throw e;
                }
                done += n;
            }
            return done;
        } finally {
            writeLock.unlock();
        }
    }

    public int poll(int events) { return ldisc.poll(events); }

    /**
     * Plan 9's consctl rawon/rawoff: raw turns off line editing and echo (each byte is read as it
     * arrives: VMIN 1, VTIME 0); cooked turns them back on. Other termios settings stay.
     */
    public void setRaw(boolean raw) {
        Termios t = ldisc.termios();
        if (raw) {
            t.lflag &= ~(Termios.ICANON | Termios.ECHO);
            t.cc[Termios.VMIN] = 1;
            t.cc[Termios.VTIME] = 0;
        } else {
            t.lflag |= Termios.ICANON | Termios.ECHO;
        }
        ldisc.setTermios(t, false);
    }

    /** ppoll waits here: {@code waiter} is unparked whenever readiness may have changed. */
    public boolean watch(Thread waiter) {
        ldisc.watch(waiter);
        return true;
    }

    public void unwatch(Thread waiter) { ldisc.unwatch(waiter); }

    // ------------------------------------------------------------------ ioctl

    public long ioctl(int request, long arg, OpenFile.UserMemory user) {
        JobControl.Caller c = jobs.caller();
        switch (request) {
            case TCGETS -> copyOut(user, arg, ldisc.termios().encode(Termios.SIZE));
            case TCGETS2 -> copyOut(user, arg, ldisc.termios().encode(Termios.SIZE2));
            case TCSETS, TCSETSW, TCSETSF, TCSETS2, TCSETSW2, TCSETSF2 -> {
                checkChange(c, SIGTTOU);
                byte[] raw = new byte[request == TCSETS || request == TCSETSW || request == TCSETSF
                        ? Termios.SIZE : Termios.SIZE2];
                user.copyIn(arg, raw, 0, raw.length);
                // TCSETSW would wait for output to drain: the device transmits at once, so it has.
                ldisc.setTermios(Termios.decode(raw), request == TCSETSF || request == TCSETSF2);
            }
            case TIOCGWINSZ -> {
                ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                synchronized (this) {
                    b.putShort((short) rows).putShort((short) cols).putShort((short) xpixel).putShort((short) ypixel);
                }
                copyOut(user, arg, b.array());
            }
            case TIOCSWINSZ -> {
                byte[] raw = new byte[8];
                user.copyIn(arg, raw, 0, 8);
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                resize(b.getShort() & 0xFFFF, b.getShort() & 0xFFFF, b.getShort() & 0xFFFF, b.getShort() & 0xFFFF);
            }
            case FIONREAD -> putInt(user, arg, ldisc.available());
            case TIOCOUTQ -> putInt(user, arg, 0);   // nothing waits to be transmitted
            case TIOCGETD -> putInt(user, arg, 0);   // N_TTY
            case TCFLSH -> {
                checkChange(c, SIGTTOU);
                switch ((int) arg) {
                    case TCIFLUSH, TCIOFLUSH -> ldisc.flushInput();
                    case TCOFLUSH -> { }            // no output is queued
                    default -> throw new SysError(Errno.EINVAL);
                }
            }
            case TCXONC -> {
                checkChange(c, SIGTTOU);
                Termios t = ldisc.termios();
                switch ((int) arg) {
                    case TCOOFF -> ldisc.stopOutput();
                    case TCOON -> ldisc.startOutput();
                    case TCIOFF -> { if (t.cc(Termios.VSTOP) != 0) ldisc.transmit(t.cc(Termios.VSTOP)); }
                    case TCION -> { if (t.cc(Termios.VSTART) != 0) ldisc.transmit(t.cc(Termios.VSTART)); }
                    default -> throw new SysError(Errno.EINVAL);
                }
            }
            case TCSBRK, TCSBRKP -> checkChange(c, SIGTTOU);   // drain (done) or a break (the host line has none)
            case TIOCGPGRP -> {
                if (c == null || c.terminal() != this) throw new SysError(Errno.ENOTTY);
                putInt(user, arg, foregroundGroup());
            }
            case TIOCSPGRP -> setForeground(c, arg, user);
            case TIOCGSID -> {
                int sid = session();
                if (c == null || c.terminal() != this || sid == 0) throw new SysError(Errno.ENOTTY);
                putInt(user, arg, sid);
            }
            case TIOCSCTTY -> acquire(c, arg);
            case TIOCNOTTY -> release(c);
            default -> throw new SysError(Errno.ENOTTY);
        }
        return 0;
    }

    /** TIOCSPGRP (Linux's tiocspgrp). */
    private void setForeground(JobControl.Caller c, long arg, OpenFile.UserMemory user) {
        try {
            checkChange(c, SIGTTOU);
        } catch (SysError e) {
            if (e.errno() == Errno.EIO) throw new SysError(Errno.ENOTTY, "orphaned background group");
            throw e;
        }
        byte[] raw = new byte[4];
        user.copyIn(arg, raw, 0, 4);
        int pgrp = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (pgrp < 0) throw new SysError(Errno.EINVAL);
        synchronized (this) {
            if (c == null || c.terminal() != this || session != c.sid()) throw new SysError(Errno.ENOTTY);
            int s = jobs.sessionOfGroup(pgrp);
            if (s < 0) throw new SysError(Errno.ESRCH);
            if (s != c.sid()) throw new SysError(Errno.EPERM, "process group of another session");
            foreground = pgrp;
        }
    }

    /**
     * TIOCSCTTY (Linux's tiocsctty): a session leader without a controlling terminal takes this
     * one; if another session has it, only with {@code arg} 1 (stealing, for root; everyone is
     * root here).
     */
    private void acquire(JobControl.Caller c, long arg) {
        if (c == null) throw new SysError(Errno.EPERM);
        synchronized (this) {
            if (c.sid() == c.pid() && c.terminal() == this) return;
            if (c.sid() != c.pid() || c.terminal() != null) throw new SysError(Errno.EPERM);
            if (session != 0) {
                if (arg != 1) throw new SysError(Errno.EPERM, "the controlling terminal of session " + session);
                jobs.dropSession(session);
            }
            c.setTerminal(this);
            session = c.sid();
            foreground = c.pgid();
        }
    }

    /**
     * TIOCNOTTY: the caller gives up its controlling terminal; a session leader gives it up for
     * the whole session, and the foreground group gets SIGHUP and SIGCONT (disassociate_ctty).
     */
    private void release(JobControl.Caller c) {
        if (c == null || c.terminal() != this) throw new SysError(Errno.ENOTTY);
        if (c.sid() != c.pid()) {
            c.dropTerminal();
            return;
        }
        int fg;
        synchronized (this) {
            fg = foreground;
            session = 0;
            foreground = 0;
            jobs.dropSession(c.sid());
        }
        if (fg != 0) {
            jobs.signalGroup(fg, Signals.SIGHUP);
            jobs.signalGroup(fg, Signals.SIGCONT);
        }
    }

    private static void copyOut(OpenFile.UserMemory user, long va, byte[] b) { user.copyOut(va, b, 0, b.length); }

    private static void putInt(OpenFile.UserMemory user, long va, int v) {
        copyOut(user, va, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    // ------------------------------------------------------------------ files

    /**
     * The terminal as a device of the device server: /dev/console ({@code controllingOnly}
     * false) or /dev/tty (true: opening it needs this to be the caller's controlling terminal).
     */
    public DevFs.Device device(boolean controllingOnly) {
        return new DevFs.Device() {
            @Override public void open(int flags) { if (controllingOnly) openAsControlling(); }
            @Override public int read(byte[] buf, int off, int len) { return Tty.this.read(buf, off, len, false); }
            @Override public int read(byte[] buf, int off, int len, boolean nonBlocking) {
                return Tty.this.read(buf, off, len, nonBlocking);
            }
            @Override public int write(byte[] buf, int off, int len) { return Tty.this.write(buf, off, len, false); }
            @Override public int write(byte[] buf, int off, int len, boolean nonBlocking) {
                return Tty.this.write(buf, off, len, nonBlocking);
            }
            @Override public long ioctl(int request, long arg, OpenFile.UserMemory user) {
                return Tty.this.ioctl(request, arg, user);
            }
            @Override public int poll(int events) { return Tty.this.poll(events); }
            @Override public boolean watch(Thread waiter) { return Tty.this.watch(waiter); }
            @Override public void unwatch(Thread waiter) { Tty.this.unwatch(waiter); }
            @Override public boolean stream() { return true; }
        };
    }

    /** The terminal as an open file of its own (one open: its own O_NONBLOCK), a character device 5,{@code minor}. */
    public OpenFile open(int minor) {
        return new OpenFile() {
            private volatile boolean nonBlocking;
            @Override public int read(byte[] buf, int off, int len) { return Tty.this.read(buf, off, len, nonBlocking); }
            @Override public int write(byte[] buf, int off, int len) { return Tty.this.write(buf, off, len, nonBlocking); }
            @Override public long ioctl(int request, long arg, UserMemory user) { return Tty.this.ioctl(request, arg, user); }
            @Override public int poll(int events) { return Tty.this.poll(events); }
            @Override public boolean watch(Thread waiter) { return Tty.this.watch(waiter); }
            @Override public void unwatch(Thread waiter) { Tty.this.unwatch(waiter); }
            @Override public void setStatusFlags(int flags) { nonBlocking = (flags & OpenFlags.O_NONBLOCK) != 0; }
            @Override public fornax.kernel.vfs.Stat stat() {
                return new fornax.kernel.vfs.Stat(0x16, 2 + minor, fornax.kernel.vfs.Stat.S_IFCHR | 0620, 1, 0, 5,
                        fornax.kernel.vfs.Stat.makedev(5, minor), 0, 1024, 0, 0, 0, 0);
            }
        };
    }
}
