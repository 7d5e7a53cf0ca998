package fornax.machine.cpu;

import static fornax.machine.cpu.Op.*;
import static java.lang.constant.ConstantDescs.*;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Translates hot guest code into JVM bytecode, one hidden class per region, which HotSpot then
 * compiles to host code: the "translator to JVM bytecode" of the design.
 *
 * <p>A region starts at a hot entry point and takes in every instruction reachable from it inside
 * the same 4 KiB page through fall-through, conditional branches and direct jumps, up to
 * {@value #MAX_INSNS} instructions. Branches between instructions of the region become JVM jumps,
 * so a guest loop becomes a JVM loop. Control leaves the region (returning the next guest pc) at
 * indirect jumps (JALR), at targets outside the page or region, before instructions left to the
 * interpreter (ecall, ebreak, CSRs, atomics, fence.i, illegal, page-crossing) and, on backward
 * branches, once {@value #BUDGET} instructions have run, so timer interrupts are still seen.
 *
 * <pre>
 *   run(h, x, f):  load used x[i] into locals; tpc = entry; count = 0
 *     try {  L_a: insn; count++; insn; count++; branch → L_a / L_b / return pc ... }
 *     catch (TrapException t) { x[i] = locals (written ones); h.pc = tpc; h.blockInsns = count; throw t; }
 * </pre>
 *
 * <p>Integer registers live in JVM locals for the whole region, loaded at entry and written back
 * at every exit. Instructions that can trap store their pc in a local first, and the handler
 * writes everything back, so traps are precise without flushing registers before each access.
 * FP registers stay in {@code f[]}; FP arithmetic calls the interpreter's {@code Hart.fp}, so
 * rounding and flags have one implementation, with the integer register it reads written back
 * before the call and the one it writes reloaded after it.
 *
 * <p>Thread safety: stateless; {@link #compile} may run on any hart's thread.
 */
final class BlockCompiler {
    static final int MAX_INSNS = Integer.getInteger("fornax.jit.region", 256);
    /**
     * Bytecode budget of a region (estimated). HotSpot does not compile methods over 8000 bytes of
     * bytecode, and a region it would not compile is slower than the interpreter.
     */
    static final int MAX_BYTECODE = Integer.getInteger("fornax.jit.bytecode", 3000);
    static final int BUDGET = 8192;


    private static final ClassDesc CD_HART = ClassDesc.of("fornax.machine.cpu.Hart");
    private static final ClassDesc CD_BLOCK = ClassDesc.of("fornax.machine.cpu.CompiledBlock");
    private static final ClassDesc CD_TRAP = ClassDesc.of("fornax.machine.cpu.TrapException");
    private static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_long, CD_HART, CD_LONG_ARRAY, CD_LONG_ARRAY, CD_int, CD_long);
    private static final MethodTypeDesc MTD_INIT = MethodTypeDesc.of(CD_void, CD_int);
    private static final MethodTypeDesc MTD_CMPU = MethodTypeDesc.of(CD_int, CD_long, CD_long);
    private static final int H = 1, X = 2, F = 3, ENTRY = 4, BASE = 5, TPC = 7, COUNT = 9, TEMP = 10, REG_BASE = 12;
    /** Local after the registers: the address of a memory access. */
    private static final int VA = 74;
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassFile CLASSFILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            ClassHierarchyResolver.defaultResolver().orElse(
                    ClassHierarchyResolver.ofClassLoading(BlockCompiler.class.getClassLoader()))));

    private BlockCompiler() { }

    /** Instructions a region may contain. */
    static boolean translatable(int op) {
        return op >= LUI && op <= REMUW && op != FENCE_I && op != ECALL && op != EBREAK
                || op >= FLW && op <= FMV_D_X;
    }

    static boolean isBranch(int op) { return op >= BEQ && op <= BGEU; }

    static boolean isMemory(int op) {
        return op >= LB && op <= SD || op == FLW || op == FSW || op == FLD || op == FSD;
    }

    /** FP operations whose destination is an integer register. */
    static boolean fpWritesInt(int op) {
        return switch (op) {
            case FCVT_W_S, FCVT_WU_S, FMV_X_W, FEQ_S, FLT_S, FLE_S, FCLASS_S, FCVT_L_S, FCVT_LU_S,
                 FEQ_D, FLT_D, FLE_D, FCLASS_D, FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D, FMV_X_D -> true;
            default -> false;
        };
    }

    /** FP operations whose source is an integer register (rs1). */
    static boolean fpReadsInt(int op) {
        return switch (op) {
            case FCVT_S_W, FCVT_S_WU, FMV_W_X, FCVT_S_L, FCVT_S_LU,
                 FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU, FMV_D_X -> true;
            default -> false;
        };
    }

    /** The region's instructions: which slots, which are jump targets, which may be entered. */
    private record Region(int entry, BitSet slots, BitSet targets, BitSet loopHeads, BitSet used, BitSet written) {
        /**
         * Entry points: the first instruction, and the heads of loops closed inside the region
         * (where the region leaves when its time budget runs out, and is re-entered).
         */
        BitSet entries() {
            BitSet e = (BitSet) loopHeads.clone();
            e.and(slots);
            e.set(entry);
            return e;
        }
    }

    private static Region discover(int[] words, int[] imms, int entry) {
        BitSet slots = new BitSet(CodeCache.SLOTS), targets = new BitSet(CodeCache.SLOTS);
        BitSet loopHeads = new BitSet(CodeCache.SLOTS);
        BitSet used = new BitSet(32), written = new BitSet(32);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(entry);
        targets.set(entry);
        int count = 0, cost = 0;
        while (!work.isEmpty() && count < MAX_INSNS && cost < MAX_BYTECODE) {
            int s = work.poll();
            while (s >= 0 && s < CodeCache.SLOTS && !slots.get(s) && count < MAX_INSNS && cost < MAX_BYTECODE) {
                int w = words[s], op = w & 0xFF;
                if (!translatable(op)) break;
                slots.set(s);
                count++;
                cost += isMemory(op) ? 30 : 24;
                noteRegisters(w, op, used, written);
                int next = s + (Op.len(w) >>> 1);
                if (op == JALR) break;
                if (op == JAL || isBranch(op)) {
                    int t = s + (imms[s] >> 1);
                    if (t >= 0 && t < CodeCache.SLOTS) {
                        targets.set(t);
                        work.add(t);
                        if (t <= s) loopHeads.set(t);
                    }
                    if (op == JAL) break;
                    targets.set(next);
                }
                s = next;
            }
        }
        return new Region(entry, slots, targets, loopHeads, used, written);
    }

    private static void noteRegisters(int w, int op, BitSet used, BitSet written) {
        int rd = Op.rd(w), rs1 = Op.rs1(w), rs2 = Op.rs2(w);
        boolean fpOp = op >= FLW;
        if (!fpOp) {
            if (rd != 0 && rd != RD_SINK) { used.set(rd); written.set(rd); }
            used.set(rs1);
            used.set(rs2);
        } else {
            used.set(rs1);                                   // FP loads/stores and int→FP sources
            if (fpWritesInt(op) && rd != RD_SINK) { used.set(rd); written.set(rd); }
        }
        used.clear(0);
    }

    /**
     * Compiles the region entered at byte offset {@code 2 * slot} of {@code page}, guest address
     * {@code pc}; null if the instruction there cannot be translated.
     */
    static CompiledBlock compile(CodeCache.CodePage page, int slot, long pc) {
        int[] words = page.word, imms = page.imm;
        if (!translatable(words[slot] & 0xFF)) return null;
        Region region = discover(words, imms, slot);
        long pageBase = pc - 2L * slot;
        byte[] bytes = CLASSFILE.build(ClassDesc.of("fornax.machine.cpu.Block"), clb -> {
            clb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
            clb.withSuperclass(CD_BLOCK);
            clb.withMethodBody(INIT_NAME, MTD_INIT, ClassFile.ACC_PUBLIC,
                    cb -> cb.aload(0).iload(1).invokespecial(CD_BLOCK, INIT_NAME, MTD_INIT).return_());
            clb.withMethodBody("run", MTD_RUN, ClassFile.ACC_FINAL,
                    cb -> new Emitter(cb, words, imms, region, pageBase).region(slot));
        });
        CompiledBlock block;
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, int.class));
            block = (CompiledBlock) ctor.invoke(region.slots().cardinality());
        } catch (Throwable e) {
            throw new IllegalStateException("translation failed at pc " + Long.toHexString(pc), e);
        }
        // Every entry point of the region leads into it, so a loop head that the region left (its
        // time budget ran out) is re-entered here instead of being translated a second time.
        for (int t = region.entries().nextSetBit(0); t >= 0; t = region.entries().nextSetBit(t + 1))
            if (page.blocks[t] == null) page.blocks[t] = block;
        return block;
    }

    /** Emits one region's bytecode. */
    private static final class Emitter {
        private final CodeBuilder cb;
        private final int[] words, imms;
        private final Region region;
        private final long pageBase;
        private final Label[] labels = new Label[CodeCache.SLOTS];

        Emitter(CodeBuilder cb, int[] words, int[] imms, Region region, long pageBase) {
            this.cb = cb;
            this.words = words;
            this.imms = imms;
            this.region = region;
            this.pageBase = pageBase;
        }

        private static int local(int r) { return REG_BASE + 2 * (r - 1); }

        private Label label(int slot) {
            if (labels[slot] == null) labels[slot] = cb.newLabel();
            return labels[slot];
        }

        private long pcOf(int slot) { return pageBase + 2L * slot; }

        /**
         * Pushes guest address {@code pc}. A decoded page is shared by every virtual address that
         * maps its frame, so the region is position-independent: addresses are computed from the
         * page's virtual base, passed in at run time.
         */
        private void pushPc(long pc) {
            cb.lload(BASE);
            if (pc != pageBase) cb.loadConstant(pc - pageBase).ladd();
        }

        private void read(int r) {
            if (r == 0) cb.lconst_0();
            else cb.lload(local(r));
        }

        private void write(int rd) {
            if (rd == RD_SINK || rd == 0) cb.pop2();
            else cb.lstore(local(rd));
        }

        private void writeBack() {
            for (int r = region.written().nextSetBit(1); r > 0; r = region.written().nextSetBit(r + 1))
                cb.aload(X).loadConstant(r).lload(local(r)).lastore();
        }

        private void exit(long pc) {
            writeBack();
            cb.aload(H).iload(COUNT).putfield(CD_HART, "blockInsns", CD_int);
            pushPc(pc);
            cb.lreturn();
        }

        /** Jump to the instruction at {@code target} (inside the region) or leave with its pc. */
        private void jump(int fromSlot, int target) {
            if (target < 0 || target >= CodeCache.SLOTS || !region.slots().get(target)) {
                exit(pcOf(target));
                return;
            }
            if (target <= fromSlot) {   // backward edge: bound the time spent in the region
                Label stay = cb.newLabel();
                cb.iload(COUNT).loadConstant(BUDGET).if_icmplt(stay);
                exit(pcOf(target));
                cb.labelBinding(stay);
            }
            cb.goto_(label(target));
        }

        void region(int entry) {
            for (int r = region.used().nextSetBit(1); r > 0; r = region.used().nextSetBit(r + 1))
                cb.aload(X).loadConstant(r).laload().lstore(local(r));
            pushPc(pcOf(entry));
            cb.lstore(TPC);
            cb.iconst_0().istore(COUNT);
            // The hart's TLB for this address space cannot change while the region runs (satp and
            // sfence.vma happen between runs), so its arrays are read once.
            cb.lconst_0().lstore(TEMP);

            Label start = cb.newLabel(), end = cb.newLabel(), handler = cb.newLabel();
            cb.labelBinding(start);
            BitSet entries = region.entries();
            if (entries.cardinality() == 1) {
                cb.goto_(label(entry));
            } else {
                java.util.List<java.lang.classfile.instruction.SwitchCase> cases = new java.util.ArrayList<>();
                for (int t = entries.nextSetBit(0); t >= 0; t = entries.nextSetBit(t + 1))
                    cases.add(java.lang.classfile.instruction.SwitchCase.of(t, label(t)));
                cb.iload(ENTRY).lookupswitch(label(entry), cases);
            }
            BitSet slots = region.slots();
            for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
                cb.labelBinding(label(s));
                int w = words[s], imm = imms[s], op = w & 0xFF;
                int next = s + (Op.len(w) >>> 1);
                long pc = pcOf(s);
                if (op == JAL || op == JALR || isBranch(op)) {
                    cb.iinc(COUNT, 1);
                    control(op, w, imm, s, next, pc);
                    continue;
                }
                instruction(op, w, Op.rd(w), Op.rs1(w), Op.rs2(w), imm, pc);
                cb.iinc(COUNT, 1);
                int following = slots.nextSetBit(s + 1);
                if (following != next) jump(s, next);   // falls through to code laid out elsewhere, or out
            }
            cb.labelBinding(end);
            cb.labelBinding(handler);
            writeBack();
            cb.aload(H).lload(TPC).putfield(CD_HART, "pc", CD_long);
            cb.aload(H).iload(COUNT).putfield(CD_HART, "blockInsns", CD_int);
            cb.athrow();
            cb.exceptionCatch(start, end, handler, CD_TRAP);
        }

        private static ClassDesc valueType(int size) {
            return switch (size) { case 1 -> CD_byte; case 2 -> CD_short; case 4 -> CD_int; default -> CD_long; };
        }

        /**
         * Loads {@code size} bytes from the address on the stack through the hart's access method
         * (a TLB hit is a few array reads there); leaves an int (sizes 1, 2, 4, sign-extended) or
         * a long (size 8). Emitting the TLB lookup inline instead was measured: the larger regions
         * compile worse (bench_sort 7.3 s against 4.2 s).
         */
        private void memoryLoad(int size) {
            cb.lstore(VA);
            cb.aload(H).lload(VA);
            String m = switch (size) { case 1 -> "load8"; case 2 -> "load16"; case 4 -> "load32"; default -> "load64"; };
            cb.invokevirtual(CD_HART, m, MethodTypeDesc.of(valueType(size), CD_long));
        }

        /** Stores the value pushed by {@code value} (an int for sizes ≤ 4, a long for 8). */
        private void memoryStore(int size, Runnable value) {
            cb.lstore(VA);
            cb.aload(H).lload(VA);
            value.run();
            if (size == 1) cb.i2b();
            if (size == 2) cb.i2s();
            String m = switch (size) { case 1 -> "store8"; case 2 -> "store16"; case 4 -> "store32"; default -> "store64"; };
            cb.invokevirtual(CD_HART, m, MethodTypeDesc.of(CD_void, CD_long, valueType(size)));
        }

        private void control(int op, int w, int imm, int s, int next, long pc) {
            int rd = Op.rd(w), rs1 = Op.rs1(w), rs2 = Op.rs2(w);
            int len = Op.len(w);
            if (op == JAL) {
                pushPc(pc + len);
                write(rd);
                jump(s, s + (imm >> 1));
                return;
            }
            if (op == JALR) {
                read(rs1);
                cb.loadConstant((long) imm).ladd().loadConstant(~1L).land().lstore(TEMP);
                pushPc(pc + len);
                write(rd);
                writeBack();
                cb.aload(H).iload(COUNT).putfield(CD_HART, "blockInsns", CD_int);
                cb.lload(TEMP).lreturn();
                return;
            }
            read(rs1);
            read(rs2);
            Label taken = cb.newLabel();
            switch (op) {
                case BEQ -> cb.lcmp().ifeq(taken);
                case BNE -> cb.lcmp().ifne(taken);
                case BLT -> cb.lcmp().iflt(taken);
                case BGE -> cb.lcmp().ifge(taken);
                case BLTU -> cb.invokestatic(CD_Long, "compareUnsigned", MTD_CMPU).iflt(taken);
                default -> cb.invokestatic(CD_Long, "compareUnsigned", MTD_CMPU).ifge(taken);
            }
            jump(s, next);
            cb.labelBinding(taken);
            jump(s, s + (imm >> 1));
        }

        /** How an FP operation is called on {@link Fpu}: operands from f/x, result to f/x. */
        private enum Shape { F_FF_RM, F_F_RM, F_FFF_RM, F_FF, X_FF, X_F_RM, F_X_RM, X_F, MV_X_F, MV_F_X }

        private record FpCall(String method, Shape shape) { }

        private static FpCall fpCall(int op) {
            return switch (op) {
                case FADD_S -> new FpCall("addS", Shape.F_FF_RM);
                case FSUB_S -> new FpCall("subS", Shape.F_FF_RM);
                case FMUL_S -> new FpCall("mulS", Shape.F_FF_RM);
                case FDIV_S -> new FpCall("divS", Shape.F_FF_RM);
                case FADD_D -> new FpCall("addD", Shape.F_FF_RM);
                case FSUB_D -> new FpCall("subD", Shape.F_FF_RM);
                case FMUL_D -> new FpCall("mulD", Shape.F_FF_RM);
                case FDIV_D -> new FpCall("divD", Shape.F_FF_RM);
                case FSQRT_S -> new FpCall("sqrtS", Shape.F_F_RM);
                case FSQRT_D -> new FpCall("sqrtD", Shape.F_F_RM);
                case FCVT_S_D -> new FpCall("cvtSD", Shape.F_F_RM);
                case FMADD_S -> new FpCall("fmaddS", Shape.F_FFF_RM);
                case FMSUB_S -> new FpCall("fmsubS", Shape.F_FFF_RM);
                case FNMSUB_S -> new FpCall("fnmsubS", Shape.F_FFF_RM);
                case FNMADD_S -> new FpCall("fnmaddS", Shape.F_FFF_RM);
                case FMADD_D -> new FpCall("fmaddD", Shape.F_FFF_RM);
                case FMSUB_D -> new FpCall("fmsubD", Shape.F_FFF_RM);
                case FNMSUB_D -> new FpCall("fnmsubD", Shape.F_FFF_RM);
                case FNMADD_D -> new FpCall("fnmaddD", Shape.F_FFF_RM);
                case FSGNJ_S -> new FpCall("sgnjS", Shape.F_FF);
                case FSGNJN_S -> new FpCall("sgnjnS", Shape.F_FF);
                case FSGNJX_S -> new FpCall("sgnjxS", Shape.F_FF);
                case FMIN_S -> new FpCall("minS", Shape.F_FF);
                case FMAX_S -> new FpCall("maxS", Shape.F_FF);
                case FSGNJ_D -> new FpCall("sgnjD", Shape.F_FF);
                case FSGNJN_D -> new FpCall("sgnjnD", Shape.F_FF);
                case FSGNJX_D -> new FpCall("sgnjxD", Shape.F_FF);
                case FMIN_D -> new FpCall("minD", Shape.F_FF);
                case FMAX_D -> new FpCall("maxD", Shape.F_FF);
                case FEQ_S -> new FpCall("eqS", Shape.X_FF);
                case FLT_S -> new FpCall("ltS", Shape.X_FF);
                case FLE_S -> new FpCall("leS", Shape.X_FF);
                case FEQ_D -> new FpCall("eqD", Shape.X_FF);
                case FLT_D -> new FpCall("ltD", Shape.X_FF);
                case FLE_D -> new FpCall("leD", Shape.X_FF);
                case FCVT_W_S -> new FpCall("cvtWS", Shape.X_F_RM);
                case FCVT_WU_S -> new FpCall("cvtWUS", Shape.X_F_RM);
                case FCVT_L_S -> new FpCall("cvtLS", Shape.X_F_RM);
                case FCVT_LU_S -> new FpCall("cvtLUS", Shape.X_F_RM);
                case FCVT_W_D -> new FpCall("cvtWD", Shape.X_F_RM);
                case FCVT_WU_D -> new FpCall("cvtWUD", Shape.X_F_RM);
                case FCVT_L_D -> new FpCall("cvtLD", Shape.X_F_RM);
                case FCVT_LU_D -> new FpCall("cvtLUD", Shape.X_F_RM);
                case FCVT_S_W -> new FpCall("cvtSW", Shape.F_X_RM);
                case FCVT_S_WU -> new FpCall("cvtSWU", Shape.F_X_RM);
                case FCVT_S_L -> new FpCall("cvtSL", Shape.F_X_RM);
                case FCVT_S_LU -> new FpCall("cvtSLU", Shape.F_X_RM);
                case FCVT_D_W -> new FpCall("cvtDW", Shape.F_X_RM);
                case FCVT_D_WU -> new FpCall("cvtDWU", Shape.F_X_RM);
                case FCVT_D_L -> new FpCall("cvtDL", Shape.F_X_RM);
                case FCVT_D_LU -> new FpCall("cvtDLU", Shape.F_X_RM);
                case FCLASS_S -> new FpCall("classS", Shape.X_F);
                case FCLASS_D -> new FpCall("classD", Shape.X_F);
                case FMV_X_D -> new FpCall(null, Shape.MV_X_F);
                case FMV_D_X -> new FpCall(null, Shape.MV_F_X);
                default -> null;
            };
        }

        private static final ClassDesc CD_FPU = ClassDesc.of("fornax.machine.cpu.Fpu");

        private void freg(int r) { cb.aload(F).loadConstant(r).laload(); }

        private void roundingMode(int field) {
            if (field == 7) cb.aload(H).invokevirtual(CD_HART, "dynamicRm", MethodTypeDesc.of(CD_int));
            else cb.loadConstant(field);
        }

        /** Emits a direct call into Fpu for common FP operations; false if not handled here. */
        private boolean fpDirect(int op, int w, int rd, int rs1, int rs2, int imm, long pc) {
            FpCall call = fpCall(op);
            if (call == null) return false;
            switch (call.shape()) {
                case MV_X_F -> { freg(rs1); write(rd); return true; }
                case MV_F_X -> { cb.aload(F).loadConstant(rd); read(rs1); cb.lastore(); return true; }
                default -> { }
            }
            trapPoint(pc);
            boolean toF = switch (call.shape()) {
                case X_FF, X_F_RM, X_F -> false;
                default -> true;
            };
            if (toF) cb.aload(F).loadConstant(rd);
            cb.aload(H).getfield(CD_HART, "fpu", CD_FPU);
            MethodTypeDesc type;
            switch (call.shape()) {
                case F_FF_RM -> { freg(rs1); freg(rs2); roundingMode(imm); type = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int); }
                case F_F_RM, X_F_RM -> { freg(rs1); roundingMode(imm); type = MethodTypeDesc.of(CD_long, CD_long, CD_int); }
                case F_FFF_RM -> {
                    freg(rs1); freg(rs2); freg(Op.rs3(w)); roundingMode(imm);
                    type = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_int);
                }
                case F_FF, X_FF -> { freg(rs1); freg(rs2); type = MethodTypeDesc.of(CD_long, CD_long, CD_long); }
                case F_X_RM -> { read(rs1); roundingMode(imm); type = MethodTypeDesc.of(CD_long, CD_long, CD_int); }
                default -> { freg(rs1); type = MethodTypeDesc.of(CD_long, CD_long); }
            }
            cb.invokevirtual(CD_FPU, call.method(), type);
            if (toF) cb.lastore();
            else write(rd);
            return true;
        }

        private void sltResult() { cb.bipush(31).iushr().i2l(); }

        private void trapPoint(long pc) { pushPc(pc); cb.lstore(TPC); }

        private void address(int rs1, int imm) {
            read(rs1);
            if (imm != 0) cb.loadConstant((long) imm).ladd();
        }

        private void callHart(String name, ClassDesc ret, ClassDesc... args) {
            cb.invokevirtual(CD_HART, name, MethodTypeDesc.of(ret, args));
        }

        private void load(long pc, int rs1, int imm, int size, long zeroExtendMask, int rd) {
            trapPoint(pc);
            address(rs1, imm);
            memoryLoad(size);
            if (size < 8) cb.i2l();
            if (zeroExtendMask != 0) cb.loadConstant(zeroExtendMask).land();
            write(rd);
        }

        private void store(long pc, int rs1, int imm, int size, Runnable value) {
            trapPoint(pc);
            address(rs1, imm);
            memoryStore(size, value);
        }

        private void instruction(int op, int w, int rd, int rs1, int rs2, int imm, long pc) {
            switch (op) {
                case LUI -> { cb.loadConstant((long) imm); write(rd); }
                case AUIPC -> { pushPc(pc + imm); write(rd); }
                case ADDI -> { read(rs1); if (imm != 0) cb.loadConstant((long) imm).ladd(); write(rd); }
                case SLTI -> { read(rs1); cb.loadConstant((long) imm).lcmp(); sltResult(); write(rd); }
                case SLTIU -> { read(rs1); cb.loadConstant((long) imm).invokestatic(CD_Long, "compareUnsigned", MTD_CMPU); sltResult(); write(rd); }
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
                case SLTU -> { read(rs1); read(rs2); cb.invokestatic(CD_Long, "compareUnsigned", MTD_CMPU); sltResult(); write(rd); }
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
                case LB, LBU -> load(pc, rs1, imm, 1, op == LBU ? 0xFFL : 0, rd);
                case LH, LHU -> load(pc, rs1, imm, 2, op == LHU ? 0xFFFFL : 0, rd);
                case LW, LWU -> load(pc, rs1, imm, 4, op == LWU ? 0xFFFFFFFFL : 0, rd);
                case LD -> load(pc, rs1, imm, 8, 0, rd);
                case SB -> store(pc, rs1, imm, 1, () -> { read(rs2); cb.l2i(); });
                case SH -> store(pc, rs1, imm, 2, () -> { read(rs2); cb.l2i(); });
                case SW -> store(pc, rs1, imm, 4, () -> { read(rs2); cb.l2i(); });
                case SD -> store(pc, rs1, imm, 8, () -> read(rs2));
                case FLD -> {
                    trapPoint(pc);
                    address(rs1, imm);
                    memoryLoad(8);
                    cb.lstore(TEMP);
                    cb.aload(F).loadConstant(rd).lload(TEMP).lastore();
                }
                case FLW -> {
                    trapPoint(pc);
                    address(rs1, imm);
                    memoryLoad(4);
                    cb.i2l().loadConstant(0xFFFFFFFFL).land().loadConstant(0xFFFFFFFF00000000L).lor().lstore(TEMP);
                    cb.aload(F).loadConstant(rd).lload(TEMP).lastore();
                }
                case FSD -> store(pc, rs1, imm, 8, () -> cb.aload(F).loadConstant(rs2).laload());
                case FSW -> store(pc, rs1, imm, 4, () -> cb.aload(F).loadConstant(rs2).laload().l2i());
                case FENCE -> cb.invokestatic(ClassDesc.of("java.lang.invoke.VarHandle"), "fullFence", MethodTypeDesc.of(CD_void));
                default -> {
                    if (fpDirect(op, w, rd, rs1, rs2, imm, pc)) return;
                    // Remaining FP operations: the interpreter's code.
                    trapPoint(pc);
                    if (fpReadsInt(op) && rs1 != 0) cb.aload(X).loadConstant(rs1).lload(local(rs1)).lastore();
                    cb.aload(H).loadConstant(op).loadConstant(w).loadConstant(imm);
                    callHart("fp", CD_void, CD_int, CD_int, CD_int);
                    if (fpWritesInt(op) && rd != RD_SINK && rd != 0) cb.aload(X).loadConstant(rd).laload().lstore(local(rd));
                }
            }
        }
    }
}
