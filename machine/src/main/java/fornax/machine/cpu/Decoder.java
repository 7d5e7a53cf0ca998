package fornax.machine.cpu;

import static fornax.machine.cpu.Op.*;

/**
 * Decodes RV64GC instructions into the interpreter's compact form (see {@link Op}).
 * {@link #decode} returns {@code imm << 32 | word}. Anything reserved or unknown decodes to
 * {@link Op#ILLEGAL} with the raw bits as imm, so the trap can report them in tval.
 *
 * <p>Pure functions, no state: safe from any thread.
 */
final class Decoder {
    private Decoder() { }

    /** Decodes the instruction whose first 16 (or 32) bits are {@code raw}. */
    static long decode(int raw) {
        return (raw & 3) == 3 ? decode32(raw) : decode16(raw & 0xFFFF);
    }

    private static long make(int op, int rd, int rs1, int rs2, int imm) {
        return ((long) imm << 32) | (pack(op, rd, rs1, rs2) & 0xFFFFFFFFL);
    }

    /** Integer destination: x0 becomes the sink register. */
    private static int ird(int rd) { return rd == 0 ? RD_SINK : rd; }

    private static long illegal(int raw) { return make(ILLEGAL, 0, 0, 0, raw); }

    // ---------------------------------------------------------------- 32-bit

    static long decode32(int raw) {
        int opcode = raw & 0x7F, rd = (raw >>> 7) & 31, f3 = (raw >>> 12) & 7;
        int rs1 = (raw >>> 15) & 31, rs2 = (raw >>> 20) & 31, f7 = raw >>> 25;
        int immI = raw >> 20;
        switch (opcode) {
            case 0x37: return make(LUI, ird(rd), 0, 0, raw & 0xFFFFF000);
            case 0x17: return make(AUIPC, ird(rd), 0, 0, raw & 0xFFFFF000);
            case 0x6F: {
                int imm = ((raw >> 11) & 0xFFF00000) | (raw & 0xFF000) | ((raw >>> 9) & 0x800) | ((raw >>> 20) & 0x7FE);
                return make(JAL, ird(rd), 0, 0, imm);
            }
            case 0x67: return f3 == 0 ? make(JALR, ird(rd), rs1, 0, immI) : illegal(raw);
            case 0x63: {
                int imm = ((raw >> 19) & 0xFFFFF000) | ((raw << 4) & 0x800) | ((raw >>> 20) & 0x7E0) | ((raw >>> 7) & 0x1E);
                int op = switch (f3) {
                    case 0 -> BEQ; case 1 -> BNE; case 4 -> BLT; case 5 -> BGE; case 6 -> BLTU; case 7 -> BGEU;
                    default -> ILLEGAL;
                };
                return op == ILLEGAL ? illegal(raw) : make(op, 0, rs1, rs2, imm);
            }
            case 0x03: {
                int op = switch (f3) {
                    case 0 -> LB; case 1 -> LH; case 2 -> LW; case 3 -> LD; case 4 -> LBU; case 5 -> LHU; case 6 -> LWU;
                    default -> ILLEGAL;
                };
                return op == ILLEGAL ? illegal(raw) : make(op, ird(rd), rs1, 0, immI);
            }
            case 0x23: {
                int imm = (f7 << 5 | rd) << 20 >> 20;
                int op = switch (f3) { case 0 -> SB; case 1 -> SH; case 2 -> SW; case 3 -> SD; default -> ILLEGAL; };
                return op == ILLEGAL ? illegal(raw) : make(op, 0, rs1, rs2, imm);
            }
            case 0x13: {
                int shamt = (raw >>> 20) & 63, f6 = raw >>> 26;
                switch (f3) {
                    case 0: return make(ADDI, ird(rd), rs1, 0, immI);
                    case 2: return make(SLTI, ird(rd), rs1, 0, immI);
                    case 3: return make(SLTIU, ird(rd), rs1, 0, immI);
                    case 4: return make(XORI, ird(rd), rs1, 0, immI);
                    case 6: return make(ORI, ird(rd), rs1, 0, immI);
                    case 7: return make(ANDI, ird(rd), rs1, 0, immI);
                    case 1: return f6 == 0 ? make(SLLI, ird(rd), rs1, 0, shamt) : illegal(raw);
                    default:
                        if (f6 == 0) return make(SRLI, ird(rd), rs1, 0, shamt);
                        if (f6 == 0x10) return make(SRAI, ird(rd), rs1, 0, shamt);
                        return illegal(raw);
                }
            }
            case 0x1B: {
                int shamt = rs2;
                if (f3 == 0) return make(ADDIW, ird(rd), rs1, 0, immI);
                if (f3 == 1 && f7 == 0) return make(SLLIW, ird(rd), rs1, 0, shamt);
                if (f3 == 5 && f7 == 0) return make(SRLIW, ird(rd), rs1, 0, shamt);
                if (f3 == 5 && f7 == 0x20) return make(SRAIW, ird(rd), rs1, 0, shamt);
                return illegal(raw);
            }
            case 0x33: {
                int op = switch (f7 << 3 | f3) {
                    case 0x000 -> ADD; case 0x100 -> SUB; case 0x001 -> SLL; case 0x002 -> SLT; case 0x003 -> SLTU;
                    case 0x004 -> XOR; case 0x005 -> SRL; case 0x105 -> SRA; case 0x006 -> OR; case 0x007 -> AND;
                    case 0x008 -> MUL; case 0x009 -> MULH; case 0x00A -> MULHSU; case 0x00B -> MULHU;
                    case 0x00C -> DIV; case 0x00D -> DIVU; case 0x00E -> REM; case 0x00F -> REMU;
                    default -> ILLEGAL;
                };
                return op == ILLEGAL ? illegal(raw) : make(op, ird(rd), rs1, rs2, 0);
            }
            case 0x3B: {
                int op = switch (f7 << 3 | f3) {
                    case 0x000 -> ADDW; case 0x100 -> SUBW; case 0x001 -> SLLW; case 0x005 -> SRLW; case 0x105 -> SRAW;
                    case 0x008 -> MULW; case 0x00C -> DIVW; case 0x00D -> DIVUW; case 0x00E -> REMW; case 0x00F -> REMUW;
                    default -> ILLEGAL;
                };
                return op == ILLEGAL ? illegal(raw) : make(op, ird(rd), rs1, rs2, 0);
            }
            case 0x0F:
                if (f3 == 0) return make(FENCE, 0, 0, 0, 0);
                if (f3 == 1) return make(FENCE_I, 0, 0, 0, 0);
                return illegal(raw);
            case 0x73: {
                if (raw == 0x00000073) return make(ECALL, 0, 0, 0, 0);
                if (raw == 0x00100073) return make(EBREAK, 0, 0, 0, 0);
                int csr = raw >>> 20;
                int op = switch (f3) {
                    case 1 -> CSRRW; case 2 -> CSRRS; case 3 -> CSRRC; case 5 -> CSRRWI; case 6 -> CSRRSI; case 7 -> CSRRCI;
                    default -> ILLEGAL;
                };
                return op == ILLEGAL ? illegal(raw) : make(op, ird(rd), rs1, 0, csr);
            }
            case 0x2F: return decodeAmo(raw, rd, f3, rs1, rs2);
            case 0x07:
                if (f3 == 2) return make(FLW, rd, rs1, 0, immI);
                if (f3 == 3) return make(FLD, rd, rs1, 0, immI);
                return illegal(raw);
            case 0x27: {
                int imm = (f7 << 5 | rd) << 20 >> 20;
                if (f3 == 2) return make(FSW, 0, rs1, rs2, imm);
                if (f3 == 3) return make(FSD, 0, rs1, rs2, imm);
                return illegal(raw);
            }
            case 0x43: case 0x47: case 0x4B: case 0x4F: {
                int fmt = f7 & 3;
                if (fmt > 1 || f3 == 5 || f3 == 6) return illegal(raw);
                int base = fmt == 0 ? FMADD_S : FMADD_D;
                int op = base + ((opcode - 0x43) >>> 2);
                return make(op, rd, rs1, rs2, f3) | ((long) (f7 >>> 2) << 25);
            }
            case 0x53: return decodeOpFp(raw, rd, f3, rs1, rs2, f7);
            default: return illegal(raw);
        }
    }

    private static long decodeAmo(int raw, int rd, int f3, int rs1, int rs2) {
        if (f3 != 2 && f3 != 3) return illegal(raw);
        int base = f3 == 2 ? LR_W : LR_D;
        int op = switch (raw >>> 27) {
            case 0x02 -> rs2 == 0 ? base : ILLEGAL;
            case 0x03 -> base + 1;
            case 0x01 -> base + 2;
            case 0x00 -> base + 3;
            case 0x04 -> base + 4;
            case 0x0C -> base + 5;
            case 0x08 -> base + 6;
            case 0x10 -> base + 7;
            case 0x14 -> base + 8;
            case 0x18 -> base + 9;
            case 0x1C -> base + 10;
            default -> ILLEGAL;
        };
        return op == ILLEGAL ? illegal(raw) : make(op, ird(rd), rs1, rs2, 0);
    }

    private static long decodeOpFp(int raw, int rd, int rm, int rs1, int rs2, int f7) {
        boolean badRm = rm == 5 || rm == 6;
        switch (f7) {
            case 0x00: case 0x01: case 0x04: case 0x05: case 0x08: case 0x09: case 0x0C: case 0x0D: {
                if (badRm) return illegal(raw);
                int op = switch (f7) {
                    case 0x00 -> FADD_S; case 0x01 -> FADD_D; case 0x04 -> FSUB_S; case 0x05 -> FSUB_D;
                    case 0x08 -> FMUL_S; case 0x09 -> FMUL_D; case 0x0C -> FDIV_S; default -> FDIV_D;
                };
                return make(op, rd, rs1, rs2, rm);
            }
            case 0x2C: case 0x2D:
                if (badRm || rs2 != 0) return illegal(raw);
                return make(f7 == 0x2C ? FSQRT_S : FSQRT_D, rd, rs1, 0, rm);
            case 0x10: case 0x11: {
                if (rm > 2) return illegal(raw);
                int base = f7 == 0x10 ? FSGNJ_S : FSGNJ_D;
                return make(base + rm, rd, rs1, rs2, 0);
            }
            case 0x14: case 0x15: {
                if (rm > 1) return illegal(raw);
                int base = f7 == 0x14 ? FMIN_S : FMIN_D;
                return make(base + rm, rd, rs1, rs2, 0);
            }
            case 0x20:
                if (rs2 != 1 || badRm) return illegal(raw);
                return make(FCVT_S_D, rd, rs1, 0, rm);
            case 0x21:
                if (rs2 != 0 || badRm) return illegal(raw);
                return make(FCVT_D_S, rd, rs1, 0, rm);
            case 0x50: case 0x51: {
                boolean s = f7 == 0x50;
                int op = switch (rm) {
                    case 2 -> s ? FEQ_S : FEQ_D; case 1 -> s ? FLT_S : FLT_D; case 0 -> s ? FLE_S : FLE_D;
                    default -> ILLEGAL;
                };
                return op == ILLEGAL ? illegal(raw) : make(op, ird(rd), rs1, rs2, 0);
            }
            case 0x60: case 0x61: {
                if (badRm || rs2 > 3) return illegal(raw);
                boolean s = f7 == 0x60;
                int op = switch (rs2) {
                    case 0 -> s ? FCVT_W_S : FCVT_W_D; case 1 -> s ? FCVT_WU_S : FCVT_WU_D;
                    case 2 -> s ? FCVT_L_S : FCVT_L_D; default -> s ? FCVT_LU_S : FCVT_LU_D;
                };
                return make(op, ird(rd), rs1, 0, rm);
            }
            case 0x68: case 0x69: {
                if (badRm || rs2 > 3) return illegal(raw);
                boolean s = f7 == 0x68;
                int op = switch (rs2) {
                    case 0 -> s ? FCVT_S_W : FCVT_D_W; case 1 -> s ? FCVT_S_WU : FCVT_D_WU;
                    case 2 -> s ? FCVT_S_L : FCVT_D_L; default -> s ? FCVT_S_LU : FCVT_D_LU;
                };
                return make(op, rd, rs1, 0, rm);
            }
            case 0x70: case 0x71: {
                if (rs2 != 0) return illegal(raw);
                boolean s = f7 == 0x70;
                if (rm == 0) return make(s ? FMV_X_W : FMV_X_D, ird(rd), rs1, 0, 0);
                if (rm == 1) return make(s ? FCLASS_S : FCLASS_D, ird(rd), rs1, 0, 0);
                return illegal(raw);
            }
            case 0x78: case 0x79:
                if (rs2 != 0 || rm != 0) return illegal(raw);
                return make(f7 == 0x78 ? FMV_W_X : FMV_D_X, rd, rs1, 0, 0);
            default:
                return illegal(raw);
        }
    }

    // ---------------------------------------------------------------- 16-bit (C extension)

    private static long c(long d) { return d | (1L << 24); }

    private static int sext(int v, int bits) { return v << (32 - bits) >> (32 - bits); }

    static long decode16(int raw) {
        if (raw == 0) return illegal(raw);
        int f3 = raw >>> 13;
        int rdP = 8 + ((raw >>> 2) & 7), rs1P = 8 + ((raw >>> 7) & 7);
        int rd = (raw >>> 7) & 31, rs2 = (raw >>> 2) & 31;
        switch (raw & 3) {
            case 0:
                switch (f3) {
                    case 0: {
                        int imm = ((raw >>> 7) & 0x30) | ((raw >>> 1) & 0x3C0) | ((raw >>> 4) & 4) | ((raw >>> 2) & 8);
                        return imm == 0 ? illegal(raw) : c(make(ADDI, rdP, 2, 0, imm));
                    }
                    case 1: return c(make(FLD, rdP, rs1P, 0, ((raw >>> 7) & 0x38) | ((raw << 1) & 0xC0)));
                    case 2: return c(make(LW, rdP, rs1P, 0, ((raw >>> 7) & 0x38) | ((raw >>> 4) & 4) | ((raw << 1) & 0x40)));
                    case 3: return c(make(LD, rdP, rs1P, 0, ((raw >>> 7) & 0x38) | ((raw << 1) & 0xC0)));
                    case 5: return c(make(FSD, 0, rs1P, rdP, ((raw >>> 7) & 0x38) | ((raw << 1) & 0xC0)));
                    case 6: return c(make(SW, 0, rs1P, rdP, ((raw >>> 7) & 0x38) | ((raw >>> 4) & 4) | ((raw << 1) & 0x40)));
                    case 7: return c(make(SD, 0, rs1P, rdP, ((raw >>> 7) & 0x38) | ((raw << 1) & 0xC0)));
                    default: return illegal(raw);
                }
            case 1: {
                int imm6 = sext(((raw >>> 7) & 0x20) | ((raw >>> 2) & 0x1F), 6);
                switch (f3) {
                    case 0: return c(make(ADDI, ird(rd), rd, 0, imm6));
                    case 1: return rd == 0 ? illegal(raw) : c(make(ADDIW, rd, rd, 0, imm6));
                    case 2: return c(make(ADDI, ird(rd), 0, 0, imm6));
                    case 3:
                        if (rd == 2) {
                            int imm = sext(((raw >>> 3) & 0x200) | ((raw >>> 2) & 0x10) | ((raw << 1) & 0x40)
                                    | ((raw << 4) & 0x180) | ((raw << 3) & 0x20), 10);
                            return imm == 0 ? illegal(raw) : c(make(ADDI, 2, 2, 0, imm));
                        }
                        return imm6 == 0 ? illegal(raw) : c(make(LUI, ird(rd), 0, 0, imm6 << 12));
                    case 4: {
                        int shamt = ((raw >>> 7) & 0x20) | ((raw >>> 2) & 0x1F);
                        switch ((raw >>> 10) & 3) {
                            case 0: return c(make(SRLI, rs1P, rs1P, 0, shamt));
                            case 1: return c(make(SRAI, rs1P, rs1P, 0, shamt));
                            case 2: return c(make(ANDI, rs1P, rs1P, 0, imm6));
                            default: {
                                int f = (raw >>> 5) & 3;
                                int op;
                                if ((raw & 0x1000) == 0) op = switch (f) { case 0 -> SUB; case 1 -> XOR; case 2 -> OR; default -> AND; };
                                else op = switch (f) { case 0 -> SUBW; case 1 -> ADDW; default -> ILLEGAL; };
                                return op == ILLEGAL ? illegal(raw) : c(make(op, rs1P, rs1P, rdP, 0));
                            }
                        }
                    }
                    case 5: return c(make(JAL, RD_SINK, 0, 0, jOffset(raw)));
                    case 6: return c(make(BEQ, 0, rs1P, 0, bOffset(raw)));
                    default: return c(make(BNE, 0, rs1P, 0, bOffset(raw)));
                }
            }
            case 2:
                switch (f3) {
                    case 0: return c(make(SLLI, ird(rd), rd, 0, ((raw >>> 7) & 0x20) | ((raw >>> 2) & 0x1F)));
                    case 1: return c(make(FLD, rd, 2, 0, ((raw >>> 7) & 0x20) | ((raw >>> 2) & 0x18) | ((raw << 4) & 0x1C0)));
                    case 2:
                        return rd == 0 ? illegal(raw)
                                : c(make(LW, rd, 2, 0, ((raw >>> 7) & 0x20) | ((raw >>> 2) & 0x1C) | ((raw << 4) & 0xC0)));
                    case 3:
                        return rd == 0 ? illegal(raw)
                                : c(make(LD, rd, 2, 0, ((raw >>> 7) & 0x20) | ((raw >>> 2) & 0x18) | ((raw << 4) & 0x1C0)));
                    case 4:
                        if ((raw & 0x1000) == 0) {
                            if (rs2 == 0) return rd == 0 ? illegal(raw) : c(make(JALR, RD_SINK, rd, 0, 0));
                            return c(make(ADD, ird(rd), 0, rs2, 0));
                        }
                        if (rd == 0 && rs2 == 0) return c(make(EBREAK, 0, 0, 0, 0));
                        if (rs2 == 0) return c(make(JALR, 1, rd, 0, 0));
                        return c(make(ADD, ird(rd), rd, rs2, 0));
                    case 5: return c(make(FSD, 0, 2, rs2, ((raw >>> 7) & 0x38) | ((raw >>> 1) & 0x1C0)));
                    case 6: return c(make(SW, 0, 2, rs2, ((raw >>> 7) & 0x3C) | ((raw >>> 1) & 0xC0)));
                    default: return c(make(SD, 0, 2, rs2, ((raw >>> 7) & 0x38) | ((raw >>> 1) & 0x1C0)));
                }
            default:
                return illegal(raw);
        }
    }

    private static int jOffset(int raw) {
        int v = ((raw >>> 1) & 0x800) | ((raw >>> 7) & 0x10) | ((raw >>> 1) & 0x300) | ((raw << 2) & 0x400)
                | ((raw >>> 1) & 0x40) | ((raw << 1) & 0x80) | ((raw >>> 2) & 0xE) | ((raw << 3) & 0x20);
        return sext(v, 12);
    }

    private static int bOffset(int raw) {
        int v = ((raw >>> 4) & 0x100) | ((raw >>> 7) & 0x18) | ((raw << 1) & 0xC0) | ((raw >>> 2) & 6) | ((raw << 3) & 0x20);
        return sext(v, 9);
    }
}
