package fornax.machine.dev;

/**
 * A device on the MMIO bus: a window of registers. Offsets are relative to the device's base;
 * width is 1, 2, 4 or 8 bytes. Devices are called from whatever thread the driver runs on and
 * must be thread-safe themselves.
 */
public interface MmioDevice {
    String name();
    /** Size of the register window in bytes. */
    long size();
    long read(long offset, int width);
    void write(long offset, int width, long value);
}
