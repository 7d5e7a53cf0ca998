package fornax.kernel.dev;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.Stat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The console as an open file: a character device (major 5, minor 1 like /dev/console) backed by
 * a UART. It answers the terminal ioctls programs ask at start-up (TCGETS, TIOCGWINSZ); a full
 * line discipline comes with the tty layer.
 *
 * <p>When the host side is not a terminal (output captured to a file or pipe), the console
 * presents itself as a pipe instead: no terminal ioctls (ENOTTY) and S_IFIFO in fstat, exactly what
 * the same program would see on the host, so its stdio buffering and output match.
 */
public final class ConsoleFile implements OpenFile {
    public static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
            TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCGPGRP = 0x540F;

    private final UartDriver uart;
    private final int minor;
    private final boolean terminal;
    /** struct termios as last set (36 bytes); guarded by this. */
    private final byte[] termios = defaultTermios();
    private final byte[] winsize = {24, 0, 80, 0, 0, 0, 0, 0};

    public ConsoleFile(UartDriver uart, int minor, boolean terminal) {
        this.uart = uart;
        this.minor = minor;
        this.terminal = terminal;
    }

    private static byte[] defaultTermios() {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0500);   // c_iflag: ICRNL | IXON
        b.putInt(0x0005);   // c_oflag: OPOST | ONLCR
        b.putInt(0x00BF);   // c_cflag: B38400 | CS8 | CREAD | HUPCL
        b.putInt(0x8A3B);   // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
        b.put((byte) 0);    // c_line
        b.put(new byte[] {3, 0x1C, 0x7F, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1A, 0, 0x12, 0x0F, 0x17, 0x16, 0, 0, 0});
        return b.array();
    }

    @Override public int read(byte[] buf, int off, int len) { return uart.read(buf, off, len); }

    @Override public int write(byte[] buf, int off, int len) {
        uart.write(buf, off, len);
        return len;
    }

    @Override public synchronized long ioctl(int request, long arg, UserMemory user) {
        if (!terminal) throw new SysError(Errno.ENOTTY);
        switch (request) {
            case TCGETS -> user.copyOut(arg, termios, 0, termios.length);
            case TCSETS, TCSETSW, TCSETSF -> user.copyIn(arg, termios, 0, termios.length);
            case TIOCGWINSZ -> user.copyOut(arg, winsize, 0, winsize.length);
            case TIOCSWINSZ -> user.copyIn(arg, winsize, 0, winsize.length);
            default -> throw new SysError(Errno.ENOTTY);
        }
        return 0;
    }

    @Override public Stat stat() {
        if (!terminal) return new Stat(0xC, 100 + minor, Stat.S_IFIFO | 0600, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0);
        return new Stat(0x16, 2 + minor, Stat.S_IFCHR | 0620, 1, 0, 5, Stat.makedev(5, 1), 0, 1024, 0, 0, 0, 0);
    }
}
