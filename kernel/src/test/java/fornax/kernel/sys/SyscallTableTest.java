package fornax.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import fornax.kernel.TestSupport;
import fornax.kernel.sys.Syscall.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyscallTableTest {
    private final SyscallTable table = new SyscallTable();
    private final long[] args = new long[6];

    /** A number no family registers (checked by the tests that use it). */
    private static int unusedNumber(SyscallTable t, int from) {
        for (int nr = from; nr < SyscallTable.MAX; nr++) if (t.lookup(nr) == null) return nr;
        throw new AssertionError("no free syscall number from " + from);
    }

    @Test
    void everyEntryHasAUniqueNumberBelowMax() {
        List<Syscall> entries = table.entries();
        assertFalse(entries.isEmpty());
        Set<Integer> numbers = new HashSet<>();
        Set<String> names = new HashSet<>();
        int previous = -1;
        for (Syscall s : entries) {
            assertTrue(s.number() >= 0 && s.number() < SyscallTable.MAX, s.toString());
            assertTrue(numbers.add(s.number()), () -> "number " + s.number() + " listed twice");
            assertTrue(names.add(s.name()), () -> "name " + s.name() + " listed twice");
            assertTrue(s.number() > previous, "entries() is in number order");
            previous = s.number();
            assertSame(s, table.lookup(s.number()), "lookup finds the entry under its own number");
        }
    }

    @Test
    void entriesAreConsistentWithTheirStatus() {
        for (Syscall s : table.entries()) {
            assertNotNull(s.name());
            assertFalse(s.name().isBlank(), s.toString());
            switch (s.status()) {
                case SUPPORTED -> {
                    assertNotNull(s.handler(), s.name());
                    assertEquals("", s.note(), () -> s.name() + ": a supported call has no note");
                }
                case PARTIAL -> {
                    assertNotNull(s.handler(), s.name());
                    assertFalse(s.note().isBlank(), () -> s.name() + ": a partial call must say what is missing");
                }
                case ENOSYS -> {
                    assertNull(s.handler(), s.name());
                    assertFalse(s.note().isBlank(), () -> s.name() + ": an ENOSYS entry must say why");
                }
            }
            assertFalse(s.note().contains("|") || s.note().contains("\n"), () -> s.name() + ": note breaks the table");
        }
    }

    @Test
    void wellKnownNumbersMatchTheRiscv64Abi() {
        // asm-generic/unistd.h
        int[] known = {63, 64, 93, 94, 214, 215, 222, 226, 160, 113};
        String[] names = {"read", "write", "exit", "exit_group", "brk", "munmap", "mmap", "mprotect", "uname", "clock_gettime"};
        for (int i = 0; i < names.length; i++) {
            Syscall s = table.lookup(known[i]);
            assertNotNull(s, names[i]);
            assertEquals(names[i], s.name());
        }
    }

    @Test
    void lookupOutOfRangeIsNull() {
        assertNull(table.lookup(-1));
        assertNull(table.lookup(SyscallTable.MAX));
        assertNull(table.lookup(Long.MAX_VALUE));
        assertNull(table.lookup(Long.MIN_VALUE));
    }

    @Test
    void unknownNumbersReturnEnosysAndAreCounted() {
        int nr = unusedNumber(table, 400);
        assertEquals(0, table.unimplementedCount(nr));
        assertEquals(-38, table.dispatch(null, nr, args));
        assertEquals(-Errno.ENOSYS, table.dispatch(null, nr, args));
        assertEquals(2, table.unimplementedCount(nr));
        assertEquals(1, table.unimplementedCalls().size());
        assertEquals(nr, table.unimplementedCalls().getFirst()[0]);
        assertEquals(2, table.unimplementedCalls().getFirst()[1]);
    }

    @Test
    void enosysEntriesReturnEnosysAndAreCounted() {
        Syscall rseq = table.lookup(293);
        assertNotNull(rseq);
        assertEquals(Status.ENOSYS, rseq.status());
        assertEquals(-38, table.dispatch(null, 293, args));
        assertEquals(1, table.unimplementedCount(293));
    }

    @Test
    void outOfRangeNumbersReturnEnosysWithoutThrowing() {
        assertEquals(-38, table.dispatch(null, -1, args));
        assertEquals(-38, table.dispatch(null, SyscallTable.MAX, args));
        assertEquals(-38, table.dispatch(null, Long.MAX_VALUE, args));
        assertEquals(-38, table.dispatch(null, Long.MIN_VALUE, args));
        assertTrue(table.unimplementedCalls().isEmpty(), "out-of-range numbers cannot be counted per number");
    }

    @Test
    void sysErrorBecomesNegativeErrno() {
        int nr = unusedNumber(table, 300);
        table.add(nr, "test_einval", Status.SUPPORTED, "", (c, a) -> { throw new SysError(Errno.EINVAL, "bad"); });
        assertEquals(-22, table.dispatch(null, nr, args));
        assertEquals(0, table.unimplementedCount(nr), "an implemented call that fails is not 'unimplemented'");
        int nr2 = unusedNumber(table, nr + 1);
        table.add(nr2, "test_efault", Status.SUPPORTED, "", (c, a) -> { throw new SysError(Errno.EFAULT); });
        assertEquals(-14, table.dispatch(null, nr2, args));
    }

    @Test
    void handlerResultAndArgumentsPassThrough() {
        int nr = unusedNumber(table, 300);
        table.add(nr, "test_sum", Status.SUPPORTED, "", (c, a) -> a[0] + a[5]);
        assertEquals(1234 + 5, table.dispatch(null, nr, new long[] {1234, 0, 0, 0, 0, 5}));
        int nr2 = unusedNumber(table, nr + 1);
        table.add(nr2, "test_big", Status.SUPPORTED, "", (c, a) -> 0x7FFF_FFFF_0000L);
        assertEquals(0x7FFF_FFFF_0000L, table.dispatch(null, nr2, args));
    }

    @Test
    void registeringANumberTwiceIsRefused() {
        assertThrows(IllegalStateException.class, () -> table.add(64, "write_again", Status.SUPPORTED, "", (c, a) -> 0));
        assertEquals("write", table.lookup(64).name());
    }

    @Test
    void markdownListsEveryEntry() {
        String md = table.markdown();
        assertTrue(md.startsWith("# "), "a title first");
        List<String> rows = md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| nr ")).toList();
        List<Syscall> entries = table.entries();
        assertEquals(entries.size(), rows.size(), "one row per entry");
        for (int i = 0; i < entries.size(); i++) {
            Syscall s = entries.get(i);
            String expected = "| " + s.number() + " | " + s.name() + " | " + s.status().name().toLowerCase() + " | "
                    + s.note() + " |";
            assertEquals(expected, rows.get(i));
        }
        assertTrue(md.endsWith("\n"));
    }

    @Test
    void docsSyscallsMdIsUpToDate() throws Exception {
        Path doc = TestSupport.root().resolve("docs").resolve("syscalls.md");
        if (!Files.isRegularFile(doc))
            fail("docs/syscalls.md is stale: run ./fornax syscalls --write docs/syscalls.md (file " + doc + " is missing)");
        String onDisk = Files.readString(doc, StandardCharsets.UTF_8);
        String generated = new SyscallTable().markdown();
        if (!onDisk.equals(generated))
            fail("docs/syscalls.md is stale: run ./fornax syscalls --write docs/syscalls.md");
    }
}
