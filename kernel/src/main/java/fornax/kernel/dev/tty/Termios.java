package fornax.kernel.dev.tty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A terminal's modes: Linux's {@code struct termios} (asm-generic, as riscv64 has it), its flag
 * bits and control-character slots, and the byte layouts TCGETS/TCSETS and TCGETS2/TCSETS2 copy.
 *
 * <pre>
 *   struct termios (36 bytes)            struct termios2 (44 bytes)
 *    0 c_iflag   u32                      0..35  as termios
 *    4 c_oflag   u32                     36 c_ispeed  u32
 *    8 c_cflag   u32                     40 c_ospeed  u32
 *   12 c_lflag   u32
 *   16 c_line    u8
 *   17 c_cc[19]  u8  (VINTR VQUIT VERASE VKILL VEOF VTIME VMIN VSWTC VSTART VSTOP VSUSP VEOL
 *                     VREPRINT VDISCARD VWERASE VLNEXT VEOL2, 2 spare)
 * </pre>
 *
 * A control character of 0 is disabled (_POSIX_VDISABLE): no input byte matches it.
 *
 * <p>Not thread-safe: the line discipline's monitor guards the instance it owns; copies are
 * handed out for TCGETS.
 */
public final class Termios {
    // c_iflag
    public static final int IGNBRK = 0x1, BRKINT = 0x2, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100,
            IUCLC = 0x200, IXON = 0x400, IXANY = 0x800, IXOFF = 0x1000, IMAXBEL = 0x2000, IUTF8 = 0x4000;
    // c_oflag
    public static final int OPOST = 0x1, OLCUC = 0x2, ONLCR = 0x4, OCRNL = 0x8, ONOCR = 0x10, ONLRET = 0x20,
            TABDLY = 0x1800, XTABS = 0x1800;
    // c_cflag
    public static final int B38400 = 0xF, CS8 = 0x30, CREAD = 0x80, HUPCL = 0x400;
    // c_lflag
    public static final int ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40,
            NOFLSH = 0x80, TOSTOP = 0x100, ECHOCTL = 0x200, ECHOPRT = 0x400, ECHOKE = 0x800, IEXTEN = 0x8000;
    // c_cc indices
    public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7,
            VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15,
            VEOL2 = 16, NCCS = 19;

    /** Sizes of the two user layouts. */
    public static final int SIZE = 36, SIZE2 = 44;
    /** The only speed the console reports: the host line has none, so the default stands. */
    private static final int SPEED = 38400;

    public int iflag, oflag, cflag, lflag, line;
    public final byte[] cc = new byte[NCCS];

    /** Linux's tty_std_termios: cooked mode with echo and signals, ^C ^\ DEL ^U ^D ^Q ^S ^Z ^R ^O ^W ^V. */
    public static Termios defaults() {
        Termios t = new Termios();
        t.iflag = ICRNL | IXON;
        t.oflag = OPOST | ONLCR;
        t.cflag = B38400 | CS8 | CREAD | HUPCL;
        t.lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
        byte[] c = {3, 0x1C, 0x7F, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1A, 0, 0x12, 0x0F, 0x17, 0x16, 0, 0, 0};
        System.arraycopy(c, 0, t.cc, 0, NCCS);
        return t;
    }

    public Termios copy() {
        Termios t = new Termios();
        t.iflag = iflag;
        t.oflag = oflag;
        t.cflag = cflag;
        t.lflag = lflag;
        t.line = line;
        System.arraycopy(cc, 0, t.cc, 0, NCCS);
        return t;
    }

    public boolean i(int bit) { return (iflag & bit) != 0; }
    public boolean o(int bit) { return (oflag & bit) != 0; }
    public boolean l(int bit) { return (lflag & bit) != 0; }

    /** Control character {@code slot} as an unsigned byte; 0 means disabled. */
    public int cc(int slot) { return cc[slot] & 0xFF; }

    /** True when input byte {@code c} is the enabled control character of {@code slot}. */
    public boolean is(int c, int slot) {
        int v = cc[slot] & 0xFF;
        return v != 0 && v == c;
    }

    /** The user layout: {@link #SIZE} bytes, or {@link #SIZE2} with the termios2 speeds. */
    public byte[] encode(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(iflag).putInt(oflag).putInt(cflag).putInt(lflag).put((byte) line).put(cc);
        if (size == SIZE2) b.putInt(SPEED).putInt(SPEED);
        return b.array();
    }

    /** Reads the user layout (either size; termios2 speeds are accepted and ignored). */
    public static Termios decode(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Termios t = new Termios();
        t.iflag = b.getInt();
        t.oflag = b.getInt();
        t.cflag = b.getInt();
        t.lflag = b.getInt();
        t.line = b.get() & 0xFF;
        b.get(t.cc);
        return t;
    }
}
