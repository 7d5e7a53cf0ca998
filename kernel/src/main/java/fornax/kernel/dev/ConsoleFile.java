package fornax.kernel.dev;

import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.Stat;

/**
 * The console when the host side is not a terminal (output captured to a file or pipe, input from
 * one): an open file that reads and writes a UART directly and presents itself as a pipe, with no
 * terminal ioctls (ENOTTY) and S_IFIFO in fstat, exactly what the same program would see on the
 * host, so its stdio buffering and output match. When the host side is a terminal the console is
 * a {@link fornax.kernel.dev.tty.Tty} instead.
 */
public final class ConsoleFile implements OpenFile {
    private final UartDriver uart;
    private final int minor;

    /** The console on {@code uart}; {@code minor} tells the consoles apart in fstat (st_ino). */
    public ConsoleFile(UartDriver uart, int minor) {
        this.uart = uart;
        this.minor = minor;
    }

    @Override public int read(byte[] buf, int off, int len) { return uart.read(buf, off, len); }

    @Override public int write(byte[] buf, int off, int len) {
        uart.write(buf, off, len);
        return len;
    }

    /**
     * Readable when the UART holds a byte or the host side has closed. No {@link #watch}: nothing
     * drains this UART in the background to notice a change, so ppoll rechecks periodically.
     */
    @Override public int poll(int events) {
        return events & (uart.readable() ? POLLIN | POLLOUT : POLLOUT);
    }

    @Override public Stat stat() { return new Stat(0xC, 100 + minor, Stat.S_IFIFO | 0600, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0); }
}
