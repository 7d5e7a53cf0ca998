package fornax.kernel.dev.tty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.proc.ControllingTerminal;
import fornax.kernel.proc.Signals;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.OpenFile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console terminal with a fake device (a byte sink for output, {@link Tty#receive} for input)
 * and a fake process layer: line editing and echo, signal characters, VMIN/VTIME, output
 * processing, job control and the terminal ioctls, checked against what Linux's N_TTY does.
 */
class TtyTest {
    /** The process layer as the terminal sees it: a caller and a record of the signals sent. */
    static final class FakeJobs implements JobControl {
        final List<String> signals = new ArrayList<>();
        /** pgid → session of the groups that exist; pgids here not in {@link #orphans} are not orphaned. */
        final Map<Integer, Integer> groups = new HashMap<>();
        final List<Integer> orphans = new ArrayList<>();
        FakeCaller caller;

        @Override public Caller caller() { return caller; }
        @Override public synchronized void signalGroup(int pgid, int sig) { signals.add("group " + pgid + " " + Signals.name(sig)); }
        @Override public synchronized void signalProcess(int pid, int sig) { signals.add("pid " + pid + " " + Signals.name(sig)); }
        @Override public int sessionOfGroup(int pgid) { return groups.getOrDefault(pgid, -1); }
        @Override public boolean orphaned(int pgid) { return orphans.contains(pgid); }
        @Override public synchronized void dropSession(int sid) {
            signals.add("drop session " + sid);
            if (caller != null && caller.sid == sid) caller.terminal = null;
        }
        synchronized List<String> signals() { return List.copyOf(signals); }
    }

    static final class FakeCaller implements JobControl.Caller {
        int pid, pgid, sid;
        ControllingTerminal terminal;
        long ignoredOrBlocked;
        FakeCaller(int pid, int pgid, int sid) { this.pid = pid; this.pgid = pgid; this.sid = sid; }
        @Override public int pid() { return pid; }
        @Override public int pgid() { return pgid; }
        @Override public int sid() { return sid; }
        @Override public ControllingTerminal terminal() { return terminal; }
        @Override public boolean ignoresOrBlocks(int sig) { return (ignoredOrBlocked & 1L << sig) != 0; }
        @Override public void setTerminal(ControllingTerminal t) { terminal = t; }
        @Override public void dropTerminal() { terminal = null; }
    }

    /** User memory for ioctls: a flat array, addresses are offsets; 0x10000 and up fault. */
    static final class Memory implements OpenFile.UserMemory {
        final byte[] mem = new byte[4096];
        @Override public void copyIn(long va, byte[] dst, int off, int len) {
            if (va + len > mem.length) throw new SysError(Errno.EFAULT);
            System.arraycopy(mem, (int) va, dst, off, len);
        }
        @Override public void copyOut(long va, byte[] src, int off, int len) {
            if (va + len > mem.length) throw new SysError(Errno.EFAULT);
            System.arraycopy(src, off, mem, (int) va, len);
        }
        int getInt(int va) { return ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN).getInt(va); }
        void putInt(int va, int v) { ByteBuffer.wrap(mem).order(ByteOrder.LITTLE_ENDIAN).putInt(va, v); }
    }

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final FakeJobs jobs = new FakeJobs();
    private final Memory user = new Memory();
    private Tty tty;
    /** The shell: leader of session 10, in the foreground group 10. */
    private FakeCaller shell;

    @BeforeEach
    void setUp() {
        tty = new Tty((b, off, len) -> { synchronized (screen) { screen.write(b, off, len); } }, jobs);
        shell = new FakeCaller(10, 10, 10);
        jobs.groups.put(10, 10);
        jobs.caller = shell;
        assertEquals(0, tty.ioctl(Tty.TIOCSCTTY, 0, user));
    }

    private void type(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        tty.receive(b, 0, b.length);
    }

    private String shown() {
        synchronized (screen) {
            String s = screen.toString(StandardCharsets.ISO_8859_1);
            screen.reset();
            return s;
        }
    }

    private String read(int max) { return read(max, false); }

    private String read(int max, boolean nonBlocking) {
        byte[] b = new byte[max];
        int n = tty.read(b, 0, max, nonBlocking);
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    private Termios modes() {
        tty.ioctl(Tty.TCGETS, 0, user);
        byte[] raw = new byte[Termios.SIZE];
        user.copyIn(0, raw, 0, raw.length);
        return Termios.decode(raw);
    }

    private void setModes(Termios t) {
        byte[] raw = t.encode(Termios.SIZE);
        user.copyOut(0, raw, 0, raw.length);
        assertEquals(0, tty.ioctl(Tty.TCSETS, 0, user));
    }

    private Termios raw(int vmin, int vtime) {
        Termios t = modes();
        t.lflag &= ~(Termios.ICANON | Termios.ECHO);
        t.cc[Termios.VMIN] = (byte) vmin;
        t.cc[Termios.VTIME] = (byte) vtime;
        return t;
    }

    private int fionread() {
        tty.ioctl(Tty.FIONREAD, 8, user);
        return user.getInt(8);
    }

    // ------------------------------------------------------------------ canonical mode

    @Test
    void canonicalLineWithEraseIsReadWhole() {
        type("abc\u007fd");
        assertEquals(0, tty.poll(OpenFile.POLLIN), "no line yet");
        assertEquals(0, fionread());
        type("\r");                                  // ICRNL: CR ends the line as NL
        assertEquals(OpenFile.POLLIN, tty.poll(OpenFile.POLLIN));
        assertEquals(4, fionread());
        assertEquals("abd\n", read(100));
        assertEquals("abc\b \bd\r\n", shown(), "echo with ECHOE and ONLCR");
    }

    @Test
    void readGetsOneLineAtATimeAndShortBuffersSplitIt() {
        type("one\ntwo\n");
        assertEquals("on", read(2));
        assertEquals("e\n", read(100));
        assertEquals("two\n", read(100));
        assertEquals(0, tty.poll(OpenFile.POLLIN));
    }

    @Test
    void killErasesTheLineVisiblyWithEchoke() {
        type("hello\u0015x\n");
        assertEquals("x\n", read(100));
        assertEquals("hello" + "\b \b".repeat(5) + "x\r\n", shown());
    }

    @Test
    void killWithoutEchokeEchoesTheCharacterAndANewline() {
        Termios t = modes();
        t.lflag &= ~Termios.ECHOKE;
        setModes(t);
        type("abc\u0015z\n");
        assertEquals("z\n", read(100));
        assertEquals("abc^U\r\nz\r\n", shown());
    }

    @Test
    void wordEraseTakesTheLastWordAndTheSpaceAfterIt() {
        type("foo bar  \u0017baz\n");
        assertEquals("foo baz\n", read(100));
    }

    @Test
    void eraseOfAControlCharacterTakesBothColumnsOfItsEcho() {
        type("a\u0001\u007f\n");
        assertEquals("a\n", read(100));
        assertEquals("a^A\b \b\b \b\r\n", shown());
    }

    @Test
    void eraseOfATabBacksUpToTheTabStop() {
        type("ab\t\u007f\n");
        assertEquals("ab\n", read(100));
        assertEquals("ab\t" + "\b".repeat(6) + "\r\n", shown());
    }

    @Test
    void eraseTakesAWholeUtf8CharacterWithIutf8() {
        Termios t = modes();
        t.iflag |= Termios.IUTF8;
        setModes(t);
        byte[] e = "xé".getBytes(StandardCharsets.UTF_8);
        tty.receive(e, 0, e.length);
        type("\u007f\n");
        assertEquals("x\n", read(100));
    }

    @Test
    void eofAtLineStartReadsAsEndOfFileAndEndsAPartialLineUnread() {
        type("\u0004");
        assertEquals(OpenFile.POLLIN, tty.poll(OpenFile.POLLIN));
        assertEquals("", read(100), "^D on an empty line: end of file");
        type("ab\u0004");
        assertEquals(2, fionread(), "the EOF marker is not counted");
        assertEquals("ab", read(100), "^D after text: the text, without the ^D");
        assertEquals(0, tty.poll(OpenFile.POLLIN));
        assertEquals("ab", shown(), "^D is not echoed");
    }

    @Test
    void eolCharacterEndsALineAndIsRead() {
        Termios t = modes();
        t.cc[Termios.VEOL] = ';';
        setModes(t);
        type("ls;");
        assertEquals("ls;", read(100));
    }

    @Test
    void lnextTakesTheNextCharacterLiterally() {
        type("a\u0016\u0003\u0016\u007f\n");
        assertEquals("a\u0003\u007f\n", read(100));
        assertEquals(List.of(), jobs.signals(), "a quoted ^C is data");
    }

    @Test
    void reprintShowsTheLineAgain() {
        type("ab\u0012");
        assertEquals("ab^R\r\nab", shown());
    }

    @Test
    void echonlEchoesNewlineWithoutEcho() {
        Termios t = modes();
        t.lflag = t.lflag & ~Termios.ECHO | Termios.ECHONL;
        setModes(t);
        type("secret\n");
        assertEquals("secret\n", read(100));
        assertEquals("\r\n", shown());
    }

    @Test
    void crAndNlTranslations() {
        Termios t = modes();
        t.iflag = t.iflag & ~Termios.ICRNL | Termios.INLCR;
        t.lflag &= ~Termios.ICANON;
        setModes(t);
        type("a\rb\n");
        assertEquals("a\rb\r", read(100));
        t.iflag = t.iflag & ~Termios.INLCR | Termios.IGNCR;
        setModes(t);
        type("c\rd");
        assertEquals("cd", read(100));
    }

    @Test
    void aFullLineTakesNoMoreButStillEnds() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LineDiscipline.LINE_MAX + 100; i++) sb.append('x');
        type(sb.toString());
        type("\n");
        byte[] b = new byte[10000];
        int n = tty.read(b, 0, b.length, false);
        assertEquals(LineDiscipline.LINE_MAX + 1, n);
        assertEquals('\n', b[n - 1]);
    }

    // ------------------------------------------------------------------ signals

    @Test
    void interruptSignalsTheForegroundGroupAndFlushesInput() throws Exception {
        type("partial\nline");
        type("\u0003");
        assertEquals(List.of("group 10 SIGINT"), jobs.signals());
        assertEquals(0, fionread(), "input flushed");
        assertEquals("partial\r\nline^C", shown());
        type("after\n");
        assertEquals("after\n", read(100));
    }

    @Test
    void quitAndSuspendGoToTheForegroundGroupWhoeverReads() {
        type("\u001c\u001a");
        assertEquals(List.of("group 10 SIGQUIT", "group 10 SIGTSTP"), jobs.signals());
    }

    @Test
    void noflshKeepsInputAndIsigOffMakesSignalCharactersData() {
        Termios t = modes();
        t.lflag |= Termios.NOFLSH;
        setModes(t);
        type("keep\n\u0003");
        assertEquals(1, jobs.signals().size());
        assertEquals("keep\n", read(100));
        t.lflag &= ~Termios.ISIG;
        setModes(t);
        type("\u0003\n");
        assertEquals("\u0003\n", read(100));
        assertEquals(1, jobs.signals().size());
    }

    @Test
    void stopAndStartCharactersHoldOutput() {
        type("\u0013");
        assertEquals(0, tty.poll(OpenFile.POLLOUT), "no POLLOUT while stopped");
        SysError e = assertThrows(SysError.class, () -> tty.write(new byte[] {'x'}, 0, 1, true));
        assertEquals(Errno.EAGAIN, e.errno());
        type("ab");                                   // echo is held too
        assertEquals("", shown());
        type("\u0011");
        assertEquals("ab", shown());
        assertEquals(1, tty.write(new byte[] {'x'}, 0, 1, true));
        assertEquals("x", shown());
    }

    @Test
    void blockedWriterResumesOnStart() throws Exception {
        type("\u0013");
        CompletableFuture<Integer> w = CompletableFuture.supplyAsync(() -> tty.write("out".getBytes(), 0, 3, false));
        type("\u0011");
        assertEquals(3, w.get(30, TimeUnit.SECONDS));
        assertEquals("out", shown());
    }

    // ------------------------------------------------------------------ non-canonical mode

    @Test
    void rawModeWithMinZeroTimeZeroNeverWaits() {
        setModes(raw(0, 0));
        assertEquals("", read(10));
        type("xy");
        assertEquals("xy", read(10));
    }

    @Test
    void rawModeWithMinWaitsForThatManyBytes() throws Exception {
        setModes(raw(3, 0));
        type("a");
        assertEquals(0, tty.poll(OpenFile.POLLIN), "poll wants VMIN bytes when VTIME is 0");
        CompletableFuture<String> r = CompletableFuture.supplyAsync(() -> read(10));
        type("b");
        assertFalse(r.isDone(), "two bytes of three: still waiting");
        assertEquals(0, tty.poll(OpenFile.POLLIN));
        type("c");
        assertEquals("abc", r.get(30, TimeUnit.SECONDS));
    }

    @Test
    void rawModeReadStopsAtTheBufferSizeEvenBelowMin() {
        setModes(raw(5, 0));
        type("abcdefg");
        assertEquals("ab", read(2));
        assertEquals("cdefg", read(10));
    }

    @Test
    void rawModeTimeOnlyEndsEmptyWhenNothingComes() {
        setModes(raw(0, 1));
        assertEquals("", read(10), "MIN 0, TIME 1: a tenth of a second, then nothing");
        type("z");
        assertEquals("z", read(10));
    }

    @Test
    void rawModeInterByteTimerEndsAShortRead() {
        setModes(raw(10, 1));
        type("ab");
        assertEquals("ab", read(10), "MIN 10, TIME 1: what came, once the line is quiet");
    }

    @Test
    void rawModeEchoesControlCharactersAsCaret() {
        Termios t = raw(1, 0);
        t.lflag |= Termios.ECHO;
        setModes(t);
        type("a\u001b\r");
        assertEquals("a\u001b\n", read(10));
        assertEquals("a^[\r\n", shown());
    }

    @Test
    void nonBlockingReadWithNothingIsEagain() {
        SysError e = assertThrows(SysError.class, () -> read(10, true));
        assertEquals(Errno.EAGAIN, e.errno());
        type("half");
        e = assertThrows(SysError.class, () -> read(10, true), "no complete line yet");
        assertEquals(Errno.EAGAIN, e.errno());
    }

    @Test
    void switchingModesMakesTheEditedLineReadable() {
        type("abc");
        setModes(raw(1, 0));
        assertEquals("abc", read(10));
        type("xyz");
        Termios t = modes();
        t.lflag |= Termios.ICANON;
        setModes(t);
        assertEquals("xyz", read(10), "pending raw input becomes one line");
    }

    @Test
    void tcsetsfFlushesPendingInput() {
        type("old\n");
        Termios t = modes();
        byte[] b = t.encode(Termios.SIZE);
        user.copyOut(0, b, 0, b.length);
        tty.ioctl(Tty.TCSETSF, 0, user);
        assertEquals(0, fionread());
    }

    @Test
    void readWaitsForALineAndASignalEndsTheWait() throws Exception {
        CompletableFuture<Integer> errno = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                read(10);
                errno.complete(0);
            } catch (SysError e) {
                errno.complete(e.errno());
            }
        });
        type("no newline");
        assertFalse(errno.isDone(), "no complete line: still waiting");
        reader.interrupt();                           // what a signal does to a blocked task
        assertEquals(Errno.EINTR, errno.get(30, TimeUnit.SECONDS));
        reader.join();
    }

    // ------------------------------------------------------------------ output

    @Test
    void onlcrAndOpost() {
        tty.write("a\nb\tc\n".getBytes(), 0, 6, false);
        assertEquals("a\r\nb\tc\r\n", shown());
        Termios t = modes();
        t.oflag |= Termios.XTABS;
        setModes(t);
        tty.write("ab\tc".getBytes(), 0, 4, false);
        assertEquals("ab      c", shown());
        t.oflag &= ~Termios.OPOST;
        setModes(t);
        tty.write("x\ny".getBytes(), 0, 3, false);
        assertEquals("x\ny", shown());
    }

    @Test
    void ocrnlAndOnocr() {
        Termios t = modes();
        t.oflag |= Termios.ONOCR;
        setModes(t);
        tty.write("\rab\r".getBytes(), 0, 4, false);
        assertEquals("ab\r", shown(), "no CR at column 0");
        t.oflag |= Termios.OCRNL;
        setModes(t);
        tty.write("x\r".getBytes(), 0, 2, false);
        assertEquals("x\n", shown(), "CR becomes a bare NL");
    }

    // ------------------------------------------------------------------ job control

    private void putInt(int va, int v) { user.putInt(va, v); }

    private void setForeground(int pgrp) {
        putInt(16, pgrp);
        assertEquals(0, tty.ioctl(Tty.TIOCSPGRP, 16, user));
    }

    /** A job in group 20 of the shell's session, with the terminal; the shell puts itself in front. */
    private FakeCaller backgroundJob() {
        jobs.groups.put(20, 10);
        FakeCaller job = new FakeCaller(20, 20, 10);
        job.terminal = tty;
        return job;
    }

    @Test
    void backgroundReadSendsSigttinToItsGroup() {
        FakeCaller job = backgroundJob();
        jobs.caller = job;
        SysError e = assertThrows(SysError.class, () -> read(10));
        assertEquals(Errno.EINTR, e.errno());
        assertEquals(List.of("group 20 SIGTTIN"), jobs.signals());
        job.ignoredOrBlocked = 1L << Tty.SIGTTIN;
        e = assertThrows(SysError.class, () -> read(10));
        assertEquals(Errno.EIO, e.errno(), "SIGTTIN ignored or blocked: EIO");
        job.ignoredOrBlocked = 0;
        jobs.orphans.add(20);
        e = assertThrows(SysError.class, () -> read(10));
        assertEquals(Errno.EIO, e.errno(), "orphaned group: EIO");
        assertEquals(1, jobs.signals().size());
    }

    @Test
    void foregroundReadAndProcessesWithoutTheTerminalAreNotChecked() {
        type("x\n");
        jobs.caller = new FakeCaller(30, 30, 30);     // another session, no controlling terminal
        assertEquals("x\n", read(10));
        assertEquals(List.of(), jobs.signals());
    }

    @Test
    void backgroundWriteNeedsTostopToBeStopped() {
        FakeCaller job = backgroundJob();
        jobs.caller = job;
        assertEquals(2, tty.write("ok".getBytes(), 0, 2, false), "without TOSTOP a background job writes");
        jobs.caller = shell;
        Termios t = modes();
        t.lflag |= Termios.TOSTOP;
        setModes(t);
        jobs.caller = job;
        SysError e = assertThrows(SysError.class, () -> tty.write("no".getBytes(), 0, 2, false));
        assertEquals(Errno.EINTR, e.errno());
        assertEquals(List.of("group 20 SIGTTOU"), jobs.signals());
        job.ignoredOrBlocked = 1L << Tty.SIGTTOU;
        assertEquals(2, tty.write("ig".getBytes(), 0, 2, false), "SIGTTOU ignored: the write goes ahead");
        assertEquals("okig", shown());
    }

    @Test
    void backgroundTcsetsSendsSigttouUnlessIgnored() {
        FakeCaller job = backgroundJob();
        jobs.caller = job;
        byte[] b = Termios.defaults().encode(Termios.SIZE);
        user.copyOut(0, b, 0, b.length);
        assertEquals(Errno.EINTR, assertThrows(SysError.class, () -> tty.ioctl(Tty.TCSETS, 0, user)).errno());
        assertEquals(List.of("group 20 SIGTTOU"), jobs.signals());
        job.ignoredOrBlocked = 1L << Tty.SIGTTOU;
        assertEquals(0, tty.ioctl(Tty.TCSETS, 0, user));
        assertEquals(0, tty.ioctl(Tty.TCGETS, 0, user), "reading modes is never checked");
    }

    @Test
    void tiocspgrpFollowsLinuxRules() {
        jobs.groups.put(20, 10);
        jobs.groups.put(40, 99);
        setForeground(20);
        putInt(16, 10);
        assertEquals(0, tty.ioctl(Tty.TIOCGPGRP, 32, user));
        assertEquals(20, user.getInt(32));
        // The shell is now in the background: with SIGTTOU ignored it may take the terminal back.
        assertEquals(Errno.EINTR, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 16, user)).errno());
        shell.ignoredOrBlocked = 1L << Tty.SIGTTOU;
        assertEquals(0, tty.ioctl(Tty.TIOCSPGRP, 16, user));
        assertEquals(10, tty.foregroundGroup());
        putInt(16, 40);
        assertEquals(Errno.EPERM, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 16, user)).errno(),
                "a group of another session");
        putInt(16, 77);
        assertEquals(Errno.ESRCH, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 16, user)).errno());
        putInt(16, -1);
        assertEquals(Errno.EINVAL, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 16, user)).errno());
        assertEquals(Errno.EFAULT, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 8192, user)).errno());
        jobs.caller = new FakeCaller(50, 50, 50);
        putInt(16, 10);
        assertEquals(Errno.ENOTTY, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 16, user)).errno());
        assertEquals(Errno.ENOTTY, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCGPGRP, 16, user)).errno());
        assertEquals(Errno.ENOTTY, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCGSID, 16, user)).errno());
    }

    @Test
    void orphanedBackgroundTiocspgrpIsEnotty() {
        FakeCaller job = backgroundJob();
        jobs.orphans.add(20);
        jobs.caller = job;
        putInt(16, 20);
        assertEquals(Errno.ENOTTY, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSPGRP, 16, user)).errno());
    }

    @Test
    void tiocscttyAndTiocnotty() {
        assertEquals(0, tty.ioctl(Tty.TIOCGSID, 16, user));
        assertEquals(10, user.getInt(16));
        assertEquals(0, tty.ioctl(Tty.TIOCSCTTY, 0, user), "already ours: nothing to do");
        FakeCaller notLeader = new FakeCaller(21, 20, 20);
        jobs.caller = notLeader;
        assertEquals(Errno.EPERM, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSCTTY, 0, user)).errno());
        FakeCaller leader = new FakeCaller(30, 30, 30);
        jobs.caller = leader;
        assertEquals(Errno.EPERM, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCSCTTY, 0, user)).errno(),
                "another session has it: only stealing (arg 1) takes it");
        assertEquals(0, tty.ioctl(Tty.TIOCSCTTY, 1, user));
        assertEquals(List.of("drop session 10"), jobs.signals());
        assertEquals(30, tty.session());
        assertEquals(30, tty.foregroundGroup());
        assertEquals(0, tty.ioctl(Tty.TIOCNOTTY, 0, user));
        assertEquals(0, tty.session());
        assertEquals(List.of("drop session 10", "drop session 30", "group 30 SIGHUP", "group 30 SIGCONT"), jobs.signals());
        assertEquals(Errno.ENOTTY, assertThrows(SysError.class, () -> tty.ioctl(Tty.TIOCNOTTY, 0, user)).errno());
    }

    @Test
    void sessionLeaderExitHangsUpTheForegroundGroup() {
        jobs.groups.put(20, 10);
        setForeground(20);
        tty.sessionLeaderExited(10);
        assertEquals(List.of("group 20 SIGHUP", "group 20 SIGCONT"), jobs.signals());
        assertEquals(0, tty.session());
        assertEquals(0, tty.foregroundGroup());
    }

    @Test
    void devTtyOpensOnlyForProcessesItControls() {
        tty.openAsControlling();
        jobs.caller = new FakeCaller(30, 30, 30);
        assertEquals(Errno.ENXIO, assertThrows(SysError.class, tty::openAsControlling).errno());
    }

    // ------------------------------------------------------------------ window size, other ioctls

    @Test
    void windowSizeChangeSendsSigwinch() {
        tty.setWindowSize(24, 80);
        assertEquals(List.of(), jobs.signals(), "the same size: no signal");
        tty.setWindowSize(50, 132);
        assertEquals(List.of("group 10 SIGWINCH"), jobs.signals());
        assertEquals(0, tty.ioctl(Tty.TIOCGWINSZ, 64, user));
        ByteBuffer ws = ByteBuffer.wrap(user.mem).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(50, ws.getShort(64));
        assertEquals(132, ws.getShort(66));
        ws.putShort(64, (short) 10).putShort(66, (short) 20);
        assertEquals(0, tty.ioctl(Tty.TIOCSWINSZ, 64, user));
        assertEquals(2, jobs.signals().size());
    }

    @Test
    void termios2CarriesTheSameModes() {
        assertEquals(0, tty.ioctl(Tty.TCGETS2, 0, user));
        byte[] raw = new byte[Termios.SIZE2];
        user.copyIn(0, raw, 0, raw.length);
        assertArrayEquals(Termios.defaults().encode(Termios.SIZE2), raw);
        assertEquals(38400, ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(36));
        Termios t = Termios.decode(raw);
        t.lflag &= ~Termios.ECHO;
        user.copyOut(0, t.encode(Termios.SIZE2), 0, Termios.SIZE2);
        assertEquals(0, tty.ioctl(Tty.TCSETS2, 0, user));
        assertFalse(modes().l(Termios.ECHO));
    }

    @Test
    void flushAndFlowControlIoctls() {
        type("x\n");
        assertEquals("x\r\n", shown());
        assertEquals(0, tty.ioctl(Tty.TCFLSH, 0, user));
        assertEquals(0, fionread());
        assertEquals(Errno.EINVAL, assertThrows(SysError.class, () -> tty.ioctl(Tty.TCFLSH, 7, user)).errno());
        assertEquals(0, tty.ioctl(Tty.TCXONC, 0, user));           // TCOOFF
        assertEquals(0, tty.poll(OpenFile.POLLOUT));
        assertEquals(0, tty.ioctl(Tty.TCXONC, 1, user));           // TCOON
        assertEquals(OpenFile.POLLOUT, tty.poll(OpenFile.POLLOUT));
        assertEquals(0, tty.ioctl(Tty.TCXONC, 2, user));           // TCIOFF sends STOP
        assertEquals("\u0013", shown());
        assertEquals(0, tty.ioctl(Tty.TIOCOUTQ, 8, user));
        assertEquals(0, user.getInt(8));
        assertEquals(0, tty.ioctl(Tty.TCSBRK, 1, user));
        assertEquals(Errno.ENOTTY, assertThrows(SysError.class, () -> tty.ioctl(0x9999, 0, user)).errno());
    }

    @Test
    void hangUpEndsReadsFailsWritesAndSignalsTheLeader() {
        tty.hangUp();
        assertEquals("", read(10));
        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> tty.write(new byte[1], 0, 1, false)).errno());
        assertTrue(jobs.signals().containsAll(List.of("pid 10 SIGHUP", "pid 10 SIGCONT")));
        assertEquals(OpenFile.POLLIN | OpenFile.POLLERR | OpenFile.POLLHUP, tty.poll(OpenFile.POLLIN));
    }
}
