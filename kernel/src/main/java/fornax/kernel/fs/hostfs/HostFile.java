package fornax.kernel.fs.hostfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One open host file: positioned reads and writes that a guest signal cannot break.
 *
 * <p>Why not a FileChannel: the kernel wakes a guest thread blocked in a syscall with
 * {@link Thread#interrupt()} when a signal arrives, and an interrupted FileChannel closes itself
 * for good (ClosedByInterruptException), which would leave the guest's descriptor dead. An
 * {@link AsynchronousFileChannel} does its transfers on the JVM's I/O pool and is not an
 * interruptible channel; the guest thread waits for the result without giving in to interrupts
 * (a Linux read of a regular file is not interruptible either) and keeps the interrupt for the
 * syscall layer to see afterwards. The channel was opened with O_NOFOLLOW by the server.
 *
 * <p>Thread-safe: positioned transfers need no lock; O_APPEND writes take {@code appendLock},
 * shared by every open of the same host file in this server, so "size, then write there" is atomic
 * among guest writers (host writers are not in the lock).
 */
final class HostFile implements AutoCloseable {
    private final AsynchronousFileChannel channel;
    private final Object appendLock;

    HostFile(AsynchronousFileChannel channel, Object appendLock) {
        this.channel = channel;
        this.appendLock = appendLock;
    }

    /** Reads up to {@code len} bytes at {@code pos}: fewer only at end of file. */
    int read(long pos, byte[] buf, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        int total = 0;
        while (b.hasRemaining()) {
            int n = await(channel.read(b, pos + total));
            if (n < 0) break;
            total += n;
        }
        return total;
    }

    /** Writes all {@code len} bytes at {@code pos}. */
    int write(long pos, byte[] buf, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        int total = 0;
        while (b.hasRemaining()) total += await(channel.write(b, pos + total));
        return total;
    }

    /** Writes at the end of the file; returns the offset just past the data. */
    long append(byte[] buf, int off, int len) throws IOException {
        synchronized (appendLock) {
            long pos = channel.size();
            return pos + write(pos, buf, off, len);
        }
    }

    long size() throws IOException { return channel.size(); }

    /**
     * Sets the size: truncates, or extends by writing a zero byte at the new last position (nio
     * has no ftruncate that grows; the file reads the same, with one block allocated at the end).
     */
    void setSize(long size) throws IOException {
        synchronized (appendLock) {
            long now = channel.size();
            if (size < now) channel.truncate(size);
            else if (size > now) write(size - 1, new byte[1], 0, 1);
        }
    }

    void force() throws IOException { channel.force(true); }

    @Override public void close() throws IOException { channel.close(); }

    /** Closes, logging (not throwing) a failure: clunk cannot fail. */
    void close(Consumer<String> log) {
        try {
            channel.close();
        } catch (IOException e) {
            log.accept("hostfs: close: " + e);
        }
    }

    /** The result of a transfer, waited for without giving in to interrupts (kept for later). */
    private static int await(Future<Integer> f) throws IOException {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) throw io;
                    if (c instanceof RuntimeException r) throw r;
                    throw new IOException(c);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
