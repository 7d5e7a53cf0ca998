package fornax.kernel.ninep.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A {@link Transport} over a host byte stream: a TCP socket, or a test's pipes to a process
 * (qemu-riscv64 running a guest server). Frames are gathered from the stream by their size field.
 *
 * <p>Locking: {@code readLock} serialises receivers, {@code writeLock} senders; neither is held
 * while the other is wanted, so a receive blocked on the stream never delays a send.
 */
public final class StreamTransport implements Transport {
    private final InputStream in;
    private final OutputStream out;
    private final AutoCloseable onClose;
    private final String description;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    /**
     * @param onClose what closing this end closes besides both streams (the socket; may be null)
     */
    public StreamTransport(InputStream in, OutputStream out, AutoCloseable onClose, String description) {
        this.in = in;
        this.out = out;
        this.onClose = onClose;
        this.description = description;
    }

    @Override public byte[] receive(int maxLength) throws IOException {
        synchronized (readLock) {
            if (closed) throw new EOFException(description + " is closed");
            byte[] head = new byte[4];
            if (!readFully(head, 0, 4, true)) throw new EOFException(description + ": end of stream");
            int size = Transport.frameSize(head, maxLength);
            byte[] msg = new byte[size];
            System.arraycopy(head, 0, msg, 0, 4);
            readFully(msg, 4, size - 4, false);
            return msg;
        }
    }

    /** False at a clean end of stream before the first byte (when allowed); EOFException mid-frame. */
    private boolean readFully(byte[] b, int off, int len, boolean cleanEofAllowed) throws IOException {
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = in.read(b, off + done, len - done);
            } catch (IOException e) {
                if (closed) throw new EOFException(description + " is closed");
                throw e;
            }
            if (n < 0) {
                if (done == 0 && cleanEofAllowed) return false;
                throw new EOFException(description + ": end of stream inside a frame");
            }
            done += n;
        }
        return true;
    }

    @Override public void send(byte[] message) throws IOException {
        synchronized (writeLock) {
            if (closed) throw new IOException(description + " is closed");
            out.write(message);
            out.flush();
        }
    }

    @Override public void close() {
        if (closed) return;
        closed = true;
        try { in.close(); } catch (IOException ignored) { }
        try { out.close(); } catch (IOException ignored) { }
        if (onClose != null) {
            try { onClose.close(); } catch (Exception ignored) { }
        }
    }

    @Override public String describe() { return description; }
}
