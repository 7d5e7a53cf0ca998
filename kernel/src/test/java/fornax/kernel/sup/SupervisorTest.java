package fornax.kernel.sup;

import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.OpenFlags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault supervisor with kernel-side tmpfs servers behind 9P channels: each kind of failure
 * (an exception in the server, a server that stops answering, a server that vanishes) is detected,
 * logged with its reason and repaired by a restart; old fids get EIO, new walks reach the new
 * instance, other services are untouched; the restart budget ends in FAILED, and a restart by
 * hand revives. Waits are for states, never for durations.
 */
class SupervisorTest {
    /** Short heartbeats so a hang is found quickly; budget 3 per minute. */
    static final Supervisor.Policy FAST = new Supervisor.Policy(3, 60_000, 10, 100, 50, 300, 10_000);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Supervisor sup = new Supervisor(log::add, FAST);
    private final AtomicInteger instances = new AtomicInteger();

    @AfterEach
    void stop() { sup.close(); }

    private Service ram(String name) {
        return sup.supervise(name, new KernelTaskLauncher(name, "tmpfs", () -> {
            instances.incrementAndGet();
            AtomicLong clock = new AtomicLong(1);
            return new TmpFs(1, clock::incrementAndGet, 1 << 20, 0777);
        }, 8192));
    }

    private static void write(FileServer fs, Fid dir, String name, String text) {
        Fid f = fs.create(dir, name, Dir.S_IFREG | 0644, null);
        fs.open(f, OpenFlags.O_WRONLY);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(b.length, fs.write(f, 0, b, 0, b.length));
        fs.clunk(f);
    }

    private static String read(FileServer fs, Fid f) {
        byte[] b = new byte[100];
        return new String(b, 0, fs.read(f, 0, b, 0, b.length), StandardCharsets.UTF_8);
    }

    /** Waits (without a time limit of its own: the test's) until the service is RUNNING at generation {@code gen}. */
    private static void awaitGeneration(Service s, int gen) throws InterruptedException {
        while (s.state() != Service.State.RUNNING || s.generation() < gen) Thread.sleep(5);
    }

    @Test
    void anExceptionInTheServerIsRepairedAndOnlyOldFidsSeeIt() throws Exception {
        Service ram = ram("ram"), other = ram("other");
        FileServer fs = ram.fs(), ofs = other.fs();
        Fid root = fs.attach(), oroot = ofs.attach();
        write(fs, root, "a", "before");
        write(ofs, oroot, "b", "untouched");
        Fid open = fs.walk(root, "a");
        fs.open(open, OpenFlags.O_RDONLY);
        assertEquals("before", read(fs, open));
        Fid walked = fs.walk(root, "a");

        ram.inject("crash");
        SysError e = assertThrows(SysError.class, () -> read(fs, open));
        assertEquals(Errno.EIO, e.errno(), "the request that met the bug fails with EIO");
        awaitGeneration(ram, 2);

        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> read(fs, open)).errno(), "open fid of the dead instance");
        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> fs.stat(walked)).errno(), "walked fid of the dead instance");
        // the mount's root fid re-attaches: a new walk reaches the new (empty) instance
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> fs.walk(root, "a")).errno());
        write(fs, root, "a", "after");
        Fid again = fs.walk(root, "a");
        fs.open(again, OpenFlags.O_RDONLY);
        assertEquals("after", read(fs, again));
        for (Fid f : List.of(open, walked, again)) fs.clunk(f);

        Fid b = ofs.walk(oroot, "b");
        ofs.open(b, OpenFlags.O_RDONLY);
        assertEquals("untouched", read(ofs, b), "the other service kept its state");
        ofs.clunk(b);
        assertEquals(1, other.generation());
        assertEquals(1, ram.restarts());
        assertTrue(ram.lastFailure().contains("injected fault"), ram.lastFailure());
        assertTrue(log.stream().anyMatch(l -> l.contains("ram failed: exception in server")), log.toString());
        assertTrue(sup.status().lines().anyMatch(l -> l.startsWith("ram") && l.contains("restarts 1")), sup.status());
        assertEquals(3, instances.get());
    }

    @Test
    void aServerThatStopsAnsweringIsFoundByTheHeartbeat() throws Exception {
        Service ram = ram("hung");
        Fid root = ram.fs().attach();
        ram.inject("hang");
        awaitGeneration(ram, 2);
        assertTrue(ram.lastFailure().startsWith("no answer to Tflush"), ram.lastFailure());
        write(ram.fs(), root, "x", "alive");   // the root fid re-attached to the new instance
    }

    @Test
    void aServerThatVanishesIsRestarted() throws Exception {
        Service ram = ram("gone");
        ram.inject("kill");
        awaitGeneration(ram, 2);
        assertEquals("server closed the connection", ram.lastFailure());
    }

    @Test
    void theBudgetEndsInFailedAndARestartByHandRevives() throws Exception {
        Service ram = ram("flaky");
        // the budget allows FAST.budget() restarts: the failure after them is one too many
        for (int gen = 1; gen <= FAST.budget() + 1; gen++) {
            awaitGeneration(ram, gen);
            ram.inject("kill");
        }
        while (ram.state() != Service.State.FAILED) Thread.sleep(5);
        assertEquals(FAST.budget(), ram.restarts());
        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> ram.fs().attach()).errno());
        assertTrue(log.stream().anyMatch(l -> l.contains("restart budget spent")), log.toString());
        sup.control("restart flaky");
        awaitGeneration(ram, FAST.budget() + 3);   // stop and relaunch each take a generation
        Fid r = ram.fs().attach();
        ram.fs().clunk(r);
    }

    @Test
    void aStoppedServiceRefusesAndControlErrorsAreClean() {
        Service ram = ram("stopped");
        sup.control("stop stopped");
        assertEquals(Service.State.STOPPED, ram.state());
        assertEquals(Errno.EIO, assertThrows(SysError.class, () -> ram.fs().attach()).errno());
        assertEquals(Errno.EINVAL, assertThrows(SysError.class, () -> sup.control("explode stopped")).errno());
        assertEquals(Errno.ENOENT, assertThrows(SysError.class, () -> sup.control("crash nobody")).errno());
        assertEquals(Errno.EEXIST, assertThrows(SysError.class, () -> ram("stopped")).errno());
        assertEquals(Errno.ENODEV, assertThrows(SysError.class, () -> sup.control("kernel x nosuchtype")).errno());
        AtomicReference<String> none = new AtomicReference<>();
        assertNull(none.get());
    }
}
