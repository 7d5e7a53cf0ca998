package fornax.kernel.ninep.client;

import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.FileDescription;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Transport} over two open file descriptions of a guest process: what Linux's v9fs calls
 * trans=fd. The server, a guest program, reads T-messages from the other end of {@code writeTo}
 * and answers on the other end of {@code readFrom} (two pipes, usually, or one description twice).
 *
 * <p>Sends never block their caller: messages are queued and a writer thread of this transport
 * puts them into the pipe. A task writing the pipe itself could be interrupted by a signal halfway
 * through a frame, which would break the stream for every other user; the writer is never
 * interrupted except by {@link #close}. The descriptions are retained for as long as the
 * transport lives, so the guest may close its own descriptors after mounting.
 *
 * <p>Locking: {@code lock} guards the outgoing queue and {@code closed}; the reader is serialised
 * by {@code readLock}; the pipe's own locks are taken with neither held.
 */
public final class FdTransport implements Transport {
    private final FileDescription readFrom, writeTo;
    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<byte[]> outgoing = new ArrayDeque<>();
    private boolean closed;
    private final Object readLock = new Object();
    // guarded by readLock's holder: the thread blocked reading, for close to interrupt
    private volatile Thread reading;
    private final Thread writer;

    /** Takes over one reference to each description (the caller retained them). */
    public FdTransport(FileDescription readFrom, FileDescription writeTo, String description) {
        this.readFrom = readFrom;
        this.writeTo = writeTo;
        this.description = description;
        if (readFrom.file().seekable() || writeTo.file().seekable()) {
            readFrom.release();
            writeTo.release();
            throw new SysError(Errno.EINVAL, "trans=fd needs pipes or other streams, not regular files");
        }
        writer = Thread.ofVirtual().name("9p-fd-writer " + description).start(this::writeLoop);
    }

    @Override public byte[] receive(int maxLength) throws IOException {
        synchronized (readLock) {
            reading = Thread.currentThread();
            try {
                byte[] head = new byte[4];
                if (!fill(head, 0, true)) throw new EOFException(description + ": server closed its end");
                int size = Transport.frameSize(head, maxLength);
                byte[] msg = new byte[size];
                System.arraycopy(head, 0, msg, 0, 4);
                fill(msg, 4, false);
                return msg;
            } finally {
                reading = null;
            }
        }
    }

    /** Reads {@code b[from..]} fully; false on a clean end of stream before any byte (if allowed). */
    private boolean fill(byte[] b, int from, boolean cleanEnd) throws IOException {
        int done = from;
        while (done < b.length) {
            if (isClosed()) throw new EOFException(description + " is closed");
            int n;
            try {
                n = readFrom.file().read(b, done, b.length - done);
            } catch (SysError e) {
                if (isClosed()) throw new EOFException(description + " is closed");
                if (e.errno() == Errno.EINTR) { Thread.interrupted(); continue; }
                throw new IOException(description + ": read: " + e.getMessage());
            }
            if (n <= 0) {
                if (done == from && cleanEnd) return false;
                throw new EOFException(description + ": end of stream inside a frame");
            }
            done += n;
        }
        return true;
    }

    @Override public void send(byte[] message) throws IOException {
        lock.lock();
        try {
            if (closed) throw new IOException(description + " is closed");
            outgoing.add(message);
            queued.signal();
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        while (true) {
            byte[] m;
            lock.lock();
            try {
                while (outgoing.isEmpty() && !closed) queued.awaitUninterruptibly();
                if (closed) return;
                m = outgoing.poll();
            } finally {
                lock.unlock();
            }
            int done = 0;
            try {
                while (done < m.length) done += writeTo.file().write(m, done, m.length - done);
            } catch (SysError e) {
                // EPIPE: the server is gone; the reader sees the end of its stream too
                close();
                return;
            }
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        Thread r = reading;
        if (r != null) r.interrupt();
        if (Thread.currentThread() != writer) writer.interrupt();   // a write blocked on a full pipe
        readFrom.release();
        writeTo.release();
    }

    @Override public String describe() { return description; }
}
