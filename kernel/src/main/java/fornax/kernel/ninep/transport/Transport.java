package fornax.kernel.ninep.transport;

import java.io.EOFException;
import java.io.IOException;

/**
 * One end of a 9P connection: it carries whole messages ({@code size[4] type[1] tag[2] body},
 * the size field included), in order, in both directions. What lies underneath is the
 * implementation's business: a host byte stream (a TCP socket, a test's pipes), an in-kernel
 * {@link Channel}, or a guest's pair of file descriptors (v9fs's trans=fd).
 *
 * <p>Contract, for servers and clients alike:
 * <ul>
 *   <li>{@link #receive} and {@link #send} may be called from different threads at once; sends
 *       from several threads are serialised (one message is never interleaved with another), and
 *       so are receives.
 *   <li>A frame whose size field is below 7 or above the receiver's limit is a protocol error:
 *       {@link #receive} throws {@link FramingException} and the connection is unusable.
 *   <li>The end of the connection (the peer closed, or {@link #close} was called here) is an
 *       {@link EOFException} from {@link #receive} and an {@link IOException} from {@link #send};
 *       {@link #close} wakes a thread blocked in either. Closing twice does nothing.
 * </ul>
 */
public interface Transport extends AutoCloseable {
    /**
     * Blocks for the next message and returns all its bytes.
     *
     * @param maxLength the largest message accepted (the connection's msize)
     * @throws EOFException at the end of the connection
     * @throws FramingException if the size field is below 7 or above {@code maxLength}
     * @throws IOException if the underlying channel failed
     */
    byte[] receive(int maxLength) throws IOException;

    /** Sends one whole message ({@code message.length} equals its size field). */
    void send(byte[] message) throws IOException;

    /** Ends the connection in both directions and wakes blocked callers. Idempotent. */
    @Override void close();

    /** For logs and status files: "tcp 127.0.0.1:5640", "fd 3/4 of pid 17", "channel cons". */
    String describe();

    /** A frame that cannot be a 9P message: the connection must be dropped. */
    final class FramingException extends IOException {
        private static final long serialVersionUID = 1L;
        public FramingException(String reason) { super(reason, null); }
    }

    /** The size field of a message header ({@code b} holds at least 4 bytes), checked against the limits. */
    static int frameSize(byte[] b, int maxLength) throws FramingException {
        long size = (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24;
        if (size < 7) throw new FramingException("frame size " + size + " is below the 7-byte header");
        if (size > maxLength) throw new FramingException("frame size " + size + " exceeds msize " + maxLength);
        return (int) size;
    }
}
