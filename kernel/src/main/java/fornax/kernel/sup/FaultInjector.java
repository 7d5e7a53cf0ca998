package fornax.kernel.sup;

import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.StatFs;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Fault injection for kernel-side servers, so that the supervisor's recovery can be shown and
 * tested on demand: {@link Crashing} wraps a file server so that, once armed, its next call throws
 * an unchecked exception exactly as a bug would; {@link Hanging} wraps the server's end of its
 * channel so that, once armed, the server receives nothing more and so answers nothing (a server
 * stuck in a loop). Neither changes anything until armed.
 */
final class FaultInjector {
    private FaultInjector() { }

    /** The exception an armed {@link Crashing} server throws. */
    static final class InjectedFault extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        InjectedFault() { super("injected fault (crash)"); }
    }

    /**
     * A file server that delegates everything, and fails the next call once armed. Its fids wrap
     * the inner server's, because a 9P server calls whichever server issued a fid: the wrapper
     * must issue them to stay in the path.
     */
    static final class Crashing implements FileServer {
        private final FileServer inner;
        private volatile boolean armed;

        Crashing(FileServer inner) { this.inner = inner; }

        void arm() { armed = true; }

        private void check() {
            if (armed) {
                armed = false;
                throw new InjectedFault();
            }
        }

        private final class CFid extends Fid {
            final Fid in;
            CFid(Fid in) { super(Crashing.this); this.in = in; }
            @Override public fornax.kernel.vfs.Qid qid() { return in.qid(); }
        }

        private static Fid in(Fid f) { return ((CFid) f).in; }

        @Override public Fid attach() { check(); return new CFid(inner.attach()); }
        @Override public Fid walk(Fid dir, String name) { check(); return new CFid(inner.walk(in(dir), name)); }
        @Override public Fid clone(Fid fid) { check(); return new CFid(inner.clone(in(fid))); }
        @Override public void open(Fid fid, int flags) {
            check();
            inner.open(in(fid), flags);
            fid.opened(flags, in(fid).stream());
        }
        @Override public Fid create(Fid dir, String name, int mode, String linkTarget) {
            check();
            return new CFid(inner.create(in(dir), name, mode, linkTarget));
        }
        @Override public int read(Fid fid, long offset, byte[] buf, int off, int len) {
            check();
            return inner.read(in(fid), offset, buf, off, len);
        }
        @Override public int write(Fid fid, long offset, byte[] buf, int off, int len) {
            check();
            return inner.write(in(fid), offset, buf, off, len);
        }
        @Override public void clunk(Fid fid) {
            fid.clunked();
            inner.clunk(in(fid));
        }
        @Override public void remove(Fid dir, String name, boolean directory) { check(); inner.remove(in(dir), name, directory); }
        @Override public Dir stat(Fid fid) { check(); return inner.stat(in(fid)); }
        @Override public void wstat(Fid fid, Dir changes) { check(); inner.wstat(in(fid), changes); }
        @Override public List<DirEntry> readdir(Fid dir, long offset, int max) { check(); return inner.readdir(in(dir), offset, max); }
        @Override public String readlink(Fid fid) { check(); return inner.readlink(in(fid)); }
        @Override public void rename(Fid oldDir, String oldName, Fid newDir, String newName, boolean noReplace) {
            check();
            inner.rename(in(oldDir), oldName, in(newDir), newName, noReplace);
        }
        @Override public void link(Fid target, Fid dir, String name) { check(); inner.link(in(target), in(dir), name); }
        @Override public long append(Fid fid, byte[] buf, int off, int len) { check(); return inner.append(in(fid), buf, off, len); }
        @Override public long ioctl(Fid fid, int request, long arg, OpenFile.UserMemory user) {
            check();
            return inner.ioctl(in(fid), request, arg, user);
        }
        @Override public int poll(Fid fid, int events) { return inner.poll(in(fid), events); }
        @Override public boolean watch(Fid fid, Thread waiter) { return inner.watch(in(fid), waiter); }
        @Override public void unwatch(Fid fid, Thread waiter) { inner.unwatch(in(fid), waiter); }
        @Override public void fsync(Fid fid) { check(); inner.fsync(in(fid)); }
        @Override public StatFs statfs() { check(); return inner.statfs(); }
    }

    /** A server's end of its channel that, once armed, delivers nothing more until closed. */
    static final class Hanging implements Transport {
        private final Transport inner;
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile boolean armed;

        Hanging(Transport inner) { this.inner = inner; }

        void arm() { armed = true; }

        @Override public byte[] receive(int maxLength) throws IOException {
            byte[] m = inner.receive(maxLength);
            while (armed) {
                try {
                    closed.await();
                    throw new EOFException(inner.describe() + " is closed");
                } catch (InterruptedException e) {
                    // a hung server does not notice interrupts either; only close ends it
                }
            }
            return m;
        }

        @Override public void send(byte[] message) throws IOException { inner.send(message); }

        @Override public void close() {
            closed.countDown();
            inner.close();
        }

        @Override public String describe() { return inner.describe(); }
    }
}
