package fornax.machine.cpu;

/**
 * Decoded operation numbers. A decoded instruction is a pair of ints:
 *
 * <pre>
 *   word  31..30  29..25  24   23..19  18..14  13..8   7..0
 *         unused   rs3    C    rs2     rs1     rd      op
 *   imm   immediate (sign-extended), CSR number, or FP rounding mode
 * </pre>
 *
 * C = 1 for a 16-bit (compressed) instruction: compressed forms are expanded to the base
 * operation they stand for. An integer rd of x0 is decoded as register 32, a sink nobody reads,
 * so the interpreter never tests for x0 on a write.
 */
final class Op {
    private Op() { }

    static final int ILLEGAL = 0, CROSS_PAGE = 1;
    // RV64I
    static final int LUI = 2, AUIPC = 3, JAL = 4, JALR = 5;
    static final int BEQ = 6, BNE = 7, BLT = 8, BGE = 9, BLTU = 10, BGEU = 11;
    static final int LB = 12, LH = 13, LW = 14, LD = 15, LBU = 16, LHU = 17, LWU = 18;
    static final int SB = 19, SH = 20, SW = 21, SD = 22;
    static final int ADDI = 23, SLTI = 24, SLTIU = 25, XORI = 26, ORI = 27, ANDI = 28, SLLI = 29, SRLI = 30, SRAI = 31;
    static final int ADD = 32, SUB = 33, SLL = 34, SLT = 35, SLTU = 36, XOR = 37, SRL = 38, SRA = 39, OR = 40, AND = 41;
    static final int ADDIW = 42, SLLIW = 43, SRLIW = 44, SRAIW = 45;
    static final int ADDW = 46, SUBW = 47, SLLW = 48, SRLW = 49, SRAW = 50;
    static final int FENCE = 51, FENCE_I = 52, ECALL = 53, EBREAK = 54;
    // M
    static final int MUL = 55, MULH = 56, MULHSU = 57, MULHU = 58, DIV = 59, DIVU = 60, REM = 61, REMU = 62;
    static final int MULW = 63, DIVW = 64, DIVUW = 65, REMW = 66, REMUW = 67;
    // A (W then D)
    static final int LR_W = 68, SC_W = 69, AMOSWAP_W = 70, AMOADD_W = 71, AMOXOR_W = 72, AMOAND_W = 73, AMOOR_W = 74,
            AMOMIN_W = 75, AMOMAX_W = 76, AMOMINU_W = 77, AMOMAXU_W = 78;
    static final int LR_D = 79, SC_D = 80, AMOSWAP_D = 81, AMOADD_D = 82, AMOXOR_D = 83, AMOAND_D = 84, AMOOR_D = 85,
            AMOMIN_D = 86, AMOMAX_D = 87, AMOMINU_D = 88, AMOMAXU_D = 89;
    // Zicsr
    static final int CSRRW = 90, CSRRS = 91, CSRRC = 92, CSRRWI = 93, CSRRSI = 94, CSRRCI = 95;
    // F
    static final int FLW = 96, FSW = 97, FMADD_S = 98, FMSUB_S = 99, FNMSUB_S = 100, FNMADD_S = 101;
    static final int FADD_S = 102, FSUB_S = 103, FMUL_S = 104, FDIV_S = 105, FSQRT_S = 106;
    static final int FSGNJ_S = 107, FSGNJN_S = 108, FSGNJX_S = 109, FMIN_S = 110, FMAX_S = 111;
    static final int FCVT_W_S = 112, FCVT_WU_S = 113, FMV_X_W = 114, FEQ_S = 115, FLT_S = 116, FLE_S = 117, FCLASS_S = 118;
    static final int FCVT_S_W = 119, FCVT_S_WU = 120, FMV_W_X = 121, FCVT_L_S = 122, FCVT_LU_S = 123, FCVT_S_L = 124, FCVT_S_LU = 125;
    // D
    static final int FLD = 126, FSD = 127, FMADD_D = 128, FMSUB_D = 129, FNMSUB_D = 130, FNMADD_D = 131;
    static final int FADD_D = 132, FSUB_D = 133, FMUL_D = 134, FDIV_D = 135, FSQRT_D = 136;
    static final int FSGNJ_D = 137, FSGNJN_D = 138, FSGNJX_D = 139, FMIN_D = 140, FMAX_D = 141;
    static final int FCVT_S_D = 142, FCVT_D_S = 143, FEQ_D = 144, FLT_D = 145, FLE_D = 146, FCLASS_D = 147;
    static final int FCVT_W_D = 148, FCVT_WU_D = 149, FCVT_D_W = 150, FCVT_D_WU = 151;
    static final int FCVT_L_D = 152, FCVT_LU_D = 153, FMV_X_D = 154, FCVT_D_L = 155, FCVT_D_LU = 156, FMV_D_X = 157;
    static final int COUNT = 158;

    static final int RD_SINK = 32;

    static int op(int w) { return w & 0xFF; }
    static int rd(int w) { return (w >>> 8) & 0x3F; }
    static int rs1(int w) { return (w >>> 14) & 0x1F; }
    static int rs2(int w) { return (w >>> 19) & 0x1F; }
    static int rs3(int w) { return (w >>> 25) & 0x1F; }
    static int len(int w) { return 4 - ((w >>> 23) & 2); }
    static boolean compressed(int w) { return (w & (1 << 24)) != 0; }

    static int pack(int op, int rd, int rs1, int rs2) {
        return op | rd << 8 | rs1 << 14 | rs2 << 19;
    }
}
