package fornax.machine.cpu;

import static fornax.machine.cpu.Op.*;
import static java.lang.constant.ConstantDescs.*;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;

/**
 * Translates hot basic blocks of decoded RV64 code into JVM bytecode, one hidden class per block,
 * which HotSpot then compiles to host code: the "later a translator to JVM bytecode" of the design.
 *
 * <p>A block starts where control arrives (a branch or jump target, or the instruction after one)
 * and runs straight-line until a branch or jump (included), an instruction the translator leaves to
 * the interpreter (ecall, ebreak, CSRs, atomics, fence.i, illegal), the end of the 4 KiB page, or
 * {@value #MAX_LENGTH} instructions. It never crosses a page, so the decoded page it came from
 * (and its invalidation on FENCE.I) governs its lifetime too.
 *
 * <p>Integer registers are cached in JVM locals: loaded from {@code x[]} at first use, written back
 * ("flushed") before anything that can trap or look at {@code x[]} (memory accesses, FP helpers)
 * and at the exit. Before each instruction that can trap the block stores its pc in
 * {@code hart.pc}, which makes traps precise. FP registers stay in {@code f[]}; FP arithmetic calls
 * the interpreter's own {@code Hart.fp}, so rounding and flags have one implementation.
 *
 * <p>Thread safety: stateless; {@link #compile} may run on any hart's thread.
 */
final class BlockCompiler {
    static final int MAX_LENGTH = 64;

    private static final ClassDesc CD_HART = ClassDesc.of("fornax.machine.cpu.Hart");
    private static final ClassDesc CD_BLOCK = ClassDesc.of("fornax.machine.cpu.CompiledBlock");
    private static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_long, CD_HART, CD_LONG_ARRAY, CD_LONG_ARRAY);
    private static final MethodTypeDesc MTD_INIT = MethodTypeDesc.of(CD_void, CD_int);
    private static final int H = 1, X = 2, F = 3, TEMP = 4, REG_BASE = 6;
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    private BlockCompiler() { }

    /** True for instructions a block may contain (the last may be a branch or jump). */
    static boolean translatable(int op) {
        return op >= LUI && op <= MUL + 12 && op != FENCE_I && op != ECALL && op != EBREAK
                || op >= FLW && op <= FMV_D_X;
    }

    static boolean endsBlock(int op) {
        return op == JAL || op == JALR || (op >= BEQ && op <= BGEU);
    }

    /**
     * Compiles the block at byte offset {@code 2 * slot} of {@code page}, whose first instruction
     * is at guest address {@code pc}; null if the first instruction cannot be translated.
     */
    static CompiledBlock compile(CodeCache.CodePage page, int slot, long pc) {
        int[] words = page.word, imms = page.imm;
        int n = 0;
        for (int s = slot; s < CodeCache.SLOTS && n < MAX_LENGTH; ) {
            int op = words[s] & 0xFF;
            if (!translatable(op)) break;
            n++;
            if (endsBlock(op)) break;
            s += Op.len(words[s]) >>> 1;
        }
        if (n == 0) return null;
        final int count = n;
        byte[] bytes = ClassFile.of().build(ClassDesc.of("fornax.machine.cpu.Block"), clb -> {
            clb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
            clb.withSuperclass(CD_BLOCK);
            clb.withMethodBody(INIT_NAME, MTD_INIT, ClassFile.ACC_PUBLIC, cb -> {
                cb.aload(0).iload(1).invokespecial(CD_BLOCK, INIT_NAME, MTD_INIT).return_();
            });
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_FINAL, cb ->
                    new Emitter(cb).block(words, imms, slot, pc, count));
        });
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, int.class));
            return (CompiledBlock) ctor.invoke(count);
        } catch (Throwable e) {
            throw new IllegalStateException("block translation failed at pc " + Long.toHexString(pc), e);
        }
    }

    /** Emits one block's bytecode, tracking which registers live in locals. */
    private static final class Emitter {
        private final CodeBuilder cb;
        private final boolean[] loaded = new boolean[32], dirty = new boolean[32];

        Emitter(CodeBuilder cb) { this.cb = cb; }

        private static int local(int r) { return REG_BASE + 2 * (r - 1); }

        /** Pushes integer register r (x0 reads as 0). */
        private void read(int r) {
            if (r == 0) { cb.lconst_0(); return; }
            if (!loaded[r]) {
                cb.aload(X).loadConstant(r).laload().lstore(local(r));
                loaded[r] = true;
            }
            cb.lload(local(r));
        }

        /** Pops a long into integer register rd (the sink register discards it). */
        private void write(int rd) {
            if (rd == RD_SINK || rd == 0) { cb.pop2(); return; }
            cb.lstore(local(rd));
            loaded[rd] = true;
            dirty[rd] = true;
        }

        /** Writes every changed register back to x[]. */
        private void flush() {
            for (int r = 1; r < 32; r++) {
                if (dirty[r]) {
                    cb.aload(X).loadConstant(r).lload(local(r)).lastore();
                    dirty[r] = false;
                }
            }
        }

        /** Before an instruction that may trap: pc for the trap, registers up to date. */
        private void precise(long pc) {
            flush();
            cb.aload(H).loadConstant(pc).putfield(CD_HART, "pc", CD_long);
        }

        private void address(int rs1, int imm) {
            read(rs1);
            if (imm != 0) cb.loadConstant((long) imm).ladd();
        }

        private void callHart(String name, ClassDesc ret, ClassDesc... args) {
            cb.invokevirtual(CD_HART, name, MethodTypeDesc.of(ret, args));
        }

        private void sltResult() { cb.bipush(31).iushr().i2l(); }   // lcmp/compare < 0 → 1, else 0

        void block(int[] words, int[] imms, int slot, long pc, int count) {
            for (int i = 0; i < count; i++) {
                int w = words[slot], imm = imms[slot];
                int op = w & 0xFF, rd = Op.rd(w), rs1 = Op.rs1(w), rs2 = Op.rs2(w), len = Op.len(w);
                if (endsBlock(op)) { branch(op, rd, rs1, rs2, imm, pc, len); return; }
                instruction(op, w, rd, rs1, rs2, imm, pc);
                pc += len;
                slot += len >>> 1;
            }
            flush();
            cb.loadConstant(pc).lreturn();
        }

        private void branch(int op, int rd, int rs1, int rs2, int imm, long pc, int len) {
            if (op == JAL) {
                cb.loadConstant(pc + len);
                write(rd);
                flush();
                cb.loadConstant(pc + imm).lreturn();
                return;
            }
            if (op == JALR) {
                read(rs1);
                cb.loadConstant((long) imm).ladd().loadConstant(~1L).land().lstore(TEMP);
                cb.loadConstant(pc + len);
                write(rd);
                flush();
                cb.lload(TEMP).lreturn();
                return;
            }
            flush();
            read(rs1);
            read(rs2);
            Label notTaken = cb.newLabel();
            switch (op) {
                case BEQ -> cb.lcmp().ifne(notTaken);
                case BNE -> cb.lcmp().ifeq(notTaken);
                case BLT -> cb.lcmp().ifge(notTaken);
                case BGE -> cb.lcmp().iflt(notTaken);
                case BLTU -> { cb.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long)); cb.ifge(notTaken); }
                default -> { cb.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long)); cb.iflt(notTaken); }
            }
            cb.loadConstant(pc + imm).lreturn();
            cb.labelBinding(notTaken);
            cb.loadConstant(pc + len).lreturn();
        }

        private void instruction(int op, int w, int rd, int rs1, int rs2, int imm, long pc) {
            switch (op) {
                case LUI -> { cb.loadConstant((long) imm); write(rd); }
                case AUIPC -> { cb.loadConstant(pc + imm); write(rd); }
                case ADDI -> { read(rs1); if (imm != 0) cb.loadConstant((long) imm).ladd(); write(rd); }
                case SLTI -> { read(rs1); cb.loadConstant((long) imm).lcmp(); sltResult(); write(rd); }
                case SLTIU -> { read(rs1); cb.loadConstant((long) imm); unsignedLess(); write(rd); }
                case XORI -> { read(rs1); cb.loadConstant((long) imm).lxor(); write(rd); }
                case ORI -> { read(rs1); cb.loadConstant((long) imm).lor(); write(rd); }
                case ANDI -> { read(rs1); cb.loadConstant((long) imm).land(); write(rd); }
                case SLLI -> { read(rs1); cb.loadConstant(imm).lshl(); write(rd); }
                case SRLI -> { read(rs1); cb.loadConstant(imm).lushr(); write(rd); }
                case SRAI -> { read(rs1); cb.loadConstant(imm).lshr(); write(rd); }
                case ADD -> { read(rs1); read(rs2); cb.ladd(); write(rd); }
                case SUB -> { read(rs1); read(rs2); cb.lsub(); write(rd); }
                case SLL -> { read(rs1); read(rs2); cb.l2i().lshl(); write(rd); }
                case SLT -> { read(rs1); read(rs2); cb.lcmp(); sltResult(); write(rd); }
                case SLTU -> { read(rs1); read(rs2); unsignedLess(); write(rd); }
                case XOR -> { read(rs1); read(rs2); cb.lxor(); write(rd); }
                case SRL -> { read(rs1); read(rs2); cb.l2i().lushr(); write(rd); }
                case SRA -> { read(rs1); read(rs2); cb.l2i().lshr(); write(rd); }
                case OR -> { read(rs1); read(rs2); cb.lor(); write(rd); }
                case AND -> { read(rs1); read(rs2); cb.land(); write(rd); }
                case ADDIW -> { read(rs1); cb.loadConstant((long) imm).ladd().l2i().i2l(); write(rd); }
                case SLLIW -> { read(rs1); cb.l2i().loadConstant(imm).ishl().i2l(); write(rd); }
                case SRLIW -> { read(rs1); cb.l2i().loadConstant(imm).iushr().i2l(); write(rd); }
                case SRAIW -> { read(rs1); cb.l2i().loadConstant(imm).ishr().i2l(); write(rd); }
                case ADDW -> { read(rs1); read(rs2); cb.ladd().l2i().i2l(); write(rd); }
                case SUBW -> { read(rs1); read(rs2); cb.lsub().l2i().i2l(); write(rd); }
                case SLLW -> { read(rs1); cb.l2i(); read(rs2); cb.l2i().ishl().i2l(); write(rd); }
                case SRLW -> { read(rs1); cb.l2i(); read(rs2); cb.l2i().iushr().i2l(); write(rd); }
                case SRAW -> { read(rs1); cb.l2i(); read(rs2); cb.l2i().ishr().i2l(); write(rd); }
                case MUL -> { read(rs1); read(rs2); cb.lmul(); write(rd); }
                case MULW -> { read(rs1); cb.l2i(); read(rs2); cb.l2i().imul().i2l(); write(rd); }
                case MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, DIVW, DIVUW, REMW, REMUW -> {
                    cb.loadConstant(op);
                    read(rs1);
                    read(rs2);
                    cb.invokestatic(CD_HART, "muldiv", MethodTypeDesc.of(CD_long, CD_int, CD_long, CD_long));
                    write(rd);
                }
                case LB, LBU -> load(pc, rs1, imm, "load8", CD_byte, op == LBU ? 0xFFL : 0, rd);
                case LH, LHU -> load(pc, rs1, imm, "load16", CD_short, op == LHU ? 0xFFFFL : 0, rd);
                case LW, LWU -> load(pc, rs1, imm, "load32", CD_int, op == LWU ? 0xFFFFFFFFL : 0, rd);
                case LD -> load(pc, rs1, imm, "load64", CD_long, 0, rd);
                case SB -> { precise(pc); cb.aload(H); address(rs1, imm); read(rs2); cb.l2i().i2b(); callHart("store8", CD_void, CD_long, CD_byte); }
                case SH -> { precise(pc); cb.aload(H); address(rs1, imm); read(rs2); cb.l2i().i2s(); callHart("store16", CD_void, CD_long, CD_short); }
                case SW -> { precise(pc); cb.aload(H); address(rs1, imm); read(rs2); cb.l2i(); callHart("store32", CD_void, CD_long, CD_int); }
                case SD -> { precise(pc); cb.aload(H); address(rs1, imm); read(rs2); callHart("store64", CD_void, CD_long, CD_long); }
                case FLD -> {
                    precise(pc);
                    cb.aload(F).loadConstant(rd).aload(H);
                    address(rs1, imm);
                    callHart("load64", CD_long, CD_long);
                    cb.lastore();
                }
                case FLW -> {
                    precise(pc);
                    cb.aload(F).loadConstant(rd).loadConstant(0xFFFFFFFF00000000L).aload(H);
                    address(rs1, imm);
                    callHart("load32", CD_int, CD_long);
                    cb.i2l().loadConstant(0xFFFFFFFFL).land().lor().lastore();
                }
                case FSD -> {
                    precise(pc);
                    cb.aload(H);
                    address(rs1, imm);
                    cb.aload(F).loadConstant(rs2).laload();
                    callHart("store64", CD_void, CD_long, CD_long);
                }
                case FSW -> {
                    precise(pc);
                    cb.aload(H);
                    address(rs1, imm);
                    cb.aload(F).loadConstant(rs2).laload().l2i();
                    callHart("store32", CD_void, CD_long, CD_int);
                }
                case FENCE -> cb.invokestatic(ClassDesc.of("java.lang.invoke.VarHandle"), "fullFence", MethodTypeDesc.of(CD_void));
                default -> {
                    // FP arithmetic, conversions, moves: the interpreter's implementation, which
                    // reads and writes x[] and f[] directly, so registers are synced around it.
                    precise(pc);
                    cb.aload(H).loadConstant(op).loadConstant(w).loadConstant(imm);
                    callHart("fp", CD_void, CD_int, CD_int, CD_int);
                    java.util.Arrays.fill(loaded, false);
                }
            }
        }

        private void unsignedLess() {
            cb.invokestatic(CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long));
            sltResult();
        }

        private void load(long pc, int rs1, int imm, String method, ClassDesc type, long zeroExtendMask, int rd) {
            precise(pc);
            cb.aload(H);
            address(rs1, imm);
            callHart(method, type, CD_long);
            if (type != CD_long) cb.i2l();
            if (zeroExtendMask != 0) cb.loadConstant(zeroExtendMask).land();
            write(rd);
        }
    }
}
