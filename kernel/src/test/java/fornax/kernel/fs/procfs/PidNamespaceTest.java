package fornax.kernel.fs.procfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.proc.PidNamespace;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.ProcessTable;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.DirEntry;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Pid namespaces in the process table and in /proc: a container's processes are numbered from 1,
 * see only each other (by those numbers) in /proc, and the host sees them by global pid; numbers
 * go when the pid is reaped; orphans go to the container's init; the task limit holds; when the
 * init exits the namespace takes nobody new.
 *
 * <pre>
 *   global: 1 init ─┬─ 2 other
 *                   └─ 3 contain ── 4 cinit (1 inside) ── 5 cchild (2 inside)
 * </pre>
 */
class PidNamespaceTest {
    private ProcWorld world;
    private ProcFs proc;
    private Process init, other, contain, cinit, cchild;
    private PidNamespace ns;

    @BeforeEach
    void setUp() {
        world = new ProcWorld();
        proc = world.newServer();
        init = spawn(null);
        other = spawn(init);
        contain = spawn(init);
        ns = new PidNamespace(PidNamespace.ROOT, 5, null);
        contain.setChildPidNamespace(ns);
        cinit = spawn(contain);
        cchild = spawn(cinit);
    }

    @AfterEach
    void tearDown() { world.close(); }

    private Process spawn(Process parent) {
        return world.spawn(parent, "/bin/busybox", List.of("sh"), List.of());
    }

    private static void assertErrno(int errno, Executable e) {
        SysError x = assertThrows(SysError.class, e);
        assertEquals(Errno.name(errno), Errno.name(x.errno()), x.getMessage());
    }

    private Fid walk(String path) {
        Fid f = proc.attach();
        for (String name : path.split("/")) {
            if (name.isEmpty()) continue;
            Fid next;
            try {
                next = proc.walk(f, name);
            } finally {
                proc.clunk(f);
            }
            f = next;
        }
        return f;
    }

    private String read(String path) {
        Fid f = walk(path);
        try {
            proc.open(f, OpenFlags.O_RDONLY);
            byte[] b = new byte[8192];
            int n = proc.read(f, 0, b, 0, b.length);
            return new String(b, 0, n, StandardCharsets.ISO_8859_1);
        } finally {
            proc.clunk(f);
        }
    }

    private List<String> pids(String path) {
        Fid f = walk(path);
        List<String> out = new ArrayList<>();
        try {
            proc.open(f, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
            for (DirEntry e : proc.readdir(f, 0, 1000)) if (Character.isDigit(e.name().charAt(0))) out.add(e.name());
        } finally {
            proc.clunk(f);
        }
        return out;
    }

    private static String field(String status, String name) {
        for (String line : status.split("\n")) if (line.startsWith(name + ":")) return line.substring(name.length() + 1).trim();
        return null;
    }

    @Test
    void numbersInsideStartAtOneAndTheHostKeepsGlobalPids() {
        assertEquals(List.of(4, 5), List.of(cinit.pid(), cchild.pid()));
        assertEquals(1, ns.pidOf(cinit));
        assertEquals(2, ns.pidOf(cchild));
        assertEquals(0, ns.pidOf(contain), "the launcher is outside");
        assertEquals(0, ns.pidOf(init));
        assertSame(cinit, ns.init());
        assertSame(cchild, ns.process(world.table, 2));
        assertNull(ns.process(world.table, 3), "no 3 inside, though the host has a 3");
        assertEquals(0, world.table.parentPid(ns, cinit), "the init's parent is outside: 0, as Linux's getppid");
        assertEquals(1, world.table.parentPid(ns, cchild));
        assertEquals(3, world.table.parentPid(PidNamespace.ROOT, cinit));
    }

    @Test
    void procInsideListsOnlyTheContainerByItsNumbers() {
        world.caller = cchild.mainTask;
        assertEquals(List.of("1", "2"), pids("/"));
        assertEquals("2", proc.readlink(walk("self")));
        assertEquals("2/task/2", proc.readlink(walk("thread-self")));
        assertTrue(read("1/stat").startsWith("1 (busybox) "), read("1/stat"));
        assertEquals("0", read("1/stat").split(" ")[3], "init's ppid");
        assertEquals("1", read("2/stat").split(" ")[3]);
        assertEquals("2", field(read("2/status"), "NSpid"), "seen from inside: one level");
        assertEquals("0", field(read("1/status"), "PPid"));
        assertEquals(List.of("1"), pids("1/task"));
        assertErrno(Errno.ENOENT, () -> walk("3"));      // contain: global 3, not in the namespace
        assertErrno(Errno.ENOENT, () -> walk("4"));      // cinit by its global pid
        assertErrno(Errno.ENOENT, () -> walk("5"));

        world.caller = other.mainTask;
        assertEquals(List.of("1", "2", "3", "4", "5"), pids("/"));
        assertEquals("5\t2", field(read("5/status"), "NSpid"), "seen from the host: global, then inside");
        assertTrue(read("4/stat").startsWith("4 (busybox) "), read("4/stat"));
        assertEquals("3", read("4/stat").split(" ")[3], "cinit's parent, contain, by its global pid");
    }

    @Test
    void reapedNumbersGoAndOrphansGoToTheContainersInit() {
        Process mid = spawn(cinit);                 // 3 inside
        Process grandchild = spawn(mid);           // 4 inside
        assertEquals(List.of(3, 4), List.of(ns.pidOf(mid), ns.pidOf(grandchild)));
        world.exit(mid, 0);
        assertEquals(1, world.table.parentPid(ns, grandchild), "adopted by the container's init, not the host's");
        ProcessTable.Waited w = world.table.waitChild(cinit, -1, ProcessTable.WNOHANG);
        assertSame(mid, w.child());
        assertEquals(3, w.pid(), "the wait reports the number the reaper knows, taken before the reap");
        assertEquals(0, ns.numberOf(mid.pid()), "a reaped pid loses its number");
        assertNull(ns.process(world.table, 3));
    }

    @Test
    void theTaskLimitHoldsForTheWholeNamespace() {
        spawn(cinit);
        spawn(cchild);
        spawn(cinit);                               // 5: the limit
        assertErrno(Errno.EAGAIN, () -> world.table.allocatePid(ns));
        spawn(init);                                // the host is not limited by it
    }

    @Test
    void whenTheInitExitsTheNamespaceTakesNobodyNew() {
        Process grandchild = spawn(cchild);
        world.exit(cinit, 0);
        assertTrue(ns.dead());
        assertErrno(Errno.EAGAIN, () -> world.table.allocatePid(ns));
        assertEquals(1, world.table.parentPid(PidNamespace.ROOT, cchild), "orphans of a dead namespace go to the first process");
        assertEquals(ns.pidOf(cchild), world.table.parentPid(ns, grandchild));
        assertEquals(List.of(cchild, grandchild).size(), world.table.members(ns).size(), "the kernel kills these (Kernel.retire)");
    }
}
