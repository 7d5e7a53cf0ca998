package fornax.kernel.exec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A parsed and validated ELF64 executable for RISC-V: the facts exec needs, nothing more.
 *
 * <pre>
 *   Elf64_Ehdr (64 bytes)          Elf64_Phdr (56 bytes)
 *    0 e_ident[16]                   0 p_type    4 p_flags
 *   16 e_type  18 e_machine          8 p_offset 16 p_vaddr 24 p_paddr
 *   24 e_entry 32 e_phoff           32 p_filesz 40 p_memsz 48 p_align
 *   54 e_phentsize 56 e_phnum
 * </pre>
 *
 * Every field that exec relies on is checked here, so a malformed file is rejected with one
 * clear sentence ({@link Malformed}) before any memory is touched.
 */
public record ElfImage(int type, long entry, long phoff, int phnum, List<Segment> loads, String interpreter,
                       long phdrVaddr, byte[] file) {
    public static final int ET_EXEC = 2, ET_DYN = 3, EM_RISCV = 243;
    public static final int PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;
    private static final long PAGE = 4096;

    /** A PT_LOAD segment. */
    public record Segment(long offset, long vaddr, long filesz, long memsz, int flags) {
        public long end() { return vaddr + memsz; }
    }

    /** Why a file is not a loadable riscv64 executable. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        public Malformed(String message) { super(message); }
    }

    /**
     * Parses {@code file}. {@code userTop} bounds every segment; {@code memoryLimit} bounds their
     * total size (a program needing more than the machine has could never run).
     */
    public static ElfImage parse(byte[] file, long userTop, long memoryLimit) throws Malformed {
        if (file.length < 4 || file[0] != 0x7F || file[1] != 'E' || file[2] != 'L' || file[3] != 'F')
            throw new Malformed("not an ELF file");
        if (file.length < 64) throw new Malformed("truncated ELF header (" + file.length + " bytes)");
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file[4] != 2) throw new Malformed("not a 64-bit ELF (EI_CLASS " + file[4] + ")");
        if (file[5] != 1) throw new Malformed("not a little-endian ELF (EI_DATA " + file[5] + ")");
        if (file[6] != 1) throw new Malformed("unknown ELF version " + file[6]);
        int type = b.getShort(16) & 0xFFFF, machine = b.getShort(18) & 0xFFFF;
        if (machine != EM_RISCV) throw new Malformed("not a riscv64 executable (e_machine " + machine + ")");
        if (type != ET_EXEC && type != ET_DYN) throw new Malformed("not an executable (e_type " + type + ")");
        long entry = b.getLong(24), phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF, phnum = b.getShort(56) & 0xFFFF;
        if (phentsize != 56) throw new Malformed("bad program header size " + phentsize);
        if (phnum == 0 || phnum > 1024) throw new Malformed("bad program header count " + phnum);
        if (phoff < 0 || phoff > file.length || (long) phnum * 56 > file.length - phoff)
            throw new Malformed("program headers lie outside the file");

        List<Segment> loads = new ArrayList<>();
        String interp = null;
        long phdrVaddr = -1;
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + 56L * i);
            int ptype = b.getInt(at), flags = b.getInt(at + 4);
            long off = b.getLong(at + 8), vaddr = b.getLong(at + 16), filesz = b.getLong(at + 32),
                    memsz = b.getLong(at + 40), align = b.getLong(at + 48);
            if (ptype == PT_INTERP) {
                if (off < 0 || filesz <= 0 || filesz > 4096 || off > file.length - filesz)
                    throw new Malformed("bad PT_INTERP");
                interp = new String(file, (int) off, (int) filesz - 1, java.nio.charset.StandardCharsets.UTF_8);
            } else if (ptype == PT_PHDR) {
                phdrVaddr = vaddr;
            } else if (ptype == PT_LOAD) {
                if (memsz == 0) continue;
                if (filesz < 0 || memsz < 0 || filesz > memsz)
                    throw new Malformed("segment " + i + ": p_filesz exceeds p_memsz");
                if (off < 0 || off > file.length || filesz > file.length - off)
                    throw new Malformed("segment " + i + ": file data lies outside the file");
                if (((off - vaddr) & (PAGE - 1)) != 0)
                    throw new Malformed("segment " + i + ": p_offset and p_vaddr disagree modulo the page size");
                if (align != 0 && align != 1 && (Long.bitCount(align) != 1 || align < PAGE))
                    throw new Malformed("segment " + i + ": bad p_align " + align);
                if (vaddr < 0 || memsz > userTop || vaddr > userTop - memsz)
                    throw new Malformed(String.format("segment %d: [%#x,+%#x) is outside the user address space", i, vaddr, memsz));
                loads.add(new Segment(off, vaddr, filesz, memsz, flags));
            }
        }
        if (loads.isEmpty()) throw new Malformed("no loadable segments");
        loads.sort(Comparator.comparingLong(Segment::vaddr));
        long total = 0;
        for (int i = 0; i < loads.size(); i++) {
            Segment s = loads.get(i);
            total += s.memsz();
            if (i > 0) {
                Segment prev = loads.get(i - 1);
                if (s.vaddr() < prev.end())
                    throw new Malformed(String.format("segments overlap at %#x", s.vaddr()));
            }
        }
        if (total > memoryLimit)
            throw new Malformed(String.format("segments need %d MiB, more than the machine's %d MiB", total >> 20, memoryLimit >> 20));
        long span = loads.getLast().end() - (loads.getFirst().vaddr() & ~(PAGE - 1));
        if (span > userTop) throw new Malformed("image larger than the user address space");
        if (phdrVaddr < 0) {
            for (Segment s : loads) {
                if (phoff >= s.offset() && phoff + 56L * phnum <= s.offset() + s.filesz()) {
                    phdrVaddr = s.vaddr() + (phoff - s.offset());
                    break;
                }
            }
        }
        return new ElfImage(type, entry, phoff, phnum, List.copyOf(loads), interp, phdrVaddr, file);
    }
}
