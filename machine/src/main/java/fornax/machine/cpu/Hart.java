package fornax.machine.cpu;

import static fornax.machine.cpu.Op.*;

import fornax.machine.Trap;
import fornax.machine.mem.PhysicalMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A RISC-V hart running RV64IMAFDC + Zicsr + Zifencei in user mode.
 *
 * <p>The kernel drives it through a narrow interface: load registers (or a saved context), set
 * satp, call {@link #run()}, which executes user code until something traps, and look at the
 * {@link Trap} it returns: an ecall, a fault or an interrupt. The hart never interprets a syscall.
 *
 * <pre>
 *   kernel thread                       hart
 *   ─────────────                       ────
 *   loadContext(ctx), setSatp(..)
 *   run() ───────────────────────────►  fetch (fetch TLB → decoded page) / execute
 *                                        loads/stores via read/write TLBs, walk on miss
 *   ◄─────────────────────────── Trap   ecall | page fault | illegal | timer | IPI
 *   handle, saveContext(ctx) ...
 * </pre>
 *
 * <p>Implementation notes. Instructions come pre-decoded from the shared {@link CodeCache}; the
 * loop keeps the current decoded page in locals and only consults the fetch TLB when pc leaves
 * the page. Register x0 reads as 0 because nothing ever writes index 0: the decoder redirects
 * integer writes to x0 into a sink register (index 32). Interrupts (timer deadline, IPIs) are
 * polled every 1024 instructions. The loop method is kept under HotSpot's 8000-byte limit for
 * compilation by moving rare or bulky operations (FP, AMOs, CSRs, slow paths) into methods.
 *
 * <p>Thread safety: all state belongs to the thread currently calling {@link #run()} (one at a
 * time). {@link #interrupt}, {@link #raise} and {@link #setTimer} may be called from any thread.
 */
public final class Hart {
    private static final ValueLayout.OfByte U8 = PhysicalMemory.U8;
    private static final ValueLayout.OfShort U16 = PhysicalMemory.U16;
    private static final ValueLayout.OfInt U32 = PhysicalMemory.U32;
    private static final ValueLayout.OfLong U64 = PhysicalMemory.U64;
    private static final VarHandle A32 = PhysicalMemory.A32, A64 = PhysicalMemory.A64;
    private static final VarHandle PENDING;
    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Hart.class, "pendingInterrupts", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Layout of a saved context: x0..x31, f0..f31, pc, fcsr. */
    public static final int CONTEXT_SIZE = 66, CTX_F = 32, CTX_PC = 64, CTX_FCSR = 65;
    /** Timebase of the time CSR: 10 MHz, as on QEMU's virt machine. */
    public static final long TIMEBASE_HZ = 10_000_000L;

    private static final int CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
    private static final int CSR_CYCLE = 0xC00, CSR_TIME = 0xC01, CSR_INSTRET = 0xC02;
    private static final int POLL_INTERVAL = 1024;
    /** Block translation default (system property fornax.jit, default true) and hotness threshold. */
    static final boolean JIT_DEFAULT = !"false".equals(System.getProperty("fornax.jit"));
    static final int JIT_THRESHOLD = Integer.getInteger("fornax.jit.threshold", 64);

    private final int id;
    private final PhysicalMemory ram;
    private final CodeCache code;
    private final long bootNanos;
    private final TrapException trap = new TrapException();
    final Mmu mmu;
    final Fpu fpu = new Fpu();

    // Architectural state: owned by the running thread.
    final long[] x = new long[33];
    final long[] f = new long[32];
    long pc;
    int frm;
    long instret;
    /** Instructions a translated region completed before it returned or trapped. */
    int blockInsns;
    /** Whether hot blocks are translated to JVM bytecode; owner thread only. */
    private boolean translate = JIT_DEFAULT;
    /** LR reservation: virtual address and the value loaded, or resvAddr = -1. */
    private long resvAddr = -1, resvValue;

    /** Pending interrupt bits (1 software, 5 timer, 9 external); set from any thread. */
    @SuppressWarnings("unused") private volatile int pendingInterrupts;
    /** System.nanoTime() at which the timer interrupt fires; Long.MAX_VALUE = disarmed. */
    private volatile long timerDeadline = Long.MAX_VALUE;

    public Hart(int id, PhysicalMemory ram, CodeCache code, long bootNanos) {
        this.id = id;
        this.ram = ram;
        this.code = code;
        this.bootNanos = bootNanos;
        this.mmu = new Mmu(ram, code, trap);
    }

    public int id() { return id; }

    // ------------------------------------------------------------------ register access

    public long x(int i) { return i == 0 ? 0 : x[i]; }
    public void setX(int i, long v) { if (i != 0) x[i] = v; }
    public long f(int i) { return f[i]; }
    public void setF(int i, long v) { f[i] = v; }
    public long pc() { return pc; }
    public void setPc(long v) { pc = v; }
    public int fcsr() { return frm << 5 | fpu.fflags; }
    public void setFcsr(int v) { frm = (v >>> 5) & 7; fpu.fflags = v & 0x1F; }
    public long instret() { return instret; }
    /** Turns block translation on or off for this hart (the interpreter alone is the reference). */
    public void setTranslation(boolean on) { translate = on; }

    public void saveContext(long[] ctx) {
        System.arraycopy(x, 0, ctx, 0, 32);
        ctx[0] = 0;
        System.arraycopy(f, 0, ctx, CTX_F, 32);
        ctx[CTX_PC] = pc;
        ctx[CTX_FCSR] = fcsr();
    }

    public void loadContext(long[] ctx) {
        System.arraycopy(ctx, 0, x, 0, 32);
        x[0] = 0;
        System.arraycopy(ctx, CTX_F, f, 0, 32);
        pc = ctx[CTX_PC];
        setFcsr((int) ctx[CTX_FCSR]);
        resvAddr = -1;
    }

    // ------------------------------------------------------------------ MMU control

    public long satp() { return mmu.satp(); }
    /** Writes satp (MODE:4 | ASID:16 | PPN:44); MODE 0 = bare, 8 = Sv39, 9 = Sv48. */
    public void setSatp(long satp) { mmu.setSatp(satp); }
    /** sfence.vma for this hart: {@code va} = -1 for all addresses, {@code asid} = -1 for all ASIDs. */
    public void flushTlb(long va, int asid) { mmu.flush(va, asid); }
    /** Translates a user virtual address as a load would (A bit set), or returns -1 if it faults. */
    public long probe(long va) {
        try {
            return mmu.translate(va, Mmu.LOAD);
        } catch (TrapException e) {
            return -1;
        }
    }
    public long tlbWalks() { return mmu.walks; }

    // ------------------------------------------------------------------ interrupts and timer

    /** Arms the timer: {@link #run()} returns a timer interrupt once System.nanoTime() passes it. */
    public void setTimer(long deadlineNanos) { timerDeadline = deadlineNanos; }
    /** Requests a software interrupt (an IPI); any thread. */
    public void interrupt() { raise(1); }
    /** Marks interrupt {@code code} (1, 5 or 9) pending; any thread. */
    public void raise(int code) { PENDING.getAndBitwiseOr(this, 1 << code); }

    /** The pending interrupt to take now, in the privileged spec's order (SEI, SSI, STI), or 0. */
    private long takeInterrupt() {
        int p = (int) PENDING.getVolatile(this);
        if (p != 0) {
            int bit = (p & (1 << 9)) != 0 ? 9 : (p & 2) != 0 ? 1 : Integer.numberOfTrailingZeros(p);
            PENDING.getAndBitwiseAnd(this, ~(1 << bit));
            return Trap.INTERRUPT | bit;
        }
        if (System.nanoTime() >= timerDeadline) {
            timerDeadline = Long.MAX_VALUE;
            return Trap.TIMER_INTERRUPT;
        }
        return 0;
    }

    // ------------------------------------------------------------------ the interpreter

    /** Runs user code until a trap; returns it with {@link #pc()} = sepc. */
    public Trap run() {
        long pending = takeInterrupt();
        if (pending != 0) return new Trap(pending, 0, pc);
        final long[] x = this.x;
        final long[] f = this.f;
        long pc = this.pc;
        long n = 0, nextPoll = POLL_INTERVAL;
        long pageVpn = -1;
        CodeCache.CodePage page = null;
        int[] words = null, imms = null;
        final boolean jit = translate;
        boolean entry = true, inBlock = false;
        try {
            for (;;) {
                if (++n >= nextPoll) {
                    nextPoll = n + POLL_INTERVAL;
                    long cause = takeInterrupt();
                    if (cause != 0) {
                        this.pc = pc;
                        instret += n - 1;
                        return new Trap(cause, 0, pc);
                    }
                }
                if ((pc >>> 12) != pageVpn) {
                    page = mmu.fetchPage(pc);
                    words = page.word;
                    imms = page.imm;
                    pageVpn = pc >>> 12;
                }
                int slot = ((int) pc & 0xFFF) >>> 1;
                if (entry && jit) {
                    CompiledBlock b = page.blocks[slot];
                    if (b != null) {
                        inBlock = true;
                        pc = b.run(this, x, f, slot, pageVpn << 12);
                        inBlock = false;
                        n += blockInsns - 1;
                        continue;
                    }
                    short heat = page.heat[slot];
                    if (heat >= 0) {
                        if (heat < JIT_THRESHOLD) {
                            page.heat[slot] = (short) (heat + 1);
                        } else {
                            b = BlockCompiler.compile(page, slot, pc);
                            if (b == null) page.heat[slot] = -1;
                            else page.blocks[slot] = b;
                            n--;   // nothing retired in this iteration
                            continue;
                        }
                    }
                    entry = false;
                }
                int w = words[slot];
                int imm = imms[slot];
                if ((w & 0xFF) == CROSS_PAGE) {
                    long d = Decoder.decode32(mmu.fetch16(pc) | mmu.fetch16(pc + 2) << 16);
                    w = (int) d;
                    imm = (int) (d >>> 32);
                }
                int rd = (w >>> 8) & 0x3F, rs1 = (w >>> 14) & 0x1F, rs2 = (w >>> 19) & 0x1F;
                int len = 4 - ((w >>> 23) & 2);
                switch (w & 0xFF) {
                    case LUI -> x[rd] = imm;
                    case AUIPC -> x[rd] = pc + imm;
                    case JAL -> { x[rd] = pc + len; pc += imm; entry = true; continue; }
                    case JALR -> { long t = (x[rs1] + imm) & ~1L; x[rd] = pc + len; pc = t; entry = true; continue; }
                    case BEQ -> { entry = true; if (x[rs1] == x[rs2]) { pc += imm; continue; } }
                    case BNE -> { entry = true; if (x[rs1] != x[rs2]) { pc += imm; continue; } }
                    case BLT -> { entry = true; if (x[rs1] < x[rs2]) { pc += imm; continue; } }
                    case BGE -> { entry = true; if (x[rs1] >= x[rs2]) { pc += imm; continue; } }
                    case BLTU -> { entry = true; if (Long.compareUnsigned(x[rs1], x[rs2]) < 0) { pc += imm; continue; } }
                    case BGEU -> { entry = true; if (Long.compareUnsigned(x[rs1], x[rs2]) >= 0) { pc += imm; continue; } }
                    case LB -> x[rd] = load8(x[rs1] + imm);
                    case LH -> x[rd] = load16(x[rs1] + imm);
                    case LW -> x[rd] = load32(x[rs1] + imm);
                    case LD -> x[rd] = load64(x[rs1] + imm);
                    case LBU -> x[rd] = load8(x[rs1] + imm) & 0xFFL;
                    case LHU -> x[rd] = load16(x[rs1] + imm) & 0xFFFFL;
                    case LWU -> x[rd] = load32(x[rs1] + imm) & 0xFFFFFFFFL;
                    case SB -> store8(x[rs1] + imm, (byte) x[rs2]);
                    case SH -> store16(x[rs1] + imm, (short) x[rs2]);
                    case SW -> store32(x[rs1] + imm, (int) x[rs2]);
                    case SD -> store64(x[rs1] + imm, x[rs2]);
                    case ADDI -> x[rd] = x[rs1] + imm;
                    case SLTI -> x[rd] = x[rs1] < imm ? 1 : 0;
                    case SLTIU -> x[rd] = Long.compareUnsigned(x[rs1], imm) < 0 ? 1 : 0;
                    case XORI -> x[rd] = x[rs1] ^ imm;
                    case ORI -> x[rd] = x[rs1] | imm;
                    case ANDI -> x[rd] = x[rs1] & imm;
                    case SLLI -> x[rd] = x[rs1] << imm;
                    case SRLI -> x[rd] = x[rs1] >>> imm;
                    case SRAI -> x[rd] = x[rs1] >> imm;
                    case ADD -> x[rd] = x[rs1] + x[rs2];
                    case SUB -> x[rd] = x[rs1] - x[rs2];
                    case SLL -> x[rd] = x[rs1] << x[rs2];
                    case SLT -> x[rd] = x[rs1] < x[rs2] ? 1 : 0;
                    case SLTU -> x[rd] = Long.compareUnsigned(x[rs1], x[rs2]) < 0 ? 1 : 0;
                    case XOR -> x[rd] = x[rs1] ^ x[rs2];
                    case SRL -> x[rd] = x[rs1] >>> x[rs2];
                    case SRA -> x[rd] = x[rs1] >> x[rs2];
                    case OR -> x[rd] = x[rs1] | x[rs2];
                    case AND -> x[rd] = x[rs1] & x[rs2];
                    case ADDIW -> x[rd] = (int) (x[rs1] + imm);
                    case SLLIW -> x[rd] = (int) x[rs1] << imm;
                    case SRLIW -> x[rd] = (int) x[rs1] >>> imm;
                    case SRAIW -> x[rd] = (int) x[rs1] >> imm;
                    case ADDW -> x[rd] = (int) (x[rs1] + x[rs2]);
                    case SUBW -> x[rd] = (int) (x[rs1] - x[rs2]);
                    case SLLW -> x[rd] = (int) x[rs1] << (int) x[rs2];
                    case SRLW -> x[rd] = (int) x[rs1] >>> (int) x[rs2];
                    case SRAW -> x[rd] = (int) x[rs1] >> (int) x[rs2];
                    case MUL -> x[rd] = x[rs1] * x[rs2];
                    case MULW -> x[rd] = (int) x[rs1] * (int) x[rs2];
                    case MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, DIVW, DIVUW, REMW, REMUW ->
                            x[rd] = muldiv(w & 0xFF, x[rs1], x[rs2]);
                    case FLD -> f[rd] = load64(x[rs1] + imm);
                    case FSD -> store64(x[rs1] + imm, f[rs2]);
                    case FLW -> f[rd] = 0xFFFFFFFF00000000L | (load32(x[rs1] + imm) & 0xFFFFFFFFL);
                    case FSW -> store32(x[rs1] + imm, (int) f[rs2]);
                    case FENCE -> VarHandle.fullFence();
                    case FENCE_I -> {
                        code.invalidateAll();
                        mmu.flushFetchAll();
                        pageVpn = -1;
                        entry = true;
                    }
                    case ECALL -> {
                        this.pc = pc;
                        instret += n - 1;   // an instruction that raises an exception does not retire
                        return new Trap(Trap.ECALL_FROM_U, 0, pc);
                    }
                    case EBREAK -> {
                        this.pc = pc;
                        instret += n - 1;
                        return new Trap(Trap.BREAKPOINT, pc, pc);
                    }
                    case ILLEGAL -> throw trap.set(Trap.ILLEGAL_INSTRUCTION, imm & 0xFFFFFFFFL);
                    default -> {
                        int op = w & 0xFF;
                        if (op >= CSRRW && op <= CSRRCI) x[rd] = csr(op, rs1, imm, n, w);
                        else if (op >= LR_W && op <= AMOMAXU_D) x[rd] = amo(op, x[rs1], x[rs2]);
                        else fp(op, w, imm);
                        entry |= op >= CSRRW && op <= CSRRCI;   // blocks end before CSRs and AMOs
                        entry |= op >= LR_W && op <= AMOMAXU_D;
                    }
                }
                pc += len;
            }
        } catch (TrapException e) {
            if (inBlock) {   // the region recorded the trapping instruction and what it completed
                pc = this.pc;
                n += blockInsns;
            }
            this.pc = pc;
            instret += n - 1;
            resvAddr = -1;
            long cause = e.cause, tval = e.tval;
            if (cause == Trap.ILLEGAL_INSTRUCTION && tval == 0) tval = instructionBits(pc);
            return new Trap(cause, tval, pc);
        }
    }

    /** The raw bits of the instruction at {@code pc} (stval for an illegal instruction), or 0. */
    private long instructionBits(long pc) {
        try {
            long lo = mmu.fetch16(pc);
            return (lo & 3) != 3 ? lo : lo | (long) mmu.fetch16(pc + 2) << 16;
        } catch (TrapException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ loads and stores

    long load64(long va) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        int off = (int) va & 0xFFF;
        if (t.rTag[s] == va >>> 12 && off <= 0xFF8) return t.rMem[s].get(U64, t.rOff[s] + off);
        return loadSlow(va, 8);
    }

    int load32(long va) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        int off = (int) va & 0xFFF;
        if (t.rTag[s] == va >>> 12 && off <= 0xFFC) return t.rMem[s].get(U32, t.rOff[s] + off);
        return (int) loadSlow(va, 4);
    }

    short load16(long va) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        int off = (int) va & 0xFFF;
        if (t.rTag[s] == va >>> 12 && off <= 0xFFE) return t.rMem[s].get(U16, t.rOff[s] + off);
        return (short) loadSlow(va, 2);
    }

    byte load8(long va) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        if (t.rTag[s] == va >>> 12) return t.rMem[s].get(U8, t.rOff[s] + ((int) va & 0xFFF));
        return (byte) loadSlow(va, 1);
    }

    /** TLB miss or page-crossing load: refills, assembling page-crossing values byte by byte. */
    long loadSlow(long va, int size) {
        if ((va & 0xFFF) + size <= 4096) {
            int s = mmu.fillRead(va);
            Mmu.Tlb t = mmu.tlb;
            int off = t.rOff[s] + ((int) va & 0xFFF);
            MemorySegment m = t.rMem[s];
            return switch (size) {
                case 1 -> m.get(U8, off);
                case 2 -> m.get(U16, off);
                case 4 -> m.get(U32, off);
                default -> m.get(U64, off);
            };
        }
        // Translate both pages before reading anything, so a fault leaves nothing half done.
        long split = (va | 0xFFF) + 1;
        mmu.fillRead(split);
        mmu.fillRead(va);
        long v = 0;
        for (int i = size - 1; i >= 0; i--) v = (v << 8) | (load8(va + i) & 0xFF);
        return v;
    }

    void store64(long va, long v) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        int off = (int) va & 0xFFF;
        if (t.wTag[s] == va >>> 12 && off <= 0xFF8) t.wMem[s].set(U64, t.wOff[s] + off, v);
        else storeSlow(va, v, 8);
    }

    void store32(long va, int v) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        int off = (int) va & 0xFFF;
        if (t.wTag[s] == va >>> 12 && off <= 0xFFC) t.wMem[s].set(U32, t.wOff[s] + off, v);
        else storeSlow(va, v, 4);
    }

    void store16(long va, short v) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        int off = (int) va & 0xFFF;
        if (t.wTag[s] == va >>> 12 && off <= 0xFFE) t.wMem[s].set(U16, t.wOff[s] + off, v);
        else storeSlow(va, v, 2);
    }

    void store8(long va, byte v) {
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        if (t.wTag[s] == va >>> 12) t.wMem[s].set(U8, t.wOff[s] + ((int) va & 0xFFF), v);
        else storeSlow(va, v, 1);
    }

    void storeSlow(long va, long v, int size) {
        if ((va & 0xFFF) + size <= 4096) {
            int s = mmu.fillWrite(va);
            Mmu.Tlb t = mmu.tlb;
            int off = t.wOff[s] + ((int) va & 0xFFF);
            MemorySegment m = t.wMem[s];
            switch (size) {
                case 1 -> m.set(U8, off, (byte) v);
                case 2 -> m.set(U16, off, (short) v);
                case 4 -> m.set(U32, off, (int) v);
                default -> m.set(U64, off, v);
            }
            return;
        }
        long split = (va | 0xFFF) + 1;
        mmu.fillWrite(split);
        mmu.fillWrite(va);
        for (int i = 0; i < size; i++) store8(va + i, (byte) (v >>> (8 * i)));
    }

    // ------------------------------------------------------------------ M extension (division and high products)

    static long muldiv(int op, long a, long b) {
        return switch (op) {
            case MULH -> Math.multiplyHigh(a, b);
            case MULHU -> Math.unsignedMultiplyHigh(a, b);
            case MULHSU -> Math.multiplyHigh(a, b) + (b < 0 ? a : 0); // b unsigned = b + 2^64 when negative
            case DIV -> b == 0 ? -1 : (a == Long.MIN_VALUE && b == -1) ? a : a / b;
            case DIVU -> b == 0 ? -1 : Long.divideUnsigned(a, b);
            case REM -> b == 0 ? a : (a == Long.MIN_VALUE && b == -1) ? 0 : a % b;
            case REMU -> b == 0 ? a : Long.remainderUnsigned(a, b);
            case DIVW -> {
                int x = (int) a, y = (int) b;
                yield y == 0 ? -1 : (x == Integer.MIN_VALUE && y == -1) ? x : x / y;
            }
            case DIVUW -> (int) b == 0 ? -1 : Integer.divideUnsigned((int) a, (int) b);
            case REMW -> {
                int x = (int) a, y = (int) b;
                yield y == 0 ? x : (x == Integer.MIN_VALUE && y == -1) ? 0 : x % y;
            }
            case REMUW -> (int) b == 0 ? (int) a : Integer.remainderUnsigned((int) a, (int) b);
            default -> throw new AssertionError(op);
        };
    }

    // ------------------------------------------------------------------ A extension

    /** Aligned physical-page access for an AMO/LR/SC: the write TLB slot for {@code va}. */
    private int amoSlot(long va, int size) {
        if ((va & (size - 1)) != 0) throw trap.set(Trap.STORE_MISALIGNED, va);
        Mmu.Tlb t = mmu.tlb;
        int s = (int) (va >>> 12) & Mmu.TLB_MASK;
        return t.wTag[s] == va >>> 12 ? s : mmu.fillWrite(va);
    }

    private long amo(int op, long va, long v) {
        boolean word = op <= AMOMAXU_W;
        int size = word ? 4 : 8;
        if (op == LR_W || op == LR_D) {
            if ((va & (size - 1)) != 0) throw trap.set(Trap.LOAD_MISALIGNED, va);
            Mmu.Tlb t = mmu.tlb;
            int s = (int) (va >>> 12) & Mmu.TLB_MASK;
            if (t.rTag[s] != va >>> 12) s = mmu.fillRead(va);
            long off = t.rOff[s] + ((int) va & 0xFFF);
            long value = word ? (int) A32.getVolatile(t.rMem[s], off) : (long) A64.getVolatile(t.rMem[s], off);
            resvAddr = va;
            resvValue = value;
            return value;
        }
        int s = amoSlot(va, size);
        Mmu.Tlb t = mmu.tlb;
        MemorySegment m = t.wMem[s];
        long off = t.wOff[s] + ((int) va & 0xFFF);
        if (op == SC_W || op == SC_D) {
            boolean ok = resvAddr == va
                    && (word ? A32.compareAndSet(m, off, (int) resvValue, (int) v) : A64.compareAndSet(m, off, resvValue, v));
            resvAddr = -1;
            return ok ? 0 : 1;
        }
        if (word) {
            int b = (int) v;
            return switch (op) {
                case AMOSWAP_W -> (int) A32.getAndSet(m, off, b);
                case AMOADD_W -> (int) A32.getAndAdd(m, off, b);
                case AMOXOR_W -> (int) A32.getAndBitwiseXor(m, off, b);
                case AMOAND_W -> (int) A32.getAndBitwiseAnd(m, off, b);
                case AMOOR_W -> (int) A32.getAndBitwiseOr(m, off, b);
                default -> {
                    int old;
                    do {
                        old = (int) A32.getVolatile(m, off);
                    } while (!A32.compareAndSet(m, off, old, minMax32(op, old, b)));
                    yield old;
                }
            };
        }
        return switch (op) {
            case AMOSWAP_D -> (long) A64.getAndSet(m, off, v);
            case AMOADD_D -> (long) A64.getAndAdd(m, off, v);
            case AMOXOR_D -> (long) A64.getAndBitwiseXor(m, off, v);
            case AMOAND_D -> (long) A64.getAndBitwiseAnd(m, off, v);
            case AMOOR_D -> (long) A64.getAndBitwiseOr(m, off, v);
            default -> {
                long old;
                do {
                    old = (long) A64.getVolatile(m, off);
                } while (!A64.compareAndSet(m, off, old, minMax64(op, old, v)));
                yield old;
            }
        };
    }

    private static int minMax32(int op, int a, int b) {
        return switch (op) {
            case AMOMIN_W -> Math.min(a, b);
            case AMOMAX_W -> Math.max(a, b);
            case AMOMINU_W -> Integer.compareUnsigned(a, b) <= 0 ? a : b;
            default -> Integer.compareUnsigned(a, b) >= 0 ? a : b;
        };
    }

    private static long minMax64(int op, long a, long b) {
        return switch (op) {
            case AMOMIN_D -> Math.min(a, b);
            case AMOMAX_D -> Math.max(a, b);
            case AMOMINU_D -> Long.compareUnsigned(a, b) <= 0 ? a : b;
            default -> Long.compareUnsigned(a, b) >= 0 ? a : b;
        };
    }

    // ------------------------------------------------------------------ Zicsr (user-mode CSRs)

    /** Executes a CSR instruction; {@code n} is the number of instructions run so far in this slice. */
    private long csr(int op, int rs1, int csr, long n, int w) {
        boolean immediate = op >= CSRRWI;
        long src = immediate ? rs1 : x[rs1];
        int kind = immediate ? op - 3 : op;
        boolean writes = kind == CSRRW || rs1 != 0;
        long old = switch (csr) {
            case CSR_FFLAGS -> fpu.fflags;
            case CSR_FRM -> frm;
            case CSR_FCSR -> fcsr();
            case CSR_CYCLE, CSR_INSTRET -> instret + n - 1;
            case CSR_TIME -> (System.nanoTime() - bootNanos) / (1_000_000_000L / TIMEBASE_HZ);
            default -> throw trap.set(Trap.ILLEGAL_INSTRUCTION, 0);
        };
        if (writes) {
            long nv = switch (kind) {
                case CSRRW -> src;
                case CSRRS -> old | src;
                default -> old & ~src;
            };
            switch (csr) {
                case CSR_FFLAGS -> fpu.fflags = (int) nv & 0x1F;
                case CSR_FRM -> frm = (int) nv & 7;
                case CSR_FCSR -> setFcsr((int) nv & 0xFF);
                default -> throw trap.set(Trap.ILLEGAL_INSTRUCTION, 0); // counters are read-only
            }
        }
        return old;
    }

    // ------------------------------------------------------------------ F and D extensions

    /** frm as a rounding mode for translated code; an invalid frm is an illegal instruction. */
    int dynamicRm() { return rm(7); }

    /** Resolves a rounding-mode field; 7 = dynamic (frm). An invalid mode is an illegal instruction. */
    private int rm(int field) {
        int r = field == 7 ? frm : field;
        if (r > 4) throw trap.set(Trap.ILLEGAL_INSTRUCTION, 0);
        return r;
    }

    void fp(int op, int w, int imm) {
        int rd = (w >>> 8) & 0x3F, rs1 = (w >>> 14) & 0x1F, rs2 = (w >>> 19) & 0x1F, rs3 = (w >>> 25) & 0x1F;
        long[] f = this.f;
        Fpu u = fpu;
        switch (op) {
            case FADD_D -> f[rd] = u.addD(f[rs1], f[rs2], rm(imm));
            case FSUB_D -> f[rd] = u.subD(f[rs1], f[rs2], rm(imm));
            case FMUL_D -> f[rd] = u.mulD(f[rs1], f[rs2], rm(imm));
            case FDIV_D -> f[rd] = u.divD(f[rs1], f[rs2], rm(imm));
            case FSQRT_D -> f[rd] = u.sqrtD(f[rs1], rm(imm));
            case FMADD_D -> f[rd] = u.fmaddD(f[rs1], f[rs2], f[rs3], rm(imm));
            case FMSUB_D -> f[rd] = u.fmsubD(f[rs1], f[rs2], f[rs3], rm(imm));
            case FNMSUB_D -> f[rd] = u.fnmsubD(f[rs1], f[rs2], f[rs3], rm(imm));
            case FNMADD_D -> f[rd] = u.fnmaddD(f[rs1], f[rs2], f[rs3], rm(imm));
            case FSGNJ_D -> f[rd] = u.sgnjD(f[rs1], f[rs2]);
            case FSGNJN_D -> f[rd] = u.sgnjnD(f[rs1], f[rs2]);
            case FSGNJX_D -> f[rd] = u.sgnjxD(f[rs1], f[rs2]);
            case FMIN_D -> f[rd] = u.minD(f[rs1], f[rs2]);
            case FMAX_D -> f[rd] = u.maxD(f[rs1], f[rs2]);
            case FCVT_S_D -> f[rd] = u.cvtSD(f[rs1], rm(imm));
            case FCVT_D_S -> { rm(imm); f[rd] = u.cvtDS(f[rs1]); }
            case FEQ_D -> x[rd] = u.eqD(f[rs1], f[rs2]);
            case FLT_D -> x[rd] = u.ltD(f[rs1], f[rs2]);
            case FLE_D -> x[rd] = u.leD(f[rs1], f[rs2]);
            case FCLASS_D -> x[rd] = u.classD(f[rs1]);
            case FCVT_W_D -> x[rd] = u.cvtWD(f[rs1], rm(imm));
            case FCVT_WU_D -> x[rd] = u.cvtWUD(f[rs1], rm(imm));
            case FCVT_L_D -> x[rd] = u.cvtLD(f[rs1], rm(imm));
            case FCVT_LU_D -> x[rd] = u.cvtLUD(f[rs1], rm(imm));
            case FCVT_D_W -> f[rd] = u.cvtDW(x[rs1], rm(imm));
            case FCVT_D_WU -> f[rd] = u.cvtDWU(x[rs1], rm(imm));
            case FCVT_D_L -> f[rd] = u.cvtDL(x[rs1], rm(imm));
            case FCVT_D_LU -> f[rd] = u.cvtDLU(x[rs1], rm(imm));
            case FMV_X_D -> x[rd] = f[rs1];
            case FMV_D_X -> f[rd] = x[rs1];
            case FADD_S -> f[rd] = u.addS(f[rs1], f[rs2], rm(imm));
            case FSUB_S -> f[rd] = u.subS(f[rs1], f[rs2], rm(imm));
            case FMUL_S -> f[rd] = u.mulS(f[rs1], f[rs2], rm(imm));
            case FDIV_S -> f[rd] = u.divS(f[rs1], f[rs2], rm(imm));
            case FSQRT_S -> f[rd] = u.sqrtS(f[rs1], rm(imm));
            case FMADD_S -> f[rd] = u.fmaddS(f[rs1], f[rs2], f[rs3], rm(imm));
            case FMSUB_S -> f[rd] = u.fmsubS(f[rs1], f[rs2], f[rs3], rm(imm));
            case FNMSUB_S -> f[rd] = u.fnmsubS(f[rs1], f[rs2], f[rs3], rm(imm));
            case FNMADD_S -> f[rd] = u.fnmaddS(f[rs1], f[rs2], f[rs3], rm(imm));
            case FSGNJ_S -> f[rd] = u.sgnjS(f[rs1], f[rs2]);
            case FSGNJN_S -> f[rd] = u.sgnjnS(f[rs1], f[rs2]);
            case FSGNJX_S -> f[rd] = u.sgnjxS(f[rs1], f[rs2]);
            case FMIN_S -> f[rd] = u.minS(f[rs1], f[rs2]);
            case FMAX_S -> f[rd] = u.maxS(f[rs1], f[rs2]);
            case FEQ_S -> x[rd] = u.eqS(f[rs1], f[rs2]);
            case FLT_S -> x[rd] = u.ltS(f[rs1], f[rs2]);
            case FLE_S -> x[rd] = u.leS(f[rs1], f[rs2]);
            case FCLASS_S -> x[rd] = u.classS(f[rs1]);
            case FCVT_W_S -> x[rd] = u.cvtWS(f[rs1], rm(imm));
            case FCVT_WU_S -> x[rd] = u.cvtWUS(f[rs1], rm(imm));
            case FCVT_L_S -> x[rd] = u.cvtLS(f[rs1], rm(imm));
            case FCVT_LU_S -> x[rd] = u.cvtLUS(f[rs1], rm(imm));
            case FCVT_S_W -> f[rd] = u.cvtSW(x[rs1], rm(imm));
            case FCVT_S_WU -> f[rd] = u.cvtSWU(x[rs1], rm(imm));
            case FCVT_S_L -> f[rd] = u.cvtSL(x[rs1], rm(imm));
            case FCVT_S_LU -> f[rd] = u.cvtSLU(x[rs1], rm(imm));
            case FMV_X_W -> x[rd] = Fpu.fmvXW(f[rs1]);
            case FMV_W_X -> f[rd] = Fpu.fmvWX(x[rs1]);
            default -> throw trap.set(Trap.ILLEGAL_INSTRUCTION, 0);
        }
    }
}
