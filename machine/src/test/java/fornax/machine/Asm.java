package fornax.machine;

import static fornax.machine.Rv.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * A tiny assembler for test programs: emits 32- and 16-bit instructions (encoded with {@link Rv})
 * and resolves pc-relative label references. Addresses in the program are byte offsets from its
 * first instruction; the program is position independent unless it loads absolute addresses itself.
 */
public final class Asm {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<Fixup> fixups = new ArrayList<>();

    /** An instruction at {@code pos} whose encoding depends on the offset to {@code label}. */
    private record Fixup(int pos, int anchor, String label, boolean compressed, IntUnaryOperator encode) { }

    /** Byte offset of the next instruction. */
    public int pos() { return out.size(); }

    /** Emits a 32-bit instruction. */
    public Asm i(int insn) {
        for (int k = 0; k < 4; k++) out.write(insn >>> (8 * k));
        return this;
    }

    /** Emits several 32-bit instructions. */
    public Asm i(int... insns) {
        for (int w : insns) i(w);
        return this;
    }

    /** Emits a 16-bit (compressed) instruction. */
    public Asm c(int insn16) {
        out.write(insn16);
        out.write(insn16 >>> 8);
        return this;
    }

    /** Emits raw data bytes. */
    public Asm bytes(byte... b) {
        out.writeBytes(b);
        return this;
    }

    public Asm label(String name) {
        if (labels.putIfAbsent(name, pos()) != null) throw new IllegalArgumentException("duplicate label " + name);
        return this;
    }

    public int labelPos(String name) {
        Integer p = labels.get(name);
        if (p == null) throw new IllegalArgumentException("no label " + name);
        return p;
    }

    private Asm ref(String label, IntUnaryOperator encode) {
        fixups.add(new Fixup(pos(), pos(), label, false, encode));
        return i(0);
    }

    private Asm refC(String label, IntUnaryOperator encode) {
        fixups.add(new Fixup(pos(), pos(), label, true, encode));
        return c(0);
    }

    public Asm beq(int rs1, int rs2, String l) { return ref(l, off -> Rv.beq(rs1, rs2, off)); }
    public Asm bne(int rs1, int rs2, String l) { return ref(l, off -> Rv.bne(rs1, rs2, off)); }
    public Asm blt(int rs1, int rs2, String l) { return ref(l, off -> Rv.blt(rs1, rs2, off)); }
    public Asm bge(int rs1, int rs2, String l) { return ref(l, off -> Rv.bge(rs1, rs2, off)); }
    public Asm bltu(int rs1, int rs2, String l) { return ref(l, off -> Rv.bltu(rs1, rs2, off)); }
    public Asm bgeu(int rs1, int rs2, String l) { return ref(l, off -> Rv.bgeu(rs1, rs2, off)); }
    public Asm jal(int rd, String l) { return ref(l, off -> Rv.jal(rd, off)); }
    public Asm j(String l) { return jal(ZERO, l); }
    public Asm cj(String l) { return refC(l, Rv::cJ); }
    public Asm cbeqz(int rs1p, String l) { return refC(l, off -> Rv.cBeqz(rs1p, off)); }
    public Asm cbnez(int rs1p, String l) { return refC(l, off -> Rv.cBnez(rs1p, off)); }

    /** rd = address of label (auipc + addi). */
    public Asm la(int rd, String l) {
        int anchor = pos();
        fixups.add(new Fixup(pos(), anchor, l, false, off -> Rv.auipc(rd, (off + 0x800) >> 12)));
        i(0);
        fixups.add(new Fixup(pos(), anchor, l, false, off -> Rv.addi(rd, rd, (off << 20) >> 20)));
        return i(0);
    }

    /** rd = v, for any 64-bit v (lui/addiw/slli/addi sequence). */
    public Asm li(int rd, long v) {
        if (v == (int) v) {
            int lo = (int) (v << 52 >> 52);
            int hi = (int) ((v - lo) >> 12) & 0xFFFFF;
            if (hi == 0) return i(addi(rd, ZERO, lo));
            i(lui(rd, hi));
            return lo == 0 ? this : i(addiw(rd, rd, lo));
        }
        long lo = v << 52 >> 52;
        long hi = (v - lo) >> 12;
        int shift = 12 + Long.numberOfTrailingZeros(hi);
        hi >>= shift - 12;
        li(rd, hi);
        i(slli(rd, rd, shift));
        return lo == 0 ? this : i(addi(rd, rd, (int) lo));
    }

    /** The assembled program. */
    public byte[] assemble() {
        byte[] b = out.toByteArray();
        for (Fixup f : fixups) {
            int off = labelPos(f.label) - f.anchor;
            int w = f.encode.applyAsInt(off);
            int n = f.compressed ? 2 : 4;
            for (int k = 0; k < n; k++) b[f.pos + k] = (byte) (w >>> (8 * k));
        }
        return b;
    }
}
