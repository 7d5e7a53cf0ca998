package fornax.kernel.mm;

/**
 * A virtual memory area: a page-aligned range [start, end) with one protection and one origin.
 * {@code shared} mappings (MAP_SHARED) keep one set of frames across fork; private ones are
 * copied on write. Immutable; the address space replaces VMAs when they are split or changed.
 */
public record Vma(long start, long end, int prot, Kind kind, boolean shared) {
    public static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

    /** Where the memory came from (shown in /proc/PID/maps later). */
    public enum Kind { ELF, HEAP, STACK, ANON }

    /** A private mapping (copy-on-write across fork). */
    public Vma(long start, long end, int prot, Kind kind) { this(start, end, prot, kind, false); }

    public Vma {
        if ((start & 0xFFF) != 0 || (end & 0xFFF) != 0 || end <= start)
            throw new IllegalArgumentException(String.format("bad VMA [%#x,%#x)", start, end));
    }

    public boolean contains(long va) { return va >= start && va < end; }
    public long length() { return end - start; }
    public Vma withRange(long s, long e) { return new Vma(s, e, prot, kind, shared); }
    public Vma withProt(int p) { return new Vma(start, end, p, kind, shared); }

    /** PTE permission bits (U set) for this VMA's protection; 0 means no access at all. */
    public long pteFlags() {
        long f = 0;
        if ((prot & PROT_READ) != 0) f |= PageTable.R;
        if ((prot & PROT_WRITE) != 0) f |= PageTable.R | PageTable.W | PageTable.D;
        if ((prot & PROT_EXEC) != 0) f |= PageTable.X;
        return f == 0 ? 0 : f | PageTable.U | PageTable.A;
    }
}
