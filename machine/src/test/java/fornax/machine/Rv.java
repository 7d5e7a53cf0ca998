package fornax.machine;

/**
 * Test-side RISC-V instruction encoders (RV64GC), written from the ISA manual's format tables and
 * independent of the decoder under test. Every method returns the instruction bits: a 32-bit word,
 * or for the {@code c*} methods a 16-bit parcel in the low half.
 */
public final class Rv {
    private Rv() { }

    // ------------------------------------------------------------------ register names

    public static final int ZERO = 0, RA = 1, SP = 2, GP = 3, TP = 4, T0 = 5, T1 = 6, T2 = 7;
    public static final int S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, A7 = 17;
    public static final int S2 = 18, S3 = 19, S4 = 20, S5 = 21, S6 = 22, S7 = 23, S8 = 24, S9 = 25, S10 = 26, S11 = 27;
    public static final int T3 = 28, T4 = 29, T5 = 30, T6 = 31;

    /** Rounding modes. */
    public static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;

    // ------------------------------------------------------------------ generic formats

    private static void reg(int r) {
        if (r < 0 || r > 31) throw new IllegalArgumentException("register " + r);
    }

    public static int r(int opcode, int f3, int f7, int rd, int rs1, int rs2) {
        reg(rd); reg(rs1); reg(rs2);
        return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    public static int r4(int opcode, int f3, int fmt, int rd, int rs1, int rs2, int rs3) {
        reg(rd); reg(rs1); reg(rs2); reg(rs3);
        return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    public static int i(int opcode, int f3, int rd, int rs1, int imm) {
        reg(rd); reg(rs1);
        if (imm < -2048 || imm > 2047) throw new IllegalArgumentException("I-immediate " + imm);
        return (imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    public static int s(int opcode, int f3, int rs1, int rs2, int imm) {
        reg(rs1); reg(rs2);
        if (imm < -2048 || imm > 2047) throw new IllegalArgumentException("S-immediate " + imm);
        return ((imm >> 5) & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1F) << 7 | opcode;
    }

    public static int b(int f3, int rs1, int rs2, int off) {
        reg(rs1); reg(rs2);
        if ((off & 1) != 0 || off < -4096 || off > 4094) throw new IllegalArgumentException("B-offset " + off);
        return bit(off, 12) << 31 | bits(off, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12
                | bits(off, 4, 1) << 8 | bit(off, 11) << 7 | 0x63;
    }

    /** U-type with the 20-bit upper immediate {@code imm20} (bits 31:12 of the result). */
    public static int u(int opcode, int rd, int imm20) {
        reg(rd);
        return (imm20 & 0xFFFFF) << 12 | rd << 7 | opcode;
    }

    public static int j(int rd, int off) {
        reg(rd);
        if ((off & 1) != 0 || off < -(1 << 20) || off >= (1 << 20)) throw new IllegalArgumentException("J-offset " + off);
        return bit(off, 20) << 31 | bits(off, 10, 1) << 21 | bit(off, 11) << 20 | bits(off, 19, 12) << 12 | rd << 7 | 0x6F;
    }

    static int bit(int v, int n) { return (v >>> n) & 1; }

    static int bits(int v, int hi, int lo) { return (v >>> lo) & ((1 << (hi - lo + 1)) - 1); }

    // ------------------------------------------------------------------ RV64I

    public static int lui(int rd, int imm20) { return u(0x37, rd, imm20); }
    public static int auipc(int rd, int imm20) { return u(0x17, rd, imm20); }
    public static int jal(int rd, int off) { return j(rd, off); }
    public static int jalr(int rd, int rs1, int imm) { return i(0x67, 0, rd, rs1, imm); }
    public static int beq(int rs1, int rs2, int off) { return b(0, rs1, rs2, off); }
    public static int bne(int rs1, int rs2, int off) { return b(1, rs1, rs2, off); }
    public static int blt(int rs1, int rs2, int off) { return b(4, rs1, rs2, off); }
    public static int bge(int rs1, int rs2, int off) { return b(5, rs1, rs2, off); }
    public static int bltu(int rs1, int rs2, int off) { return b(6, rs1, rs2, off); }
    public static int bgeu(int rs1, int rs2, int off) { return b(7, rs1, rs2, off); }
    public static int lb(int rd, int rs1, int imm) { return i(0x03, 0, rd, rs1, imm); }
    public static int lh(int rd, int rs1, int imm) { return i(0x03, 1, rd, rs1, imm); }
    public static int lw(int rd, int rs1, int imm) { return i(0x03, 2, rd, rs1, imm); }
    public static int ld(int rd, int rs1, int imm) { return i(0x03, 3, rd, rs1, imm); }
    public static int lbu(int rd, int rs1, int imm) { return i(0x03, 4, rd, rs1, imm); }
    public static int lhu(int rd, int rs1, int imm) { return i(0x03, 5, rd, rs1, imm); }
    public static int lwu(int rd, int rs1, int imm) { return i(0x03, 6, rd, rs1, imm); }
    public static int sb(int rs2, int rs1, int imm) { return s(0x23, 0, rs1, rs2, imm); }
    public static int sh(int rs2, int rs1, int imm) { return s(0x23, 1, rs1, rs2, imm); }
    public static int sw(int rs2, int rs1, int imm) { return s(0x23, 2, rs1, rs2, imm); }
    public static int sd(int rs2, int rs1, int imm) { return s(0x23, 3, rs1, rs2, imm); }
    public static int addi(int rd, int rs1, int imm) { return i(0x13, 0, rd, rs1, imm); }
    public static int slti(int rd, int rs1, int imm) { return i(0x13, 2, rd, rs1, imm); }
    public static int sltiu(int rd, int rs1, int imm) { return i(0x13, 3, rd, rs1, imm); }
    public static int xori(int rd, int rs1, int imm) { return i(0x13, 4, rd, rs1, imm); }
    public static int ori(int rd, int rs1, int imm) { return i(0x13, 6, rd, rs1, imm); }
    public static int andi(int rd, int rs1, int imm) { return i(0x13, 7, rd, rs1, imm); }
    public static int slli(int rd, int rs1, int sh) { return shift(0x13, 1, 0x00, rd, rs1, sh, 63); }
    public static int srli(int rd, int rs1, int sh) { return shift(0x13, 5, 0x00, rd, rs1, sh, 63); }
    public static int srai(int rd, int rs1, int sh) { return shift(0x13, 5, 0x10, rd, rs1, sh, 63); }
    public static int addiw(int rd, int rs1, int imm) { return i(0x1B, 0, rd, rs1, imm); }
    public static int slliw(int rd, int rs1, int sh) { return shift(0x1B, 1, 0x00, rd, rs1, sh, 31); }
    public static int srliw(int rd, int rs1, int sh) { return shift(0x1B, 5, 0x00, rd, rs1, sh, 31); }
    public static int sraiw(int rd, int rs1, int sh) { return shift(0x1B, 5, 0x10, rd, rs1, sh, 31); }

    private static int shift(int opcode, int f3, int f6, int rd, int rs1, int sh, int max) {
        reg(rd); reg(rs1);
        if (sh < 0 || sh > max) throw new IllegalArgumentException("shift amount " + sh);
        return f6 << 26 | sh << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    public static int add(int rd, int rs1, int rs2) { return r(0x33, 0, 0x00, rd, rs1, rs2); }
    public static int sub(int rd, int rs1, int rs2) { return r(0x33, 0, 0x20, rd, rs1, rs2); }
    public static int sll(int rd, int rs1, int rs2) { return r(0x33, 1, 0x00, rd, rs1, rs2); }
    public static int slt(int rd, int rs1, int rs2) { return r(0x33, 2, 0x00, rd, rs1, rs2); }
    public static int sltu(int rd, int rs1, int rs2) { return r(0x33, 3, 0x00, rd, rs1, rs2); }
    public static int xor(int rd, int rs1, int rs2) { return r(0x33, 4, 0x00, rd, rs1, rs2); }
    public static int srl(int rd, int rs1, int rs2) { return r(0x33, 5, 0x00, rd, rs1, rs2); }
    public static int sra(int rd, int rs1, int rs2) { return r(0x33, 5, 0x20, rd, rs1, rs2); }
    public static int or(int rd, int rs1, int rs2) { return r(0x33, 6, 0x00, rd, rs1, rs2); }
    public static int and(int rd, int rs1, int rs2) { return r(0x33, 7, 0x00, rd, rs1, rs2); }
    public static int addw(int rd, int rs1, int rs2) { return r(0x3B, 0, 0x00, rd, rs1, rs2); }
    public static int subw(int rd, int rs1, int rs2) { return r(0x3B, 0, 0x20, rd, rs1, rs2); }
    public static int sllw(int rd, int rs1, int rs2) { return r(0x3B, 1, 0x00, rd, rs1, rs2); }
    public static int srlw(int rd, int rs1, int rs2) { return r(0x3B, 5, 0x00, rd, rs1, rs2); }
    public static int sraw(int rd, int rs1, int rs2) { return r(0x3B, 5, 0x20, rd, rs1, rs2); }
    public static int fence() { return 0x0FF0000F; }          // fence iorw, iorw
    public static int fenceI() { return 0x0000100F; }
    public static int ecall() { return 0x00000073; }
    public static int ebreak() { return 0x00100073; }
    public static int nop() { return addi(ZERO, ZERO, 0); }

    // ------------------------------------------------------------------ M

    public static int mul(int rd, int rs1, int rs2) { return r(0x33, 0, 0x01, rd, rs1, rs2); }
    public static int mulh(int rd, int rs1, int rs2) { return r(0x33, 1, 0x01, rd, rs1, rs2); }
    public static int mulhsu(int rd, int rs1, int rs2) { return r(0x33, 2, 0x01, rd, rs1, rs2); }
    public static int mulhu(int rd, int rs1, int rs2) { return r(0x33, 3, 0x01, rd, rs1, rs2); }
    public static int div(int rd, int rs1, int rs2) { return r(0x33, 4, 0x01, rd, rs1, rs2); }
    public static int divu(int rd, int rs1, int rs2) { return r(0x33, 5, 0x01, rd, rs1, rs2); }
    public static int rem(int rd, int rs1, int rs2) { return r(0x33, 6, 0x01, rd, rs1, rs2); }
    public static int remu(int rd, int rs1, int rs2) { return r(0x33, 7, 0x01, rd, rs1, rs2); }
    public static int mulw(int rd, int rs1, int rs2) { return r(0x3B, 0, 0x01, rd, rs1, rs2); }
    public static int divw(int rd, int rs1, int rs2) { return r(0x3B, 4, 0x01, rd, rs1, rs2); }
    public static int divuw(int rd, int rs1, int rs2) { return r(0x3B, 5, 0x01, rd, rs1, rs2); }
    public static int remw(int rd, int rs1, int rs2) { return r(0x3B, 6, 0x01, rd, rs1, rs2); }
    public static int remuw(int rd, int rs1, int rs2) { return r(0x3B, 7, 0x01, rd, rs1, rs2); }

    // ------------------------------------------------------------------ A

    public static final int AMOADD = 0x00, AMOSWAP = 0x01, LR = 0x02, SC = 0x03, AMOXOR = 0x04, AMOOR = 0x08,
            AMOAND = 0x0C, AMOMIN = 0x10, AMOMAX = 0x14, AMOMINU = 0x18, AMOMAXU = 0x1C;

    /** An AMO/LR/SC with funct5 {@code f5}; {@code dword} selects .D, else .W. aq/rl clear. */
    public static int amo(int f5, boolean dword, int rd, int rs1, int rs2) {
        return r(0x2F, dword ? 3 : 2, f5 << 2, rd, rs1, rs2);
    }

    public static int amo(int f5, boolean dword, boolean aq, boolean rl, int rd, int rs1, int rs2) {
        return r(0x2F, dword ? 3 : 2, f5 << 2 | (aq ? 2 : 0) | (rl ? 1 : 0), rd, rs1, rs2);
    }

    public static int lrW(int rd, int rs1) { return amo(LR, false, rd, rs1, 0); }
    public static int lrD(int rd, int rs1) { return amo(LR, true, rd, rs1, 0); }
    public static int scW(int rd, int rs2, int rs1) { return amo(SC, false, rd, rs1, rs2); }
    public static int scD(int rd, int rs2, int rs1) { return amo(SC, true, rd, rs1, rs2); }
    public static int amoaddD(int rd, int rs2, int rs1) { return amo(AMOADD, true, rd, rs1, rs2); }
    public static int amoaddW(int rd, int rs2, int rs1) { return amo(AMOADD, false, rd, rs1, rs2); }

    // ------------------------------------------------------------------ Zicsr

    public static final int CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
    public static final int CSR_CYCLE = 0xC00, CSR_TIME = 0xC01, CSR_INSTRET = 0xC02;

    public static int csrrw(int rd, int csr, int rs1) { return csrOp(1, rd, csr, rs1); }
    public static int csrrs(int rd, int csr, int rs1) { return csrOp(2, rd, csr, rs1); }
    public static int csrrc(int rd, int csr, int rs1) { return csrOp(3, rd, csr, rs1); }
    public static int csrrwi(int rd, int csr, int uimm) { return csrOp(5, rd, csr, uimm); }
    public static int csrrsi(int rd, int csr, int uimm) { return csrOp(6, rd, csr, uimm); }
    public static int csrrci(int rd, int csr, int uimm) { return csrOp(7, rd, csr, uimm); }

    private static int csrOp(int f3, int rd, int csr, int rs1) {
        reg(rd); reg(rs1);
        return (csr & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x73;
    }

    public static int rdcycle(int rd) { return csrrs(rd, CSR_CYCLE, ZERO); }
    public static int rdtime(int rd) { return csrrs(rd, CSR_TIME, ZERO); }
    public static int rdinstret(int rd) { return csrrs(rd, CSR_INSTRET, ZERO); }

    // ------------------------------------------------------------------ F and D (a few)

    public static int flw(int rd, int rs1, int imm) { return i(0x07, 2, rd, rs1, imm); }
    public static int fld(int rd, int rs1, int imm) { return i(0x07, 3, rd, rs1, imm); }
    public static int fsw(int rs2, int rs1, int imm) { return s(0x27, 2, rs1, rs2, imm); }
    public static int fsd(int rs2, int rs1, int imm) { return s(0x27, 3, rs1, rs2, imm); }
    public static int faddS(int rd, int rs1, int rs2, int rm) { return r(0x53, rm, 0x00, rd, rs1, rs2); }
    public static int faddD(int rd, int rs1, int rs2, int rm) { return r(0x53, rm, 0x01, rd, rs1, rs2); }
    public static int fsubD(int rd, int rs1, int rs2, int rm) { return r(0x53, rm, 0x05, rd, rs1, rs2); }
    public static int fmulD(int rd, int rs1, int rs2, int rm) { return r(0x53, rm, 0x09, rd, rs1, rs2); }
    public static int fdivD(int rd, int rs1, int rs2, int rm) { return r(0x53, rm, 0x0D, rd, rs1, rs2); }
    public static int fsqrtD(int rd, int rs1, int rm) { return r(0x53, rm, 0x2D, rd, rs1, 0); }
    public static int fmaddD(int rd, int rs1, int rs2, int rs3, int rm) { return r4(0x43, rm, 1, rd, rs1, rs2, rs3); }
    public static int fmsubS(int rd, int rs1, int rs2, int rs3, int rm) { return r4(0x47, rm, 0, rd, rs1, rs2, rs3); }
    public static int fnmsubD(int rd, int rs1, int rs2, int rs3, int rm) { return r4(0x4B, rm, 1, rd, rs1, rs2, rs3); }
    public static int fnmaddS(int rd, int rs1, int rs2, int rs3, int rm) { return r4(0x4F, rm, 0, rd, rs1, rs2, rs3); }
    public static int fsgnjxD(int rd, int rs1, int rs2) { return r(0x53, 2, 0x11, rd, rs1, rs2); }
    public static int fmaxS(int rd, int rs1, int rs2) { return r(0x53, 1, 0x14, rd, rs1, rs2); }
    public static int fcvtSD(int rd, int rs1, int rm) { return r(0x53, rm, 0x20, rd, rs1, 1); }
    public static int fcvtDS(int rd, int rs1, int rm) { return r(0x53, rm, 0x21, rd, rs1, 0); }
    public static int feqD(int rd, int rs1, int rs2) { return r(0x53, 2, 0x51, rd, rs1, rs2); }
    public static int fltS(int rd, int rs1, int rs2) { return r(0x53, 1, 0x50, rd, rs1, rs2); }
    public static int fcvtLD(int rd, int rs1, int rm) { return r(0x53, rm, 0x61, rd, rs1, 2); }
    public static int fcvtWUS(int rd, int rs1, int rm) { return r(0x53, rm, 0x60, rd, rs1, 1); }
    public static int fcvtDL(int rd, int rs1, int rm) { return r(0x53, rm, 0x69, rd, rs1, 2); }
    public static int fcvtSWU(int rd, int rs1, int rm) { return r(0x53, rm, 0x68, rd, rs1, 1); }
    public static int fmvXD(int rd, int rs1) { return r(0x53, 0, 0x71, rd, rs1, 0); }
    public static int fmvDX(int rd, int rs1) { return r(0x53, 0, 0x79, rd, rs1, 0); }
    public static int fmvXW(int rd, int rs1) { return r(0x53, 0, 0x70, rd, rs1, 0); }
    public static int fmvWX(int rd, int rs1) { return r(0x53, 0, 0x78, rd, rs1, 0); }
    public static int fclassD(int rd, int rs1) { return r(0x53, 1, 0x71, rd, rs1, 0); }

    // ------------------------------------------------------------------ C extension (RV64C)

    private static int creg(int r) {
        if (r < 8 || r > 15) throw new IllegalArgumentException("not a compressed register: x" + r);
        return r - 8;
    }

    /** Places bits hi..lo of {@code v} at bit position {@code at} upwards. */
    static int put(int v, int hi, int lo, int at) { return bits(v, hi, lo) << at; }

    private static int ci(int f3, int op, int rd, int b12, int b6to2) {
        return f3 << 13 | b12 << 12 | rd << 7 | b6to2 << 2 | op;
    }

    /** C.ADDI4SPN rd', sp, nzuimm (multiple of 4, 4..1020). */
    public static int cAddi4spn(int rdp, int imm) {
        return put(imm, 5, 4, 11) | put(imm, 9, 6, 7) | put(imm, 2, 2, 6) | put(imm, 3, 3, 5) | creg(rdp) << 2;
    }

    private static int clsW(int f3, int rp, int rs1p, int imm) {   // C.LW / C.SW layout
        return f3 << 13 | put(imm, 5, 3, 10) | creg(rs1p) << 7 | put(imm, 2, 2, 6) | put(imm, 6, 6, 5) | creg(rp) << 2;
    }

    private static int clsD(int f3, int rp, int rs1p, int imm) {   // C.LD / C.SD / C.FLD / C.FSD layout
        return f3 << 13 | put(imm, 5, 3, 10) | creg(rs1p) << 7 | put(imm, 7, 6, 5) | creg(rp) << 2;
    }

    public static int cFld(int rdp, int rs1p, int imm) { return clsD(1, rdp, rs1p, imm); }
    public static int cLw(int rdp, int rs1p, int imm) { return clsW(2, rdp, rs1p, imm); }
    public static int cLd(int rdp, int rs1p, int imm) { return clsD(3, rdp, rs1p, imm); }
    public static int cFsd(int rs2p, int rs1p, int imm) { return clsD(5, rs2p, rs1p, imm); }
    public static int cSw(int rs2p, int rs1p, int imm) { return clsW(6, rs2p, rs1p, imm); }
    public static int cSd(int rs2p, int rs1p, int imm) { return clsD(7, rs2p, rs1p, imm); }

    public static int cNop() { return 0x0001; }
    public static int cAddi(int rd, int imm) { return ci(0, 1, rd, bit(imm, 5), bits(imm, 4, 0)); }
    public static int cAddiw(int rd, int imm) { return ci(1, 1, rd, bit(imm, 5), bits(imm, 4, 0)); }
    public static int cLi(int rd, int imm) { return ci(2, 1, rd, bit(imm, 5), bits(imm, 4, 0)); }

    /** C.ADDI16SP sp, nzimm (multiple of 16, -512..496). */
    public static int cAddi16sp(int imm) {
        return 3 << 13 | put(imm, 9, 9, 12) | 2 << 7 | put(imm, 4, 4, 6) | put(imm, 6, 6, 5) | put(imm, 8, 7, 3)
                | put(imm, 5, 5, 2) | 1;
    }

    /** C.LUI rd, nzimm where {@code imm6} is the sign-extended 6-bit value of imm[17:12]. */
    public static int cLui(int rd, int imm6) { return ci(3, 1, rd, bit(imm6, 5), bits(imm6, 4, 0)); }

    private static int cb2(int f2, int rdp, int imm) {
        return 4 << 13 | bit(imm, 5) << 12 | f2 << 10 | creg(rdp) << 7 | bits(imm, 4, 0) << 2 | 1;
    }

    public static int cSrli(int rdp, int sh) { return cb2(0, rdp, sh); }
    public static int cSrai(int rdp, int sh) { return cb2(1, rdp, sh); }
    public static int cAndi(int rdp, int imm) { return cb2(2, rdp, imm); }

    private static int ca(int b12, int f2, int rdp, int rs2p) {
        return 4 << 13 | b12 << 12 | 3 << 10 | creg(rdp) << 7 | f2 << 5 | creg(rs2p) << 2 | 1;
    }

    public static int cSub(int rdp, int rs2p) { return ca(0, 0, rdp, rs2p); }
    public static int cXor(int rdp, int rs2p) { return ca(0, 1, rdp, rs2p); }
    public static int cOr(int rdp, int rs2p) { return ca(0, 2, rdp, rs2p); }
    public static int cAnd(int rdp, int rs2p) { return ca(0, 3, rdp, rs2p); }
    public static int cSubw(int rdp, int rs2p) { return ca(1, 0, rdp, rs2p); }
    public static int cAddw(int rdp, int rs2p) { return ca(1, 1, rdp, rs2p); }

    /** C.J offset (even, -2048..2046). */
    public static int cJ(int off) {
        return 5 << 13 | put(off, 11, 11, 12) | put(off, 4, 4, 11) | put(off, 9, 8, 9) | put(off, 10, 10, 8)
                | put(off, 6, 6, 7) | put(off, 7, 7, 6) | put(off, 3, 1, 3) | put(off, 5, 5, 2) | 1;
    }

    private static int cbr(int f3, int rs1p, int off) {
        return f3 << 13 | put(off, 8, 8, 12) | put(off, 4, 3, 10) | creg(rs1p) << 7 | put(off, 7, 6, 5)
                | put(off, 2, 1, 3) | put(off, 5, 5, 2) | 1;
    }

    /** C.BEQZ rs1', offset (even, -256..254). */
    public static int cBeqz(int rs1p, int off) { return cbr(6, rs1p, off); }
    public static int cBnez(int rs1p, int off) { return cbr(7, rs1p, off); }

    public static int cSlli(int rd, int sh) { return ci(0, 2, rd, bit(sh, 5), bits(sh, 4, 0)); }
    public static int cFldsp(int rd, int imm) { return ci(1, 2, rd, bit(imm, 5), bits(imm, 4, 3) << 3 | bits(imm, 8, 6)); }
    public static int cLwsp(int rd, int imm) { return ci(2, 2, rd, bit(imm, 5), bits(imm, 4, 2) << 2 | bits(imm, 7, 6)); }
    public static int cLdsp(int rd, int imm) { return ci(3, 2, rd, bit(imm, 5), bits(imm, 4, 3) << 3 | bits(imm, 8, 6)); }

    private static int cr(int f4, int rd, int rs2) { return f4 << 12 | rd << 7 | rs2 << 2 | 2; }

    public static int cJr(int rs1) { return cr(8, rs1, 0); }
    public static int cMv(int rd, int rs2) { return cr(8, rd, rs2); }
    public static int cEbreak() { return cr(9, 0, 0); }
    public static int cJalr(int rs1) { return cr(9, rs1, 0); }
    public static int cAdd(int rd, int rs2) { return cr(9, rd, rs2); }

    private static int css(int f3, int rs2, int b12to7) { return f3 << 13 | b12to7 << 7 | rs2 << 2 | 2; }

    public static int cFsdsp(int rs2, int imm) { return css(5, rs2, bits(imm, 5, 3) << 3 | bits(imm, 8, 6)); }
    public static int cSwsp(int rs2, int imm) { return css(6, rs2, bits(imm, 5, 2) << 2 | bits(imm, 7, 6)); }
    public static int cSdsp(int rs2, int imm) { return css(7, rs2, bits(imm, 5, 3) << 3 | bits(imm, 8, 6)); }
}
