package fornax.machine.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address decoding on the MMIO bus. */
class MmioBusTest {
    /** A device that records accesses and returns offset + width. */
    private static final class Probe implements MmioDevice {
        final String name;
        final long size;
        final List<String> log = new ArrayList<>();
        Probe(String name, long size) { this.name = name; this.size = size; }
        @Override public String name() { return name; }
        @Override public long size() { return size; }
        @Override public long read(long off, int width) { log.add("r" + off + "/" + width); return off * 100 + width; }
        @Override public void write(long off, int width, long v) { log.add("w" + off + "/" + width + "=" + v); }
    }

    @Test
    void accessesAreRoutedWithDeviceRelativeOffsets() {
        MmioBus bus = new MmioBus();
        Probe a = new Probe("a", 0x100), b = new Probe("b", 0x10);
        bus.map(0x2000, b);
        bus.map(0x1000, a);
        assertEquals(0x10 * 100 + 4, bus.read(0x1010, 4));
        assertEquals((3 * 100 + 1) & 0xFF, bus.read8(0x2003), "read8 returns the low byte");
        bus.write32(0x100C, 0xDEADBEEF);
        bus.write8(0x200F, 0x1FF);
        assertEquals(List.of("r16/4", "w12/4=3735928559"), a.log);
        assertEquals(List.of("r3/1", "w15/1=255"), b.log);
        assertEquals(8 * 100 + 8, bus.read(0x2008, 8), "an 8-byte access ending exactly at the window's end");
    }

    @Test
    void unmappedAddressesAreBusErrors() {
        MmioBus bus = new MmioBus();
        bus.map(0x1000, new Probe("a", 0x100));
        assertThrows(MmioBus.BusError.class, () -> bus.read(0x0FFF, 1));
        assertThrows(MmioBus.BusError.class, () -> bus.read(0x1100, 1));
        assertThrows(MmioBus.BusError.class, () -> bus.write(0x5000, 4, 1));
        assertThrows(MmioBus.BusError.class, () -> bus.read(0x10FE, 4), "an access running off the end of a window");
        assertEquals(0xFC * 100 + 4, bus.read(0x10FC, 4));
    }

    @Test
    void overlappingWindowsAreRejected() {
        MmioBus bus = new MmioBus();
        bus.map(0x1000, new Probe("a", 0x100));
        assertThrows(IllegalArgumentException.class, () -> bus.map(0x10FF, new Probe("b", 0x10)));
        assertThrows(IllegalArgumentException.class, () -> bus.map(0x0F00, new Probe("c", 0x101)));
        bus.map(0x1100, new Probe("d", 0x10));     // adjacent is fine
        bus.map(0x0F00, new Probe("e", 0x100));
    }
}
