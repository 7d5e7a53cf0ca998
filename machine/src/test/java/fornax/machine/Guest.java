package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.cpu.Hart;
import fornax.machine.cpu.JitProbe;
import fornax.machine.mem.PhysicalMemory;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Test fixture: a {@link Machine} with an Sv48 user address space built by hand in its RAM, and
 * helpers to map pages, load test programs and run them until they trap.
 *
 * <p>Frames come from a bump allocator starting {@value #RESERVED_MIB} MiB into RAM; the first
 * {@value #RESERVED_MIB} MiB are left for tests that want superpage-aligned physical memory.
 * Every program is loaded at a fresh virtual address in fresh frames, so one fixture can run
 * many programs without any stale decoded or translated code getting in the way.
 */
public final class Guest implements AutoCloseable {
    public static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    public static final long UR = V | R | U, URW = V | R | W | U, URX = V | R | X | U, URWX = V | R | W | X | U;
    /** Iterations for a "hot" loop: well above the translation threshold. */
    public static final int HOT = 200;
    public static final long RAM_BYTES = 64L << 20;
    public static final int RESERVED_MIB = 16;
    /** Where programs are loaded (each at a fresh address above this). */
    public static final long CODE_BASE = 0x0001_0000L;
    /** Conventional data area (tests map what they need there). */
    public static final long DATA = 0x1000_0000L;

    public final Machine machine;
    public final Hart hart;
    public final PhysicalMemory ram;
    public final boolean jit;
    public final long root;
    public final int asid;
    private long nextFrame = Machine.RAM_BASE + ((long) RESERVED_MIB << 20);
    private long nextCode = CODE_BASE;
    private long lastLoopHead = -1, lastProgramVa = -1;
    private long nextData = DATA;

    public Guest(boolean jit) { this(1, jit); }

    public Guest(int harts, boolean jit) {
        this.machine = new Machine(new Machine.Config(harts, RAM_BYTES, null,
                OutputStream.nullOutputStream(), OutputStream.nullOutputStream()));
        this.ram = machine.ram();
        this.hart = machine.hart(0);
        this.jit = jit;
        this.asid = 1;
        this.root = frame();
        for (int i = 0; i < harts; i++) {
            machine.hart(i).setSatp(satp());
            machine.hart(i).setTranslation(jit);
        }
    }

    @Override public void close() { machine.close(); }

    // ------------------------------------------------------------------ address space

    public long satp() { return satp(9, asid, root); }

    public static long satp(int mode, int asid, long rootPa) {
        return (long) mode << 60 | (long) asid << 44 | rootPa >>> 12;
    }

    public static long pte(long pa, long flags) { return (pa >>> 12) << 10 | flags; }

    /** A fresh zeroed 4 KiB frame. */
    public long frame() {
        long pa = nextFrame;
        nextFrame += 4096;
        if (nextFrame > Machine.RAM_BASE + RAM_BYTES) throw new IllegalStateException("out of frames");
        ram.zero(pa, 4096);
        return pa;
    }

    /** A fresh root page table. */
    public long newRoot() { return frame(); }

    /**
     * Address of the PTE for {@code va} at {@code level} in the {@code levels}-level table at
     * {@code rootPa}, creating intermediate tables as needed.
     */
    public long pteSlot(long rootPa, int levels, long va, int level) {
        long table = rootPa;
        for (int l = levels - 1; l > level; l--) {
            long slot = table + (((va >>> (12 + 9 * l)) & 0x1FF) << 3);
            long e = ram.read64(slot);
            if ((e & V) == 0) {
                long next = frame();
                ram.write64(slot, pte(next, V));
                table = next;
            } else {
                if ((e & (R | X)) != 0) throw new IllegalStateException("leaf in the way at level " + l);
                table = ((e >>> 10) & ((1L << 44) - 1)) << 12;
            }
        }
        return table + (((va >>> (12 + 9 * level)) & 0x1FF) << 3);
    }

    /** Maps the 4 KiB page at {@code va} to frame {@code pa} in this fixture's Sv48 space. */
    public void map(long va, long pa, long flags) { map(root, 4, va, pa, flags, 0); }

    /** Maps a leaf at {@code level} (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, ...). */
    public void map(long rootPa, int levels, long va, long pa, long flags, int level) {
        ram.write64(pteSlot(rootPa, levels, va, level), pte(pa, flags));
    }

    /** Maps a fresh frame at {@code va}; returns its physical address. */
    public long mapNew(long va, long flags) {
        long pa = frame();
        map(va, pa, flags);
        return pa;
    }

    /** Address of the leaf PTE for {@code va} (any level) in this fixture's space, or -1. */
    public long leafSlot(long va) { return leafSlot(root, 4, va); }

    public long leafSlot(long rootPa, int levels, long va) {
        long table = rootPa;
        for (int l = levels - 1; l >= 0; l--) {
            long slot = table + (((va >>> (12 + 9 * l)) & 0x1FF) << 3);
            long e = ram.read64(slot);
            if ((e & V) == 0) return -1;
            if ((e & (R | X)) != 0) return slot;
            table = ((e >>> 10) & ((1L << 44) - 1)) << 12;
        }
        return -1;
    }

    public long pteOf(long va) { return ram.read64(leafSlot(va)); }
    public void setPte(long va, long value) { ram.write64(leafSlot(va), value); }

    /** Physical address of {@code va} by a software walk of this fixture's space. */
    public long pa(long va) {
        long table = root;
        for (int l = 3; l >= 0; l--) {
            long slot = table + (((va >>> (12 + 9 * l)) & 0x1FF) << 3);
            long e = ram.read64(slot);
            if ((e & V) == 0) throw new IllegalStateException("unmapped " + Long.toHexString(va));
            long ppnPa = ((e >>> 10) & ((1L << 44) - 1)) << 12;
            if ((e & (R | X)) != 0) return ppnPa + (va & ((1L << (12 + 9 * l)) - 1));
            table = ppnPa;
        }
        throw new IllegalStateException("no leaf for " + Long.toHexString(va));
    }

    /**
     * Maps fresh U|R|W pages for {@code bytes} bytes at a new address in the data area (with an
     * unmapped guard page after them); returns the address.
     */
    public long alloc(int bytes) { return alloc(bytes, URW); }

    public long alloc(int bytes, long flags) {
        long va = nextData;
        int pages = Math.max(1, (bytes + 4095) / 4096);
        for (int p = 0; p < pages; p++) mapNew(va + 4096L * p, flags);
        nextData += 4096L * (pages + 1);
        return va;
    }

    /** An unmapped page-aligned address in the data area (nothing will be mapped there). */
    public long unmapped() {
        long va = nextData;
        nextData += 2 * 4096L;
        return va;
    }

    // ------------------------------------------------------------------ memory through the kernel's eyes

    public long read64(long va) { return ram.read64(pa(va)); }
    public int read32(long va) { return ram.read32(pa(va)); }
    public byte read8(long va) { return ram.read8(pa(va)); }
    public void write64(long va, long v) { ram.write64(pa(va), v); }
    public void write8(long va, int v) { ram.write8(pa(va), (byte) v); }

    public void write32(long va, int v) {
        byte[] b = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        write(va, b);
    }

    /** Writes bytes at {@code va} page by page (pages must be mapped). */
    public void write(long va, byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            long a = va + done;
            int n = (int) Math.min(bytes.length - done, 4096 - (a & 0xFFF));
            ram.write(pa(a), bytes, done, n);
            done += n;
        }
    }

    public void writeLongs(long va, long[] values) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long v : values) bb.putLong(v);
        write(va, bb.array());
    }

    public long[] readLongs(long va, int n) {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(read(va, 8 * n)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] r = new long[n];
        for (int i = 0; i < n; i++) r[i] = bb.getLong();
        return r;
    }

    public byte[] read(long va, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = read8(va + i);
        return b;
    }

    // ------------------------------------------------------------------ registers and running

    public long x(int r) { return hart.x(r); }
    public void setX(int r, long v) { hart.setX(r, v); }

    /** Loads {@code code} at a fresh virtual address in fresh U|R|X frames; returns that address. */
    public long load(byte[] code) { return load(code, URX); }

    public long load(byte[] code, long flags) {
        long va = nextCode;
        int pages = (code.length + 4095) / 4096;
        for (int p = 0; p < Math.max(pages, 1); p++) mapNew(va + 4096L * p, flags);
        write(va, code);
        nextCode += 4096L * (pages + 1);   // leave an unmapped guard page after each program
        return va;
    }

    /** Loads {@code a} and runs it from its first instruction until it traps. */
    public Trap exec(Asm a) {
        long va = load(a.assemble());
        hart.setPc(va);
        return hart.run();
    }

    /** Loads {@code a} and runs it; returns the load address, and the trap via {@code trapOut[0]}. */
    public long execAt(Asm a, Trap[] trapOut) {
        long va = load(a.assemble());
        hart.setPc(va);
        trapOut[0] = hart.run();
        return va;
    }

    public Trap run() { return hart.run(); }

    /**
     * Runs {@code body} {@code iterations} times in a guest loop (counter in T6, which the body
     * must leave alone), then ecall. Returns the trap; the loop head's address is remembered.
     */
    public Trap runLoop(int iterations, Consumer<Asm> body) {
        Asm a = new Asm();
        a.li(T6, iterations);
        a.label("__loop");
        body.accept(a);
        a.i(addi(T6, T6, -1));
        a.bne(T6, ZERO, "__loop");
        a.i(ecall());
        long va = load(a.assemble());
        lastLoopHead = va + a.labelPos("__loop");
        lastProgramVa = va;
        hart.setPc(va);
        return hart.run();
    }

    /** {@link #runLoop} that must end in the final ecall; with translation on, checks the loop was translated. */
    public void runHot(Consumer<Asm> body) {
        Trap t = runLoop(HOT, body);
        expectEcall(t);
        if (jit) assertLoopTranslated();
    }

    /** Asserts that the head of the last {@link #runLoop} got a translated block (if it can have one). */
    public void assertLoopTranslated() {
        long pa = pa(lastLoopHead);
        if (JitProbe.translatableAt(machine, pa))
            assertTrue(JitProbe.blockAt(machine, pa), "hot loop head was not translated");
    }

    public long lastLoopHead() { return lastLoopHead; }
    /** Load address of the last {@link #runLoop} program. */
    public long lastProgramVa() { return lastProgramVa; }

    public static void expectEcall(Trap t) {
        assertEquals(Trap.ECALL_FROM_U, t.cause(), () -> "expected ecall, got " + t.describe());
    }

    /**
     * Runs {@code insn} (reads A0 and A1, writes A2) once for every pair {@code (a[k], b[k])},
     * taking operands from a table in guest memory, in passes repeated until the loop is hot
     * (translated, with translation on); returns the results of the last pass.
     */
    public long[] sweep(int insn, long[] a, long[] b) {
        int n = a.length;
        if (b.length != n) throw new IllegalArgumentException("operand arrays differ in length");
        long in = alloc(16 * n), out = alloc(8 * n);
        long[] table = new long[2 * n];
        for (int k = 0; k < n; k++) { table[2 * k] = a[k]; table[2 * k + 1] = b[k]; }
        writeLongs(in, table);
        int passes = Math.max(3, 2 + 2 * JitProbe.threshold() / Math.max(1, n - 1));
        int[] innerPos = new int[1];
        Trap t = runLoop(passes, as -> {
            as.li(S0, in).li(S1, out).li(S2, n);
            innerPos[0] = as.pos();
            as.label("inner");
            as.i(ld(A0, S0, 0), ld(A1, S0, 8), insn, sd(A2, S1, 0));
            as.i(addi(S0, S0, 16), addi(S1, S1, 8), addi(S2, S2, -1));
            as.bne(S2, ZERO, "inner");
        });
        expectEcall(t);
        if (jit) {
            long head = lastProgramVa + innerPos[0];
            assertTrue(JitProbe.blockAt(machine, pa(head)), "sweep loop was not translated");
        }
        return readLongs(out, n);
    }

    /** All pairs of {@code values}: returns {a[], b[]}. */
    public static long[][] pairs(long[] values) {
        int n = values.length;
        long[] a = new long[n * n], b = new long[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { a[i * n + j] = values[i]; b[i * n + j] = values[j]; }
        return new long[][] {a, b};
    }

    /** Runs one instruction reading A0, A1 and writing A2 in a hot loop; returns A2. */
    public long compute(int insn, long a0, long a1) {
        setX(A0, a0);
        setX(A1, a1);
        setX(A2, 0x5A5A5A5A5A5A5A5AL);
        runHot(a -> a.i(insn));
        assertEquals(a0, x(A0), "input register A0 clobbered");
        assertEquals(a1, x(A1), "input register A1 clobbered");
        return x(A2);
    }
}
