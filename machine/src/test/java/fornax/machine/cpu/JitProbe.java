package fornax.machine.cpu;

import fornax.machine.Machine;

/** Test-only window into the code cache: was a block translated at a physical address? */
public final class JitProbe {
    private JitProbe() { }

    /** The hotness threshold after which a block is translated. */
    public static int threshold() { return Hart.JIT_THRESHOLD; }

    /** True if a translated block starts at physical address {@code pa} (decodes the page if needed). */
    public static boolean blockAt(Machine m, long pa) {
        CodeCache.CodePage p = m.codeCache().page(pa & ~0xFFFL);
        return p.blocks[((int) pa & 0xFFF) >>> 1] != null;
    }

    /** The decoded page object for the frame at {@code pa} (decoding it if needed): identity tells reuse. */
    public static Object decodedPage(Machine m, long pa) { return m.codeCache().page(pa & ~0xFFFL); }

    /** Number of guest instructions in the block at {@code pa}, or 0. */
    public static int blockLength(Machine m, long pa) {
        CodeCache.CodePage p = m.codeCache().page(pa & ~0xFFFL);
        CompiledBlock b = p.blocks[((int) pa & 0xFFF) >>> 1];
        return b == null ? 0 : b.length;
    }

    /** True if the instruction at {@code pa} may start a translated block. */
    public static boolean translatableAt(Machine m, long pa) {
        CodeCache.CodePage p = m.codeCache().page(pa & ~0xFFFL);
        return BlockCompiler.translatable(p.word[((int) pa & 0xFFF) >>> 1] & 0xFF);
    }
}
