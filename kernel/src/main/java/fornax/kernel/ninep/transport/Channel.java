package fornax.kernel.ninep.transport;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-kernel 9P channel: two connected {@link Transport} ends that pass whole messages through
 * queues, with no copying beyond the encoding. It is how a kernel-side server, which runs as an
 * isolated task, is reached: the server holds one end and sees nothing of the kernel but the
 * messages arriving on it (Plan 9's #| pipe carrying 9P, with the framing done already).
 *
 * <p>Each end is the other's peer. Closing either end closes the channel: both ends' receives
 * return what was already queued for them and then end with EOFException; sends fail at once.
 *
 * <p>Locking: one lock for the channel guards both queues and the closed flag (a message moves
 * between the two ends, so one lock keeps the order of close against send simple).
 */
public final class Channel {
    private final ReentrantLock lock = new ReentrantLock();
    private final String name;
    // guarded by lock
    private boolean closed;
    private final End a, b;

    private Channel(String name) {
        this.name = name;
        a = new End("channel " + name + " (client end)");
        b = new End("channel " + name + " (server end)");
        a.peer = b;
        b.peer = a;
    }

    /** A new channel; {@code [0]} is conventionally the client's end and {@code [1]} the server's. */
    public static Transport[] pair(String name) {
        Channel c = new Channel(name);
        return new Transport[] { c.a, c.b };
    }

    @Override public String toString() { return "channel " + name; }

    private final class End implements Transport {
        private final String description;
        private End peer;
        // guarded by lock
        private final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        private final Condition arrived = lock.newCondition();

        End(String description) { this.description = description; }

        @Override public byte[] receive(int maxLength) throws IOException {
            lock.lock();
            try {
                while (inbox.isEmpty()) {
                    if (closed) throw new EOFException(description + " is closed");
                    arrived.awaitUninterruptibly();
                }
                byte[] m = inbox.poll();
                Transport.frameSize(m, maxLength);
                return m;
            } finally {
                lock.unlock();
            }
        }

        @Override public void send(byte[] message) throws IOException {
            if (message.length < 7) throw new FramingException("frame of " + message.length + " bytes");
            lock.lock();
            try {
                if (closed) throw new IOException(description + " is closed");
                peer.inbox.add(message);
                peer.arrived.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override public void close() {
            lock.lock();
            try {
                closed = true;
                arrived.signalAll();
                peer.arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override public String describe() { return description; }
    }
}
