package fornax.kernel.vfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;

/**
 * A file server's handle on one file: 9P's fid. A server issues fids (attach, walk, clone,
 * create), subclasses this class to attach its own node, and checks the protocol state on every
 * call through the helpers below. The protocol, as 9P has it:
 *
 * <pre>
 *     attach / walk / clone / create
 *                  │
 *                  ▼
 *            ┌──────────┐   walk, clone (new fids); stat, wstat, readlink; as the directory
 *            │  WALKED  │   argument: create, remove, rename, link
 *            └──────────┘
 *              │      │ open(flags)
 *              │      ▼
 *              │ ┌──────────┐   read, write, append, readdir, ioctl, fsync, stat, wstat
 *              │ │   OPEN   │   (read needs read access, write/append need write access)
 *              │ └──────────┘
 *        clunk │      │ clunk
 *              ▼      ▼
 *            ┌──────────┐
 *            │ CLUNKED  │   nothing: every call is EBADF, a second clunk too
 *            └──────────┘
 * </pre>
 *
 * An opened fid cannot be walked (as in 9P): whoever needs both keeps a walked clone. Every fid
 * is clunked exactly once by its owner; a server may hold resources until then (an open count,
 * a pipe's reader count, a remote fid).
 *
 * <p>Locking: {@code this} guards the state and the stream flag; {@code flags} is volatile
 * (F_SETFL may change the status flags while another thread reads). A fid is normally used by one
 * owner at a time; the lock only makes misuse fail cleanly.
 */
public abstract class Fid {
    /** The protocol state of a fid. */
    public enum State { WALKED, OPEN, CLUNKED }

    private final FileServer server;
    // guarded by this
    private State state = State.WALKED;
    private boolean stream;
    /** Open flags: the access mode and the status flags (O_APPEND, O_NONBLOCK, ...). */
    private volatile int flags;

    protected Fid(FileServer server) { this.server = server; }

    /** The server that issued this fid. */
    public final FileServer server() { return server; }

    /** The file's identity; valid in every state but CLUNKED (it is the last known qid then). */
    public abstract Qid qid();

    public final synchronized State state() { return state; }

    /** Open flags (access mode and status flags); meaningful once OPEN. */
    public final int flags() { return flags; }

    /** F_SETFL: replaces the status flags that may change, keeping the access mode. */
    public final void setStatusFlags(int statusFlags) {
        flags = (flags & ~OpenFlags.SETFL_MASK) | (statusFlags & OpenFlags.SETFL_MASK);
    }

    public final boolean nonBlocking() { return (flags & OpenFlags.O_NONBLOCK) != 0; }

    /** True for an opened file with no positions (a pipe, a terminal): lseek/pread are ESPIPE. */
    public final synchronized boolean stream() { return stream; }

    // ------------------------------------------------------------------ state checks for servers

    /** EBADF unless WALKED (walk, clone, open, and the directory of create/remove/rename/link). */
    public final synchronized void checkWalked() {
        if (state != State.WALKED) throw new SysError(Errno.EBADF, "fid is " + state);
    }

    /** EBADF once clunked (stat, wstat, readlink). */
    public final synchronized void checkLive() {
        if (state == State.CLUNKED) throw new SysError(Errno.EBADF, "fid is clunked");
    }

    /** EBADF unless OPEN. */
    public final synchronized void checkOpen() {
        if (state != State.OPEN) throw new SysError(Errno.EBADF, "fid is " + state);
    }

    /** EBADF unless OPEN with read access. */
    public final void checkReadable() {
        checkOpen();
        if (!OpenFlags.readable(flags)) throw new SysError(Errno.EBADF, "not open for reading");
    }

    /** EBADF unless OPEN with write access. */
    public final void checkWritable() {
        checkOpen();
        if (!OpenFlags.writable(flags)) throw new SysError(Errno.EBADF, "not open for writing");
    }

    /** WALKED → OPEN; the issuing server calls it once its open succeeded (servers only). */
    public final synchronized void opened(int openFlags, boolean isStream) {
        if (state != State.WALKED) throw new SysError(Errno.EBADF, "open of a fid that is " + state);
        state = State.OPEN;
        stream = isStream;
        flags = openFlags & ~OpenFlags.CREATION;
    }

    /** Any live state → CLUNKED; returns the state it was in. EBADF if already clunked (servers only). */
    public final synchronized State clunked() {
        State was = state;
        if (was == State.CLUNKED) throw new SysError(Errno.EBADF, "fid clunked twice");
        state = State.CLUNKED;
        return was;
    }

    @Override public String toString() { return getClass().getSimpleName() + "[" + qid() + ", " + state() + "]"; }
}
