package fornax.machine.dev;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The physical address decoder for device registers. Devices are mapped once while the machine is
 * assembled; afterwards the map is immutable, so lookups need no lock.
 */
public final class MmioBus {
    private record Mapping(long base, MmioDevice device) { }

    /** Sorted by base; replaced wholesale by {@link #map} (only during assembly). */
    private volatile Mapping[] mappings = new Mapping[0];

    /** Maps {@code device} at {@code base}; windows must not overlap. */
    public synchronized void map(long base, MmioDevice device) {
        for (Mapping m : mappings) {
            if (base < m.base + m.device.size() && m.base < base + device.size())
                throw new IllegalArgumentException(device.name() + " overlaps " + m.device.name());
        }
        List<Mapping> list = new ArrayList<>(List.of(mappings));
        list.add(new Mapping(base, device));
        list.sort(Comparator.comparingLong(Mapping::base));
        mappings = list.toArray(new Mapping[0]);
    }

    private Mapping find(long pa, int width) {
        for (Mapping m : mappings) {
            if (pa >= m.base && pa + width <= m.base + m.device.size()) return m;
        }
        throw new BusError(pa);
    }

    public long read(long pa, int width) {
        Mapping m = find(pa, width);
        return m.device.read(pa - m.base, width);
    }

    public void write(long pa, int width, long value) {
        Mapping m = find(pa, width);
        m.device.write(pa - m.base, width, value);
    }

    public int read32(long pa) { return (int) read(pa, 4); }
    public void write32(long pa, int v) { write(pa, 4, v & 0xFFFFFFFFL); }
    public int read8(long pa) { return (int) read(pa, 1) & 0xFF; }
    public void write8(long pa, int v) { write(pa, 1, v & 0xFF); }

    /** An access to an address no device decodes. */
    public static final class BusError extends RuntimeException {
        public BusError(long pa) { super(String.format("no device at physical address %#x", pa)); }
    }
}
