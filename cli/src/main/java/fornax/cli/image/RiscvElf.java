package fornax.cli.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The checks a busybox binary must pass to go into the image: a static riscv64 ELF executable. */
public final class RiscvElf {
    public static final int EM_RISCV = 243;
    private static final int ET_EXEC = 2, ET_DYN = 3, PT_INTERP = 3, PHDR_SIZE = 56;

    private RiscvElf() { }

    public static boolean looksLikeElf(byte[] f) {
        return f.length >= 4 && f[0] == 0x7F && f[1] == 'E' && f[2] == 'L' && f[3] == 'F';
    }

    /** Throws unless {@code f} is a 64-bit little-endian RISC-V executable without an interpreter. */
    public static void check(byte[] f, String what) throws ImageException {
        if (!looksLikeElf(f)) throw new ImageException(what + " is not an ELF file");
        if (f.length < 64) throw new ImageException(what + " is a truncated ELF file (" + f.length + " bytes)");
        if (f[4] != 2) throw new ImageException(what + " is not a 64-bit ELF (EI_CLASS " + f[4] + ")");
        if (f[5] != 1) throw new ImageException(what + " is not a little-endian ELF (EI_DATA " + f[5] + ")");
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xFFFF, machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_RISCV)
            throw new ImageException(what + " is not a riscv64 binary (e_machine " + machine + ", not " + EM_RISCV + ")");
        if (type != ET_EXEC && type != ET_DYN)
            throw new ImageException(what + " is not an executable (e_type " + type + ")");
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF, phnum = b.getShort(56) & 0xFFFF;
        if (phentsize != PHDR_SIZE || phoff < 0 || phoff > f.length || (long) phnum * PHDR_SIZE > f.length - phoff)
            throw new ImageException(what + " has a bad program header table");
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) phoff + i * PHDR_SIZE) == PT_INTERP)
                throw new ImageException(what + " is dynamically linked (it has PT_INTERP); Fornax/J runs static "
                        + "binaries: use busybox-static");
        }
    }
}
