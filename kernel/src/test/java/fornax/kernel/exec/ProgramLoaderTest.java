package fornax.kernel.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.TestSupport;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.mm.Vma;
import fornax.machine.mem.PhysicalMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The initial process image: segments, bss, break and the Linux initial stack (argv, envp, auxv). */
class ProgramLoaderTest {
    private static final long PAGE = 4096, STACK = 8L << 20;
    private static final int AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
            AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_RANDOM = 25,
            AT_EXECFN = 31;

    private final PhysicalMemory ram = new PhysicalMemory(0x8000_0000L, 32L << 20);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private int initialFree;
    private AddressSpace as;
    private final byte[] random = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    @BeforeEach
    void setUp() {
        initialFree = frames.freeFrames();
        as = new AddressSpace(ram, frames, 1, (va, asid) -> { });
    }

    @AfterEach
    void leakCheck() {
        as.destroy();
        assertEquals(initialFree, frames.freeFrames(), "frames leaked");
    }

    private long u64(long va) {
        byte[] b = new byte[8];
        as.copyIn(va, b, 0, 8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private byte[] bytes(long va, int n) {
        byte[] b = new byte[n];
        as.copyIn(va, b, 0, n);
        return b;
    }

    /** The parsed initial stack. */
    record InitialStack(List<String> argv, List<String> envp, Map<Long, Long> aux) { }

    private InitialStack readStack(long sp) {
        long p = sp;
        long argc = u64(p);
        p += 8;
        List<String> argv = new ArrayList<>();
        for (long i = 0; i < argc; i++, p += 8) argv.add(as.readString(u64(p), 4096));
        assertEquals(0, u64(p), "argv[argc] is NULL");
        p += 8;
        List<String> envp = new ArrayList<>();
        for (; u64(p) != 0; p += 8) envp.add(as.readString(u64(p), 4096));
        p += 8;
        Map<Long, Long> aux = new HashMap<>();
        for (;; p += 16) {
            long key = u64(p), val = u64(p + 8);
            assertTrue(aux.put(key, val) == null, "auxv key " + key + " twice");
            if (key == AT_NULL) break;
        }
        return new InitialStack(argv, envp, aux);
    }

    private void checkStack(ElfImage elf, ProgramLoader.Loaded l, long bias, List<String> argv, List<String> envp,
                            String execfn) {
        assertEquals(0, l.sp() & 15, "sp is 16-byte aligned");
        assertTrue(l.sp() < AddressSpace.STACK_TOP && l.sp() >= AddressSpace.STACK_TOP - STACK);
        InitialStack st = readStack(l.sp());
        assertEquals(argv, st.argv());
        assertEquals(envp, st.envp());
        Map<Long, Long> aux = st.aux();
        assertEquals(PAGE, aux.get((long) AT_PAGESZ));
        assertEquals(56L, aux.get((long) AT_PHENT));
        assertEquals((long) elf.phnum(), aux.get((long) AT_PHNUM));
        assertEquals(elf.phdrVaddr() + bias, aux.get((long) AT_PHDR));
        assertEquals(elf.entry() + bias, aux.get((long) AT_ENTRY));
        assertEquals(0L, aux.get((long) AT_BASE), "no interpreter");
        assertEquals(ProgramLoader.HWCAP_RV64GC, aux.get((long) AT_HWCAP));
        assertEquals(1000L, aux.get((long) AT_UID));
        assertEquals(1001L, aux.get((long) AT_EUID));
        assertEquals(100L, aux.get((long) AT_GID));
        assertEquals(101L, aux.get((long) AT_EGID));
        assertEquals(0L, aux.get((long) AT_NULL));
        long rnd = aux.get((long) AT_RANDOM);
        assertArrayEquals(random, bytes(rnd, 16));
        assertEquals(execfn, as.readString(aux.get((long) AT_EXECFN), 4096));
        // The program headers are visible at AT_PHDR: the first one is the file's first.
        assertArrayEquals(Arrays.copyOfRange(elf.file(), (int) elf.phoff(), (int) elf.phoff() + 56),
                bytes(aux.get((long) AT_PHDR), 56));
        assertEquals(elf.entry() + bias, l.entry());
    }

    private void checkSegments(ElfImage elf, long bias) {
        for (ElfImage.Segment s : elf.loads()) {
            int n = (int) Math.min(s.filesz(), 64 * 1024);
            assertArrayEquals(Arrays.copyOfRange(elf.file(), (int) s.offset(), (int) s.offset() + n),
                    bytes(s.vaddr() + bias, n), "file bytes of segment at " + Long.toHexString(s.vaddr()));
            long bss = s.memsz() - s.filesz();
            if (bss > 0) {
                int m = (int) Math.min(bss, 3 * PAGE);
                assertArrayEquals(new byte[m], bytes(s.vaddr() + bias + s.filesz(), m), "bss is zero");
            }
        }
    }

    private static ProgramLoader.Credentials creds() { return new ProgramLoader.Credentials(1000, 1001, 100, 101); }

    @Test
    void loadsStaticHello() throws Exception {
        ElfImage elf = ElfImage.parse(Files.readAllBytes(TestSupport.requireBinary("hello")), AddressSpace.USER_TOP, 32L << 20);
        List<String> argv = List.of("hello", "a b", "\u00fc");
        List<String> envp = List.of("HOME=/root", "X=");
        ProgramLoader.Loaded l = ProgramLoader.load(elf, as, argv, envp, "/bin/hello", creds(), STACK, random);
        checkStack(elf, l, 0, argv, envp, "/bin/hello");
        checkSegments(elf, 0);

        long end = elf.loads().getLast().end();
        assertEquals(end, l.brkStart());
        assertEquals((end + PAGE - 1) & ~(PAGE - 1), as.brk());

        for (ElfImage.Segment s : elf.loads()) {
            long page = s.vaddr() & ~(PAGE - 1);
            Vma v = as.vmas().stream().filter(x -> x.contains(page)).findFirst().orElseThrow();
            assertEquals(Vma.Kind.ELF, v.kind());
            assertEquals(ProgramLoader.prot(s.flags()), v.prot() & ProgramLoader.prot(s.flags()));
        }
        Vma stack = as.vmas().getLast();
        assertEquals(Vma.Kind.STACK, stack.kind());
        assertEquals(AddressSpace.STACK_TOP, stack.end());
        assertTrue(stack.growsDown(), "the stack grows down on faults");
        assertTrue(stack.length() >= ProgramLoader.STACK_EXPAND && stack.length() < STACK,
                "starts as the arguments plus 128 KiB, not the whole rlimit: " + stack.length());
    }

    @Test
    void loadsStaticPieAtEtDynBase() throws Exception {
        ElfImage elf = ElfImage.parse(Files.readAllBytes(TestSupport.requireBinary("hello-pie")), AddressSpace.USER_TOP,
                32L << 20);
        long bias = ProgramLoader.ET_DYN_BASE;
        assertEquals(0, bias & (PAGE - 1));
        ProgramLoader.Loaded l = ProgramLoader.load(elf, as, List.of("hello-pie"), List.of(), "hello-pie", creds(), STACK,
                random);
        checkStack(elf, l, bias, List.of("hello-pie"), List.of(), "hello-pie");
        checkSegments(elf, bias);
        assertEquals(bias + elf.loads().getLast().end(), l.brkStart());
        assertEquals(bias, as.vmas().getFirst().start());
    }

    @Test
    void sharedBoundaryPageGetsBothProtections() throws Exception {
        int rx = ElfImage.PF_R | ElfImage.PF_X, rw = ElfImage.PF_R | ElfImage.PF_W;
        byte[] f = ElfImageTest.miniElf(ElfImage.ET_EXEC, 0x10100, 0x1200,
                new long[] {1, rx, 0, 0x10000, 0x1100, 0x1100, 0x1000},
                new long[] {1, rw, 0x1100, 0x11100, 0x100, 0x2000, 0x1000});
        for (int i = 0x100; i < 0x1200; i++) f[i] = (byte) (i * 7);
        ElfImage elf = ElfImage.parse(f, AddressSpace.USER_TOP, 32L << 20);
        ProgramLoader.Loaded l = ProgramLoader.load(elf, as, List.of("t"), List.of(), "t", creds(), STACK, random);
        int RX = Vma.PROT_READ | Vma.PROT_EXEC, RW = Vma.PROT_READ | Vma.PROT_WRITE;
        List<Vma> v = as.vmas();
        assertEquals(new Vma(0x10000, 0x11000, RX, Vma.Kind.ELF), v.get(0));
        assertEquals(new Vma(0x11000, 0x12000, RX | RW, Vma.Kind.ELF), v.get(1));
        assertEquals(new Vma(0x12000, 0x14000, RW, Vma.Kind.ELF), v.get(2));
        assertArrayEquals(Arrays.copyOfRange(f, 0, 0x1200), bytes(0x10000, 0x1200), "both segments' file bytes");
        assertArrayEquals(new byte[0x1F00], bytes(0x11200, 0x1F00), "bss");
        assertEquals(0x13100, l.brkStart());
        assertEquals(0x14000, as.brk());
        checkStack(elf, l, 0, List.of("t"), List.of(), "t");
    }

    @Test
    void manyLargeArgumentsStillProduceAValidStack() throws Exception {
        ElfImage elf = ElfImage.parse(Files.readAllBytes(TestSupport.requireBinary("hello")), AddressSpace.USER_TOP, 32L << 20);
        List<String> argv = new ArrayList<>();
        argv.add("hello");
        for (int i = 0; i < 200; i++) argv.add("arg" + i + "-" + "x".repeat(i));
        List<String> envp = new ArrayList<>();
        for (int i = 0; i < 50; i++) envp.add("VAR" + i + "=" + "y".repeat(3 * i));
        ProgramLoader.Loaded l = ProgramLoader.load(elf, as, argv, envp, "hello", creds(), STACK, random);
        checkStack(elf, l, 0, argv, envp, "hello");
    }
}
