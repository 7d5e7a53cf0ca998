package fornax.kernel.exec;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.Vma;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a new program image in an empty address space: maps the ELF's PT_LOAD segments with
 * their permissions, copies their file bytes (bss is demand-zero), and lays out the initial stack
 * exactly as Linux's create_elf_tables does.
 *
 * <pre>
 *   STACK_TOP ─► [ execfn string ][ envp strings ][ argv strings ][ AT_RANDOM 16 bytes ]
 *                ... pad to 16 ...
 *                [ auxv pairs, AT_NULL ][ NULL ][ envp[] ][ NULL ][ argv[] ][ argc ] ◄─ sp (16-aligned)
 * </pre>
 */
public final class ProgramLoader {
    private ProgramLoader() { }

    public static final long PAGE = 4096;
    /** Where a static-pie (ET_DYN) image is placed: Linux's ELF_ET_DYN_BASE for a 2^38 window. */
    public static final long ET_DYN_BASE = (AddressSpace.USER_TOP / 3 * 2) & ~(PAGE - 1);
    /** Room the initial stack VMA has beyond the arguments (Linux's stack_expand). */
    static final long STACK_EXPAND = 128 << 10;
    /** RISC-V AT_HWCAP letters for RV64GC: I M A F D C. */
    public static final long HWCAP_RV64GC = bit('I') | bit('M') | bit('A') | bit('F') | bit('D') | bit('C');

    private static long bit(char c) { return 1L << (c - 'A'); }

    static final int AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
            AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_CLKTCK = 17,
            AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31;

    /** Result of loading: where to start, and the initial stack pointer. */
    public record Loaded(long entry, long sp, long brkStart) { }

    /** Identity of the new process, for the auxiliary vector. */
    public record Credentials(int uid, int euid, int gid, int egid) { }

    public static Loaded load(ElfImage elf, AddressSpace as, List<String> argv, List<String> envp, String execfn,
                              Credentials cred, long stackLimit, byte[] random16) {
        long bias = elf.type() == ElfImage.ET_DYN ? ET_DYN_BASE - (elf.loads().getFirst().vaddr() & ~(PAGE - 1)) : 0;
        long mappedUpTo = 0, end = 0;
        // Segment bounds as Linux's load_elf_binary records them (start_code ... end_data).
        long startCode = Long.MAX_VALUE, endCode = 0, startData = 0, endData = 0;
        for (ElfImage.Segment s : elf.loads()) {
            long k = s.vaddr() + bias;
            if ((s.flags() & ElfImage.PF_X) != 0) {
                startCode = Math.min(startCode, k);
                endCode = Math.max(endCode, k + s.filesz());
            }
            startData = Math.max(startData, k);
            endData = Math.max(endData, k + s.filesz());
            long start = (s.vaddr() + bias) & ~(PAGE - 1);
            long stop = (s.end() + bias + PAGE - 1) & ~(PAGE - 1);
            int prot = prot(s.flags());
            if (start < mappedUpTo) {
                // First page shared with the previous segment: it gets both protections.
                Vma prev = as.vmas().getLast();
                as.protect(start, start + PAGE, prev.prot() | prot);
                start += PAGE;
            }
            if (start < stop) as.map(start, stop, prot, Vma.Kind.ELF);
            mappedUpTo = Math.max(mappedUpTo, stop);
            end = Math.max(end, s.end() + bias);
            as.poke(s.vaddr() + bias, elf.file(), (int) s.offset(), (int) s.filesz());
        }
        as.setBrkStart(end);

        // As Linux's setup_arg_pages: the stack VMA starts as the arguments plus 128 KiB (within the
        // rlimit) and grows down on faults (AddressSpace.fault) up to RLIMIT_STACK.
        long args = 64 + 16 + 8L * (argv.size() + envp.size() + 3) + 16L * 20;
        args += execfn.length() + 1;
        for (String x : argv) args += x.getBytes(StandardCharsets.UTF_8).length + 1;
        for (String x : envp) args += x.getBytes(StandardCharsets.UTF_8).length + 1;
        long stackSize = (args + STACK_EXPAND + PAGE - 1) & ~(PAGE - 1);
        if (stackLimit >= 0 && stackSize > stackLimit) stackSize = Math.max((args + PAGE - 1) & ~(PAGE - 1), stackLimit & ~(PAGE - 1));
        as.map(new Vma(AddressSpace.STACK_TOP - stackSize, AddressSpace.STACK_TOP, Vma.PROT_READ | Vma.PROT_WRITE,
                Vma.Kind.STACK, false, null, 0, true));

        // Strings, highest first: execfn, envp, argv (so argv[0] is lowest), then AT_RANDOM bytes.
        long p = AddressSpace.STACK_TOP - 8;
        p = pushString(as, p, execfn);
        long execfnAddr = p;
        List<Long> envAddrs = new ArrayList<>();
        for (int i = envp.size() - 1; i >= 0; i--) { p = pushString(as, p, envp.get(i)); envAddrs.addFirst(p); }
        List<Long> argAddrs = new ArrayList<>();
        for (int i = argv.size() - 1; i >= 0; i--) { p = pushString(as, p, argv.get(i)); argAddrs.addFirst(p); }
        p = (p - 16) & ~15L;
        as.poke(p, random16, 0, 16);
        long randomAddr = p;

        long[][] aux = {
                {AT_HWCAP, HWCAP_RV64GC}, {AT_PAGESZ, PAGE}, {AT_CLKTCK, 100},
                {AT_PHDR, elf.phdrVaddr() < 0 ? 0 : elf.phdrVaddr() + bias}, {AT_PHENT, 56}, {AT_PHNUM, elf.phnum()},
                {AT_BASE, 0}, {AT_FLAGS, 0}, {AT_ENTRY, elf.entry() + bias},
                {AT_UID, cred.uid()}, {AT_EUID, cred.euid()}, {AT_GID, cred.gid()}, {AT_EGID, cred.egid()},
                {AT_SECURE, 0}, {AT_RANDOM, randomAddr}, {AT_EXECFN, execfnAddr}, {AT_NULL, 0},
        };
        int words = 1 + argv.size() + 1 + envp.size() + 1 + aux.length * 2;
        long sp = (p - 8L * words) & ~15L;
        ByteBuffer b = ByteBuffer.allocate(8 * words).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(argv.size());
        for (long a : argAddrs) b.putLong(a);
        b.putLong(0);
        for (long e : envAddrs) b.putLong(e);
        b.putLong(0);
        for (long[] kv : aux) { b.putLong(kv[0]); b.putLong(kv[1]); }
        as.poke(sp, b.array(), 0, b.capacity());
        long argStart = argAddrs.isEmpty() ? execfnAddr : argAddrs.getFirst();
        long envStart = envAddrs.isEmpty() ? execfnAddr : envAddrs.getFirst();
        as.setLayout(new AddressSpace.Layout(startCode == Long.MAX_VALUE ? 0 : startCode, endCode, startData, endData,
                sp, argStart, envStart, envStart, execfnAddr));
        return new Loaded(elf.entry() + bias, sp, end);
    }

    private static long pushString(AddressSpace as, long p, String s) {
        byte[] bytes = (s + "\0").getBytes(StandardCharsets.UTF_8);
        p -= bytes.length;
        as.poke(p, bytes, 0, bytes.length);
        return p;
    }

    static int prot(int pflags) {
        int prot = 0;
        if ((pflags & ElfImage.PF_R) != 0) prot |= Vma.PROT_READ;
        if ((pflags & ElfImage.PF_W) != 0) prot |= Vma.PROT_WRITE;
        if ((pflags & ElfImage.PF_X) != 0) prot |= Vma.PROT_EXEC;
        return prot;
    }
}
