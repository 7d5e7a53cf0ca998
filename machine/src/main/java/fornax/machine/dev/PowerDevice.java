package fornax.machine.dev;

/**
 * The SiFive "test" finisher (QEMU virt's syscon): a 32-bit write of 0x5555 powers off, 0x7777
 * resets, and {@code code << 16 | 0x3333} powers off reporting failure {@code code}.
 */
public final class PowerDevice implements MmioDevice {
    public static final int PASS = 0x5555, FAIL = 0x3333, RESET = 0x7777;

    /** What the machine does when the power device is written. */
    public interface Listener {
        void powerOff(int exitCode);
        void reset();
    }

    private final Listener listener;

    public PowerDevice(Listener listener) { this.listener = listener; }

    @Override public String name() { return "power"; }
    @Override public long size() { return 0x1000; }
    @Override public long read(long off, int width) { return 0; }

    @Override public void write(long off, int width, long value) {
        if (off != 0) return;
        int v = (int) value;
        switch (v & 0xFFFF) {
            case PASS -> listener.powerOff(0);
            case FAIL -> listener.powerOff(v >>> 16);
            case RESET -> listener.reset();
            default -> { }
        }
    }
}
