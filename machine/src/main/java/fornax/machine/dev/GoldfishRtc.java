package fornax.machine.dev;

/**
 * Real-time clock with the Goldfish RTC register layout (as on QEMU's virt machine): reading
 * TIME_LOW (0x00) latches the current time in nanoseconds since the Unix epoch and returns its low
 * 32 bits; TIME_HIGH (0x04) returns the latched high half. Alarms are not implemented: the kernel
 * uses each hart's timer for timeouts.
 */
public final class GoldfishRtc implements MmioDevice {
    private long latched; // guarded by this

    @Override public String name() { return "rtc"; }
    @Override public long size() { return 0x20; }

    private static long nowNanos() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Override public synchronized long read(long off, int width) {
        if (off == 0x00) {
            latched = nowNanos();
            return latched & 0xFFFFFFFFL;
        }
        if (off == 0x04) return latched >>> 32;
        return 0;
    }

    @Override public void write(long off, int width, long value) { }
}
