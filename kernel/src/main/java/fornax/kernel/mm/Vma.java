package fornax.kernel.mm;

/**
 * A virtual memory area: a page-aligned range [start, end) with one protection and one origin.
 * {@code shared} mappings (MAP_SHARED) keep one set of frames across fork; private ones are
 * copied on write. {@code object} is what backs the pages (a file, or shared anonymous memory;
 * null for private anonymous memory, which is demand-zero), and {@code offset} the byte offset in
 * it of {@code start} (0 without an object). A {@code growsDown} area (the main stack, MAP_GROWSDOWN) is extended
 * downwards by faults just below it.
 *
 * <p>Immutable; the address space replaces VMAs when they are split or changed. Each VMA that
 * names an object holds one reference to it, taken and dropped by {@link AddressSpace}.
 */
public record Vma(long start, long end, int prot, Kind kind, boolean shared, MemoryObject object, long offset,
                  boolean growsDown) {
    public static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

    /** Where the memory came from (shown in /proc/PID/maps later). */
    public enum Kind { ELF, HEAP, STACK, ANON, FILE }

    /** A private anonymous mapping (copy-on-write across fork). */
    public Vma(long start, long end, int prot, Kind kind) { this(start, end, prot, kind, false); }

    /** An anonymous mapping, shared across fork if {@code shared}. */
    public Vma(long start, long end, int prot, Kind kind, boolean shared) {
        this(start, end, prot, kind, shared, null, 0, false);
    }

    public Vma {
        if ((start & 0xFFF) != 0 || (end & 0xFFF) != 0 || end <= start)
            throw new IllegalArgumentException(String.format("bad VMA [%#x,%#x)", start, end));
    }

    public boolean contains(long va) { return va >= start && va < end; }
    public long length() { return end - start; }

    /** The same mapping cut to [s, e) (inside this one): the object offset follows the start. */
    public Vma withRange(long s, long e) {
        return new Vma(s, e, prot, kind, shared, object, object == null ? 0 : offset + (s - start), growsDown);
    }
    public Vma withEnd(long e) { return new Vma(start, e, prot, kind, shared, object, offset, growsDown); }
    public Vma withProt(int p) { return new Vma(start, end, p, kind, shared, object, offset, growsDown); }
    /** The same mapping moved to start at {@code s} (mremap), keeping its object offset. */
    public Vma movedTo(long s, long length) { return new Vma(s, s + length, prot, kind, shared, object, offset, growsDown); }

    /** Linux's is_data_mapping: private, writable, not a stack (what RLIMIT_DATA counts). */
    public boolean isData() { return (prot & PROT_WRITE) != 0 && !shared && !growsDown; }

    /** Page index in the object of the page holding {@code va}. */
    long objectPage(long va) { return (offset + (va - start)) >>> 12; }

    /** PTE permission bits (U set) for this VMA's protection; 0 means no access at all. */
    public long pteFlags() {
        long f = 0;
        if ((prot & PROT_READ) != 0) f |= PageTable.R;
        if ((prot & PROT_WRITE) != 0) f |= PageTable.R | PageTable.W | PageTable.D;
        if ((prot & PROT_EXEC) != 0) f |= PageTable.X;
        return f == 0 ? 0 : f | PageTable.U | PageTable.A;
    }
}
