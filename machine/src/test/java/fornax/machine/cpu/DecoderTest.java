package fornax.machine.cpu;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.Rv;
import org.junit.jupiter.api.Test;

/**
 * {@link Decoder}: known encodings of every format decode to the expected operation and operands,
 * compressed instructions expand to their base operations, and reserved encodings are ILLEGAL
 * with the raw bits in imm. Instructions are built with the independent test encoder {@link Rv};
 * a few real assembler outputs anchor the compressed encoder itself.
 */
class DecoderTest {
    private static final int ANY = Integer.MIN_VALUE;
    private static final int SINK = Op.RD_SINK;

    /** A decoded instruction, unpacked. */
    private record Dec(int op, int rd, int rs1, int rs2, int rs3, int imm, boolean compressed, int len) {
        static Dec of(int raw) {
            long d = Decoder.decode(raw);
            int w = (int) d;
            return new Dec(Op.op(w), Op.rd(w), Op.rs1(w), Op.rs2(w), Op.rs3(w), (int) (d >>> 32), Op.compressed(w), Op.len(w));
        }
    }

    private static String hex(int raw) { return String.format("%08x", raw); }

    /** Asserts the decoding of a 32-bit instruction; ANY skips a field. */
    private static void expect32(int raw, int op, int rd, int rs1, int rs2, int imm) {
        Dec d = Dec.of(raw);
        String m = "decoding " + hex(raw) + " → " + d;
        assertEquals(op, d.op, m);
        if (rd != ANY) assertEquals(rd, d.rd, m + " rd");
        if (rs1 != ANY) assertEquals(rs1, d.rs1, m + " rs1");
        if (rs2 != ANY) assertEquals(rs2, d.rs2, m + " rs2");
        if (imm != ANY) assertEquals(imm, d.imm, m + " imm");
        assertFalse(d.compressed, m + " C bit");
        assertEquals(4, d.len, m + " length");
    }

    /** Asserts the expansion of a 16-bit instruction. */
    private static void expect16(int raw, int op, int rd, int rs1, int rs2, int imm) {
        Dec d = Dec.of(raw);
        String m = "decoding c." + String.format("%04x", raw) + " → " + d;
        assertEquals(op, d.op, m);
        if (rd != ANY) assertEquals(rd, d.rd, m + " rd");
        if (rs1 != ANY) assertEquals(rs1, d.rs1, m + " rs1");
        if (rs2 != ANY) assertEquals(rs2, d.rs2, m + " rs2");
        if (imm != ANY) assertEquals(imm, d.imm, m + " imm");
        assertTrue(d.compressed, m + " C bit");
        assertEquals(2, d.len, m + " length");
    }

    private static void expectIllegal(int raw) {
        Dec d = Dec.of(raw);
        assertEquals(Op.ILLEGAL, d.op, () -> "expected ILLEGAL for " + hex(raw) + ", got " + d);
        int bits = (raw & 3) == 3 ? raw : raw & 0xFFFF;
        assertEquals(bits, d.imm, () -> "ILLEGAL imm must be the raw bits for " + hex(raw));
    }

    // ------------------------------------------------------------------ RV64I formats

    @Test
    void rTypeAluOps() {
        int[][] cases = {
            {add(3, 4, 5), Op.ADD}, {sub(3, 4, 5), Op.SUB}, {sll(3, 4, 5), Op.SLL}, {slt(3, 4, 5), Op.SLT},
            {sltu(3, 4, 5), Op.SLTU}, {xor(3, 4, 5), Op.XOR}, {srl(3, 4, 5), Op.SRL}, {sra(3, 4, 5), Op.SRA},
            {or(3, 4, 5), Op.OR}, {and(3, 4, 5), Op.AND}, {addw(3, 4, 5), Op.ADDW}, {subw(3, 4, 5), Op.SUBW},
            {sllw(3, 4, 5), Op.SLLW}, {srlw(3, 4, 5), Op.SRLW}, {sraw(3, 4, 5), Op.SRAW},
        };
        for (int[] c : cases) expect32(c[0], c[1], 3, 4, 5, 0);
        expect32(add(31, 30, 29), Op.ADD, 31, 30, 29, 0);
    }

    @Test
    void knownRealEncodings() {
        expect32(0x00b50533, Op.ADD, 10, 10, 11, 0);        // add a0,a0,a1
        expect32(0xff010113, Op.ADDI, 2, 2, ANY, -16);      // addi sp,sp,-16
        expect32(0x00813823, Op.SD, ANY, 2, 8, 16);         // sd s0,16(sp)
        expect32(0x00008067, Op.JALR, SINK, 1, ANY, 0);     // ret
        expect32(0x00000517, Op.AUIPC, 10, ANY, ANY, 0);    // auipc a0,0x0
        expect32(0x02b50533, Op.MUL, 10, 10, 11, 0);        // mul a0,a0,a1
        expect32(0x100525af, Op.LR_W, 11, 10, 0, 0);        // lr.w a1,(a0)
        expect32(0xc0002573, Op.CSRRS, 10, 0, ANY, 0xC00);  // rdcycle a0
        expect32(0x0000100f, Op.FENCE_I, ANY, ANY, ANY, ANY);
    }

    @Test
    void iTypeImmediatesAreSignExtended() {
        expect32(addi(1, 2, -2048), Op.ADDI, 1, 2, ANY, -2048);
        expect32(addi(1, 2, 2047), Op.ADDI, 1, 2, ANY, 2047);
        expect32(slti(7, 8, -1), Op.SLTI, 7, 8, ANY, -1);
        expect32(sltiu(7, 8, -1), Op.SLTIU, 7, 8, ANY, -1);
        expect32(xori(7, 8, -1), Op.XORI, 7, 8, ANY, -1);
        expect32(ori(7, 8, 0x555), Op.ORI, 7, 8, ANY, 0x555);
        expect32(andi(7, 8, -0x800), Op.ANDI, 7, 8, ANY, -0x800);
        expect32(addiw(9, 10, -5), Op.ADDIW, 9, 10, ANY, -5);
        expect32(jalr(1, 5, -4), Op.JALR, 1, 5, ANY, -4);
        for (int imm = -2048; imm <= 2047; imm += 97) expect32(addi(5, 6, imm), Op.ADDI, 5, 6, ANY, imm);
    }

    @Test
    void loadsOfEveryWidth() {
        expect32(lb(1, 2, -1), Op.LB, 1, 2, ANY, -1);
        expect32(lh(1, 2, 2), Op.LH, 1, 2, ANY, 2);
        expect32(lw(1, 2, -2048), Op.LW, 1, 2, ANY, -2048);
        expect32(ld(1, 2, 2047), Op.LD, 1, 2, ANY, 2047);
        expect32(lbu(1, 2, 0), Op.LBU, 1, 2, ANY, 0);
        expect32(lhu(1, 2, 4), Op.LHU, 1, 2, ANY, 4);
        expect32(lwu(1, 2, 8), Op.LWU, 1, 2, ANY, 8);
    }

    @Test
    void shiftImmediates() {
        for (int sh = 0; sh < 64; sh++) {
            expect32(slli(3, 4, sh), Op.SLLI, 3, 4, ANY, sh);
            expect32(srli(3, 4, sh), Op.SRLI, 3, 4, ANY, sh);
            expect32(srai(3, 4, sh), Op.SRAI, 3, 4, ANY, sh);
        }
        for (int sh = 0; sh < 32; sh++) {
            expect32(slliw(3, 4, sh), Op.SLLIW, 3, 4, ANY, sh);
            expect32(srliw(3, 4, sh), Op.SRLIW, 3, 4, ANY, sh);
            expect32(sraiw(3, 4, sh), Op.SRAIW, 3, 4, ANY, sh);
        }
    }

    @Test
    void sTypeStores() {
        expect32(sd(5, 6, -8), Op.SD, ANY, 6, 5, -8);
        expect32(sb(1, 2, -2048), Op.SB, ANY, 2, 1, -2048);
        expect32(sh(1, 2, 2047), Op.SH, ANY, 2, 1, 2047);
        expect32(sw(31, 30, 124), Op.SW, ANY, 30, 31, 124);
        for (int imm = -2048; imm <= 2047; imm += 61) expect32(sd(7, 8, imm), Op.SD, ANY, 8, 7, imm);
    }

    @Test
    void bTypeBranchesAndOffsets() {
        int[][] ops = {{0, Op.BEQ}, {1, Op.BNE}, {4, Op.BLT}, {5, Op.BGE}, {6, Op.BLTU}, {7, Op.BGEU}};
        for (int[] o : ops) {
            for (int off : new int[] {-4096, -2, 0, 2, 4094, 2048, -2048, 0x7FE, 0x800, 0xAAA}) {
                expect32(Rv.b(o[0], 11, 12, off), o[1], ANY, 11, 12, off);
            }
        }
        for (int off = -4096; off <= 4094; off += 2) expect32(beq(1, 2, off), Op.BEQ, ANY, 1, 2, off);
    }

    @Test
    void uTypeUpperImmediates() {
        expect32(lui(7, 0xFFFFF), Op.LUI, 7, ANY, ANY, 0xFFFFF000);
        expect32(lui(7, 0x80000), Op.LUI, 7, ANY, ANY, 0x80000000);
        expect32(lui(7, 1), Op.LUI, 7, ANY, ANY, 0x1000);
        expect32(auipc(8, 0xFFFFF), Op.AUIPC, 8, ANY, ANY, -4096);
        expect32(auipc(8, 0x12345), Op.AUIPC, 8, ANY, ANY, 0x12345000);
    }

    @Test
    void jTypeOffsets() {
        expect32(jal(1, -(1 << 20)), Op.JAL, 1, ANY, ANY, -(1 << 20));
        expect32(jal(1, (1 << 20) - 2), Op.JAL, 1, ANY, ANY, (1 << 20) - 2);
        for (int off = -(1 << 20); off < (1 << 20); off += 2 * 1237) expect32(jal(5, off), Op.JAL, 5, ANY, ANY, off);
        for (int bit = 1; bit <= 20; bit++) {
            int off = bit == 20 ? -(1 << 20) : 1 << bit;
            expect32(jal(1, off), Op.JAL, 1, ANY, ANY, off);
        }
    }

    @Test
    void integerWritesToX0GoToTheSink() {
        expect32(add(0, 1, 2), Op.ADD, SINK, 1, 2, 0);
        expect32(addi(0, 0, 0), Op.ADDI, SINK, 0, ANY, 0);
        expect32(lui(0, 5), Op.LUI, SINK, ANY, ANY, 0x5000);
        expect32(ld(0, 2, 0), Op.LD, SINK, 2, ANY, 0);
        expect32(jal(0, 8), Op.JAL, SINK, ANY, ANY, 8);
        expect32(jalr(0, 1, 0), Op.JALR, SINK, 1, ANY, 0);
        expect32(csrrs(0, CSR_FCSR, 0), Op.CSRRS, SINK, 0, ANY, CSR_FCSR);
        expect32(amoaddD(0, 2, 3), Op.AMOADD_D, SINK, 3, 2, 0);
        expect32(feqD(0, 1, 2), Op.FEQ_D, SINK, 1, 2, ANY);
        // FP destinations are FP registers: f0 is a real register.
        expect32(faddD(0, 1, 2, RNE), Op.FADD_D, 0, 1, 2, RNE);
        expect32(fld(0, 2, 8), Op.FLD, 0, 2, ANY, 8);
    }

    @Test
    void mExtension() {
        int[][] cases = {
            {mul(3, 4, 5), Op.MUL}, {mulh(3, 4, 5), Op.MULH}, {mulhsu(3, 4, 5), Op.MULHSU}, {mulhu(3, 4, 5), Op.MULHU},
            {div(3, 4, 5), Op.DIV}, {divu(3, 4, 5), Op.DIVU}, {rem(3, 4, 5), Op.REM}, {remu(3, 4, 5), Op.REMU},
            {mulw(3, 4, 5), Op.MULW}, {divw(3, 4, 5), Op.DIVW}, {divuw(3, 4, 5), Op.DIVUW}, {remw(3, 4, 5), Op.REMW},
            {remuw(3, 4, 5), Op.REMUW},
        };
        for (int[] c : cases) expect32(c[0], c[1], 3, 4, 5, 0);
    }

    @Test
    void aExtension() {
        int[] f5 = {LR, SC, AMOSWAP, AMOADD, AMOXOR, AMOAND, AMOOR, AMOMIN, AMOMAX, AMOMINU, AMOMAXU};
        int[] w = {Op.LR_W, Op.SC_W, Op.AMOSWAP_W, Op.AMOADD_W, Op.AMOXOR_W, Op.AMOAND_W, Op.AMOOR_W,
                   Op.AMOMIN_W, Op.AMOMAX_W, Op.AMOMINU_W, Op.AMOMAXU_W};
        int[] d = {Op.LR_D, Op.SC_D, Op.AMOSWAP_D, Op.AMOADD_D, Op.AMOXOR_D, Op.AMOAND_D, Op.AMOOR_D,
                   Op.AMOMIN_D, Op.AMOMAX_D, Op.AMOMINU_D, Op.AMOMAXU_D};
        for (int k = 0; k < f5.length; k++) {
            int rs2 = f5[k] == LR ? 0 : 7;
            for (boolean aq : new boolean[] {false, true}) {
                for (boolean rl : new boolean[] {false, true}) {
                    expect32(amo(f5[k], false, aq, rl, 5, 6, rs2), w[k], 5, 6, rs2, 0);
                    expect32(amo(f5[k], true, aq, rl, 5, 6, rs2), d[k], 5, 6, rs2, 0);
                }
            }
        }
    }

    @Test
    void csrInstructionsCarryTheCsrNumber() {
        expect32(csrrw(5, CSR_FCSR, 6), Op.CSRRW, 5, 6, ANY, CSR_FCSR);
        expect32(csrrs(5, CSR_CYCLE, 0), Op.CSRRS, 5, 0, ANY, 0xC00);
        expect32(csrrc(5, CSR_FFLAGS, 7), Op.CSRRC, 5, 7, ANY, 1);
        expect32(csrrwi(5, CSR_FRM, 31), Op.CSRRWI, 5, 31, ANY, 2);
        expect32(csrrsi(5, CSR_TIME, 1), Op.CSRRSI, 5, 1, ANY, 0xC01);
        expect32(csrrci(5, CSR_INSTRET, 2), Op.CSRRCI, 5, 2, ANY, 0xC02);
        expect32(csrrs(5, 0xFFF, 0), Op.CSRRS, 5, 0, ANY, 0xFFF);   // CSR numbers are unsigned
    }

    @Test
    void systemAndFences() {
        expect32(ecall(), Op.ECALL, ANY, ANY, ANY, ANY);
        expect32(ebreak(), Op.EBREAK, ANY, ANY, ANY, ANY);
        expect32(fence(), Op.FENCE, ANY, ANY, ANY, ANY);
        expect32(0x0330000F, Op.FENCE, ANY, ANY, ANY, ANY);   // fence rw,rw
        expect32(0x8330000F, Op.FENCE, ANY, ANY, ANY, ANY);   // fence.tso
        expect32(fenceI(), Op.FENCE_I, ANY, ANY, ANY, ANY);
    }

    @Test
    void floatingPoint() {
        expect32(flw(1, 2, -4), Op.FLW, 1, 2, ANY, -4);
        expect32(fld(3, 4, 2040), Op.FLD, 3, 4, ANY, 2040);
        expect32(fsw(5, 6, -2048), Op.FSW, ANY, 6, 5, -2048);
        expect32(fsd(7, 8, 16), Op.FSD, ANY, 8, 7, 16);
        expect32(faddS(1, 2, 3, RTZ), Op.FADD_S, 1, 2, 3, RTZ);
        expect32(faddD(1, 2, 3, DYN), Op.FADD_D, 1, 2, 3, DYN);
        expect32(fsubD(1, 2, 3, RMM), Op.FSUB_D, 1, 2, 3, RMM);
        expect32(fmulD(1, 2, 3, RUP), Op.FMUL_D, 1, 2, 3, RUP);
        expect32(fdivD(1, 2, 3, RDN), Op.FDIV_D, 1, 2, 3, RDN);
        expect32(fsqrtD(1, 2, RNE), Op.FSQRT_D, 1, 2, ANY, RNE);
        expect32(fsgnjxD(4, 5, 6), Op.FSGNJX_D, 4, 5, 6, ANY);
        expect32(fmaxS(4, 5, 6), Op.FMAX_S, 4, 5, 6, ANY);
        expect32(fcvtSD(1, 2, RNE), Op.FCVT_S_D, 1, 2, ANY, RNE);
        expect32(fcvtDS(1, 2, RNE), Op.FCVT_D_S, 1, 2, ANY, RNE);
        expect32(fltS(10, 2, 3), Op.FLT_S, 10, 2, 3, ANY);
        expect32(fcvtLD(10, 2, RTZ), Op.FCVT_L_D, 10, 2, ANY, RTZ);
        expect32(fcvtWUS(10, 2, RTZ), Op.FCVT_WU_S, 10, 2, ANY, RTZ);
        expect32(fcvtDL(1, 10, DYN), Op.FCVT_D_L, 1, 10, ANY, DYN);
        expect32(fcvtSWU(1, 10, DYN), Op.FCVT_S_WU, 1, 10, ANY, DYN);
        expect32(fmvXD(10, 1), Op.FMV_X_D, 10, 1, ANY, ANY);
        expect32(fmvDX(1, 10), Op.FMV_D_X, 1, 10, ANY, ANY);
        expect32(fmvXW(10, 1), Op.FMV_X_W, 10, 1, ANY, ANY);
        expect32(fmvWX(1, 10), Op.FMV_W_X, 1, 10, ANY, ANY);
        expect32(fclassD(10, 1), Op.FCLASS_D, 10, 1, ANY, ANY);
    }

    @Test
    void fusedMultiplyAddCarriesRs3() {
        Dec d = Dec.of(fmaddD(1, 2, 3, 4, RNE));
        assertEquals(Op.FMADD_D, d.op);
        assertEquals(1, d.rd);
        assertEquals(2, d.rs1);
        assertEquals(3, d.rs2);
        assertEquals(4, d.rs3);
        assertEquals(RNE, d.imm);
        d = Dec.of(fmsubS(31, 30, 29, 28, DYN));
        assertEquals(Op.FMSUB_S, d.op);
        assertEquals(28, d.rs3);
        assertEquals(DYN, d.imm);
        d = Dec.of(fnmsubD(1, 2, 3, 31, RTZ));
        assertEquals(Op.FNMSUB_D, d.op);
        assertEquals(31, d.rs3);
        d = Dec.of(fnmaddS(1, 2, 3, 17, RMM));
        assertEquals(Op.FNMADD_S, d.op);
        assertEquals(17, d.rs3);
    }

    // ------------------------------------------------------------------ C extension

    @Test
    void compressedEncoderMatchesRealAssemblerOutput() {
        // Anchors for the test-side encoder: bytes as GNU as / objdump print them.
        assertEquals(0x1141, cAddi(SP, -16));     // addi sp,sp,-16
        assertEquals(0x0141, cAddi(SP, 16));      // addi sp,sp,16
        assertEquals(0xe406, cSdsp(RA, 8));       // sd ra,8(sp)
        assertEquals(0x60a2, cLdsp(RA, 8));       // ld ra,8(sp)
        assertEquals(0x0800, cAddi4spn(S0, 16));  // addi s0,sp,16
        assertEquals(0x8082, cJr(RA));            // ret
        assertEquals(0x852e, cMv(A0, A1));        // mv a0,a1
        assertEquals(0x4501, cLi(A0, 0));         // li a0,0
        assertEquals(0x557d, cLi(A0, -1));        // li a0,-1
        assertEquals(0x9002, cEbreak());          // ebreak
        assertEquals(0x6508, cLd(A0, A0, 8));     // ld a0,8(a0)
        assertEquals(0xe10c, cSd(A1, A0, 0));     // sd a1,0(a0)
        assertEquals(0x411c, cLw(A5, A0, 0));     // lw a5,0(a0)
        assertEquals(0x7139, cAddi16sp(-64));     // addi sp,sp,-64
        assertEquals(0x2501, cAddiw(A0, 0));      // sext.w a0,a0
        assertEquals(0xa001, cJ(0));              // j .
        assertEquals(0x9782, cJalr(A5));          // jalr a5
        assertEquals(0x8d0d, cSub(A0, A1));       // sub a0,a0,a1
    }

    @Test
    void knownCompressedEncodings() {
        expect16(0x1141, Op.ADDI, 2, 2, ANY, -16);
        expect16(0xe406, Op.SD, ANY, 2, 1, 8);
        expect16(0x60a2, Op.LD, 1, 2, ANY, 8);
        expect16(0x0800, Op.ADDI, 8, 2, ANY, 16);
        expect16(0x8082, Op.JALR, SINK, 1, ANY, 0);
        expect16(0x852e, Op.ADD, 10, 0, 11, 0);
        expect16(0x557d, Op.ADDI, 10, 0, ANY, -1);
        expect16(0x9002, Op.EBREAK, ANY, ANY, ANY, ANY);
        expect16(0x0001, Op.ADDI, SINK, 0, ANY, 0);   // c.nop
        expect16(0x2501, Op.ADDIW, 10, 10, ANY, 0);
        expect16(0xa001, Op.JAL, SINK, ANY, ANY, 0);
    }

    @Test
    void cAddi4spnExpansion() {
        for (int rd = 8; rd < 16; rd++)
            for (int imm = 4; imm <= 1020; imm += 4) expect16(Rv.cAddi4spn(rd, imm), Op.ADDI, rd, SP, ANY, imm);
    }

    @Test
    void cLoadsAndStoresRegisterBased() {
        for (int imm = 0; imm <= 124; imm += 4) {
            expect16(cLw(9, 10, imm), Op.LW, 9, 10, ANY, imm);
            expect16(cSw(11, 12, imm), Op.SW, ANY, 12, 11, imm);
        }
        for (int imm = 0; imm <= 248; imm += 8) {
            expect16(cLd(15, 8, imm), Op.LD, 15, 8, ANY, imm);
            expect16(cSd(13, 14, imm), Op.SD, ANY, 14, 13, imm);
            expect16(cFld(8, 9, imm), Op.FLD, 8, 9, ANY, imm);
            expect16(cFsd(10, 11, imm), Op.FSD, ANY, 11, 10, imm);
        }
    }

    @Test
    void cAddiAddiwLiNop() {
        for (int imm = -32; imm <= 31; imm++) {
            expect16(cAddi(A0, imm), Op.ADDI, A0, A0, ANY, imm);
            expect16(cAddiw(T1, imm), Op.ADDIW, T1, T1, ANY, imm);
            expect16(cLi(S11, imm), Op.ADDI, S11, 0, ANY, imm);
        }
        expect16(cNop(), Op.ADDI, SINK, 0, ANY, 0);
    }

    @Test
    void cAddi16spExpansion() {
        for (int imm = -512; imm <= 496; imm += 16) {
            if (imm == 0) continue;
            expect16(Rv.cAddi16sp(imm), Op.ADDI, SP, SP, ANY, imm);
        }
    }

    @Test
    void cLuiExpansion() {
        for (int imm6 = -32; imm6 <= 31; imm6++) {
            if (imm6 == 0) continue;
            expect16(Rv.cLui(A3, imm6), Op.LUI, A3, ANY, ANY, imm6 << 12);
        }
        expect16(Rv.cLui(A3, -32), Op.LUI, A3, ANY, ANY, 0xFFFE0000);
        expect16(Rv.cLui(A3, 31), Op.LUI, A3, ANY, ANY, 0x1F000);
    }

    @Test
    void cShiftsAndAndi() {
        for (int sh = 1; sh < 64; sh++) {
            expect16(cSrli(9, sh), Op.SRLI, 9, 9, ANY, sh);
            expect16(cSrai(14, sh), Op.SRAI, 14, 14, ANY, sh);
            expect16(cSlli(T5, sh), Op.SLLI, T5, T5, ANY, sh);
        }
        for (int imm = -32; imm <= 31; imm++) expect16(cAndi(10, imm), Op.ANDI, 10, 10, ANY, imm);
    }

    @Test
    void cArithmetic() {
        expect16(cSub(8, 15), Op.SUB, 8, 8, 15, 0);
        expect16(cXor(9, 14), Op.XOR, 9, 9, 14, 0);
        expect16(cOr(10, 13), Op.OR, 10, 10, 13, 0);
        expect16(cAnd(11, 12), Op.AND, 11, 11, 12, 0);
        expect16(cSubw(12, 11), Op.SUBW, 12, 12, 11, 0);
        expect16(cAddw(13, 10), Op.ADDW, 13, 13, 10, 0);
    }

    @Test
    void cJumpOffsets() {
        for (int off = -2048; off <= 2046; off += 2) expect16(cJ(off), Op.JAL, SINK, ANY, ANY, off);
    }

    @Test
    void cBranchOffsets() {
        for (int off = -256; off <= 254; off += 2) {
            expect16(cBeqz(10, off), Op.BEQ, ANY, 10, 0, off);
            expect16(cBnez(15, off), Op.BNE, ANY, 15, 0, off);
        }
    }

    @Test
    void cStackPointerLoadsAndStores() {
        for (int imm = 0; imm <= 252; imm += 4) {
            expect16(cLwsp(A0, imm), Op.LW, A0, SP, ANY, imm);
            expect16(cSwsp(T6, imm), Op.SW, ANY, SP, T6, imm);
        }
        for (int imm = 0; imm <= 504; imm += 8) {
            expect16(cLdsp(S1, imm), Op.LD, S1, SP, ANY, imm);
            expect16(cFldsp(0, imm), Op.FLD, 0, SP, ANY, imm);      // f0 is a valid target
            expect16(cSdsp(RA, imm), Op.SD, ANY, SP, RA, imm);
            expect16(cFsdsp(31, imm), Op.FSD, ANY, SP, 31, imm);
        }
    }

    @Test
    void cRegisterJumpsMovesAndAdd() {
        expect16(cJr(T0), Op.JALR, SINK, T0, ANY, 0);
        expect16(cJalr(T0), Op.JALR, RA, T0, ANY, 0);
        expect16(cJalr(RA), Op.JALR, RA, RA, ANY, 0);
        expect16(cMv(A0, T6), Op.ADD, A0, 0, T6, 0);
        expect16(cAdd(A0, T6), Op.ADD, A0, A0, T6, 0);
        expect16(cEbreak(), Op.EBREAK, ANY, ANY, ANY, ANY);
    }

    // ------------------------------------------------------------------ reserved and illegal encodings

    @Test
    void allZeroParcelIsIllegal() { expectIllegal(0x0000); }

    @Test
    void cAddi4spnWithZeroImmediateIsReserved() {
        for (int rd = 0; rd < 8; rd++) expectIllegal(rd << 2);
    }

    @Test
    void cLwspAndLdspWithRdZeroAreReserved() {
        expectIllegal(cLwsp(ZERO, 4));
        expectIllegal(cLwsp(ZERO, 0));
        expectIllegal(cLdsp(ZERO, 8));
    }

    @Test
    void cJrWithRs1ZeroIsReserved() { expectIllegal(0x8002); }

    @Test
    void otherReservedCompressedEncodings() {
        expectIllegal(cAddiw(ZERO, 1));           // C.ADDIW rd=0
        expectIllegal(0x6101);                    // C.ADDI16SP with nzimm=0
        expectIllegal(Rv.cLui(A0, 0));            // C.LUI with nzimm=0
        expectIllegal(0x8000);                    // quadrant 0, funct3 100: reserved
        expectIllegal(0x9d4d);                    // CA with bit 12 set, funct2 10: reserved
        expectIllegal(0x9d6d);                    // CA with bit 12 set, funct2 11: reserved
    }

    @Test
    void unknownOpcodesAreIllegal() {
        expectIllegal(0xFFFFFFFF);
        expectIllegal(0x0000007F);   // >= 80-bit encoding space
        expectIllegal(0x0000000B);   // custom-0
        expectIllegal(0x0000002B);   // custom-1
        expectIllegal(0x0000005B);   // custom-2
        expectIllegal(0x00000077);   // reserved major opcode 1110111
        expectIllegal(0x0000001F);   // 48-bit encoding space
    }

    @Test
    void reservedFunctFieldsAreIllegal() {
        expectIllegal(lb(1, 2, 0) | 7 << 12);         // load funct3 111
        expectIllegal(sb(1, 2, 0) | 4 << 12);         // store funct3 100
        expectIllegal(beq(1, 2, 8) | 2 << 12);        // branch funct3 010
        expectIllegal(beq(1, 2, 8) | 3 << 12);        // branch funct3 011
        expectIllegal(jalr(1, 2, 0) | 1 << 12);       // jalr funct3 001
        expectIllegal(add(1, 2, 3) | 0x02 << 25);     // OP funct7 0000010
        expectIllegal(addw(1, 2, 3) | 0x21 << 25);
        expectIllegal(slli(1, 2, 1) | 1 << 26);       // funct6 != 0
        expectIllegal(srai(1, 2, 1) | 1 << 27);       // funct6 010010
        expectIllegal(slliw(1, 2, 1) | 1 << 25);      // RV64: shamt[5] of a W shift is reserved
        expectIllegal(sraiw(1, 2, 1) | 1 << 25);
        expectIllegal(fence() | 2 << 12);             // MISC-MEM funct3 010
        expectIllegal(amo(LR, false, 1, 2, 3));       // lr.w with rs2 != 0
        expectIllegal(amo(0x05, true, 1, 2, 3));      // unknown AMO funct5
        expectIllegal(amo(AMOADD, false, 1, 2, 3) & ~(7 << 12) | 1 << 12);   // AMO width funct3 001
        expectIllegal(flw(1, 2, 0) & ~(7 << 12) | 1 << 12);
        expectIllegal(0x10200073);                    // sret
        expectIllegal(0x30200073);                    // mret
        expectIllegal(0x10500073);                    // wfi
        expectIllegal(0x12000073);                    // sfence.vma x0,x0
        expectIllegal(ecall() | 4 << 12);             // SYSTEM funct3 100
    }

    @Test
    void badStaticRoundingModesAreIllegal() {
        for (int rm : new int[] {5, 6}) {
            expectIllegal(faddS(1, 2, 3, rm));
            expectIllegal(faddD(1, 2, 3, rm));
            expectIllegal(fmulD(1, 2, 3, rm));
            expectIllegal(fsqrtD(1, 2, rm));
            expectIllegal(fmaddD(1, 2, 3, 4, rm));
            expectIllegal(fcvtLD(10, 1, rm));
            expectIllegal(fcvtDL(1, 10, rm));
            expectIllegal(fcvtSD(1, 2, rm));
        }
        // rm 7 is "dynamic": legal at decode time.
        expect32(faddD(1, 2, 3, DYN), Op.FADD_D, 1, 2, 3, DYN);
    }

    @Test
    void otherReservedFpEncodings() {
        expectIllegal(fsqrtD(1, 2, RNE) | 1 << 20);               // fsqrt with rs2 != 0
        expectIllegal(fsgnjxD(1, 2, 3) & ~(7 << 12) | 3 << 12);   // fsgnj funct3 011
        expectIllegal(fmaxS(1, 2, 3) & ~(7 << 12) | 2 << 12);     // fmin/fmax funct3 010
        expectIllegal(fmvXW(1, 2) | 2 << 12);                     // funct7 1110000 with funct3 010
        expectIllegal(fmvWX(1, 2) | 1 << 12);
        expectIllegal(r4(0x43, RNE, 2, 1, 2, 3, 4));              // fmadd.h: no Zfh
        expectIllegal(r4(0x43, RNE, 3, 1, 2, 3, 4));              // fmadd.q: no Q
        expectIllegal(fcvtLD(10, 1, RTZ) & ~(31 << 20) | 4 << 20); // fcvt with rs2 = 4
        expectIllegal(fcvtSD(1, 2, RNE) & ~(31 << 20));           // fcvt.s.d needs rs2 = 1
    }
}
