package fornax.machine.cpu;

import fornax.machine.mem.PhysicalMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Decoded instructions, one {@link CodePage} per physical 4 KiB page, shared by all harts.
 *
 * <p>Implementation notes. A page is decoded eagerly and completely (at every 2-byte offset) the
 * first time any hart fetches from it, then published with a CAS; after that it is immutable, so
 * harts read it without locks. Guest stores do not invalidate it: as on real RISC-V, a program
 * that writes code must execute FENCE.I (or ask the kernel for riscv_flush_icache), which drops
 * the whole cache. Kernel-side writes to RAM (loading an ELF, zeroing or copying a frame) go
 * through {@link PhysicalMemory}, which reports them here and drops the pages they touch.
 */
public final class CodeCache {
    static final int SLOTS = 2048;
    private static final VarHandle PAGES = MethodHandles.arrayElementVarHandle(CodePage[].class);
    private static final VarHandle GENERATIONS = MethodHandles.arrayElementVarHandle(int[].class);

    private final PhysicalMemory ram;
    /** Indexed by (pa - ram.base) >>> 12; null = not decoded. Elements are CAS-published. */
    private final CodePage[] pages;
    /**
     * Bumped by every invalidation of a page, so a decode that raced with a kernel write (read
     * the old bytes, published after the invalidation ran) notices and is thrown away.
     */
    private final int[] generations;

    /** One decoded physical page. {@code word[i]}/{@code imm[i]} describe the instruction at byte 2*i. */
    static final class CodePage {
        final int[] word = new int[SLOTS];
        final int[] imm = new int[SLOTS];
        /** Translated blocks by start slot; racy publication is fine (blocks are immutable). */
        final CompiledBlock[] blocks = new CompiledBlock[SLOTS];
        /** Times each slot was entered by the interpreter; -1 = not translatable. */
        final short[] heat = new short[SLOTS];
        /** Set when the frame's contents changed: fetch TLBs holding this page must refill. */
        volatile boolean stale;
    }

    public CodeCache(PhysicalMemory ram) {
        this.ram = ram;
        this.pages = new CodePage[(int) (ram.size() >>> 12)];
        this.generations = new int[pages.length];
        ram.setWriteObserver(this::invalidate);
    }

    /** The decoded page for 4 KiB-aligned physical address {@code pa} (inside RAM). */
    CodePage page(long pa) {
        int i = (int) ((pa - ram.base()) >>> 12);
        for (;;) {
            CodePage p = pages[i];
            if (p != null) return p;
            int generation = (int) GENERATIONS.getVolatile(generations, i);
            CodePage fresh = decode(pa);
            CodePage won = (CodePage) PAGES.compareAndExchange(pages, i, (CodePage) null, fresh);
            if (won != null) return won;
            if ((int) GENERATIONS.getVolatile(generations, i) == generation) return fresh;
            // The frame was written while we decoded it: drop what we published and decode again.
            fresh.stale = true;
            PAGES.compareAndSet(pages, i, fresh, (CodePage) null);
        }
    }

    private CodePage decode(long pa) {
        java.lang.foreign.MemorySegment chunk = ram.chunk(pa);
        int base = PhysicalMemory.offset(pa);
        CodePage p = new CodePage();
        for (int i = 0; i < SLOTS; i++) {
            int lo = chunk.get(PhysicalMemory.U16, base + 2 * i) & 0xFFFF;
            long d;
            if ((lo & 3) == 3) {
                if (i == SLOTS - 1) {
                    p.word[i] = Op.CROSS_PAGE;
                    continue;
                }
                d = Decoder.decode32(chunk.get(PhysicalMemory.U32, base + 2 * i));
            } else {
                d = Decoder.decode16(lo);
            }
            p.word[i] = (int) d;
            p.imm[i] = (int) (d >>> 32);
        }
        return p;
    }

    /** Drops decoded pages overlapping [pa, pa+len). */
    public void invalidate(long pa, long len) {
        if (len <= 0) return;
        long first = (pa - ram.base()) >>> 12, last = (pa + len - 1 - ram.base()) >>> 12;
        for (long i = Math.max(first, 0); i <= last && i < pages.length; i++) {
            GENERATIONS.getAndAdd(generations, (int) i, 1);
            CodePage p = pages[(int) i];
            if (p != null) {
                p.stale = true;
                PAGES.setRelease(pages, (int) i, (CodePage) null);
            }
        }
    }

    /** Drops everything (FENCE.I). */
    public void invalidateAll() {
        for (int i = 0; i < pages.length; i++) {
            GENERATIONS.getAndAdd(generations, i, 1);
            CodePage p = pages[i];
            if (p != null) {
                p.stale = true;
                PAGES.setRelease(pages, i, (CodePage) null);
            }
        }
    }
}
