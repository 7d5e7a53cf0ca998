package fornax.kernel.vfs;

import fornax.kernel.fs.devfs.DevFs;
import fornax.kernel.fs.pipe.PipeFs;
import fornax.kernel.fs.tmpfs.TmpFs;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file tree for tests, built as the kernel builds its own: a tmpfs root with /tmp (1777) and
 * /dev (the device server, over a console that records writes and reads nothing), plus the pipe
 * device. The clock is a counter tests can move.
 */
public final class TestFs {
    /** The fake clock, ns: starts at 1e18 and moves only when told. */
    public final AtomicLong now = new AtomicLong(1_000_000_000_000_000_000L);
    public final TmpFs root;
    public final DevFs dev;
    public final PipeFs pipes;
    public final Namespace ns;
    public final java.io.ByteArrayOutputStream consoleOut = new java.io.ByteArrayOutputStream();

    public TestFs() { this(64L << 20); }

    public TestFs(long tmpfsBytes) { this(tmpfsBytes, null); }

    /** With {@code frames}, tmpfs files can be mapped MAP_SHARED (their mapped pages live in frames). */
    public TestFs(long tmpfsBytes, fornax.kernel.mm.FrameAllocator frames) {
        root = new TmpFs(Stat.makedev(0, 1), now::get, tmpfsBytes, 0755, frames);
        OpenFile console = new OpenFile() {
            @Override public int read(byte[] buf, int off, int len) { return 0; }
            @Override public int write(byte[] buf, int off, int len) {
                synchronized (consoleOut) { consoleOut.write(buf, off, len); }
                return len;
            }
            @Override public Stat stat() { return new Stat(0, 0, Dir.S_IFCHR | 0620, 1, 0, 0, 0, 0, 1024, 0, 0, 0, 0); }
        };
        dev = new DevFs(Stat.makedev(0, 5), now::get, new Random(1), console, true);
        pipes = new PipeFs(Stat.makedev(0, 12), now::get);
        java.util.concurrent.atomic.AtomicInteger minor = new java.util.concurrent.atomic.AtomicInteger(100);
        ns = new Namespace(root, Map.of('|', pipes, 'c', dev), Map.of(
                "tmpfs", () -> new TmpFs(Stat.makedev(0, minor.getAndIncrement()), now::get, tmpfsBytes, 01777),
                "devtmpfs", () -> dev, NamespaceOps.PRIVATE_DEVICES, dev::fresh));
        FsContext boot = FsContext.initial(ns, "/");
        boot.setUmask(0);
        Vfs.mkdir(boot, null, "/tmp", 01777);
        Vfs.mkdir(boot, null, "/dev", 0755);
        try (Chan d = Vfs.lookup(boot, null, "/dev", true)) {
            ns.mount(d, dev, "devtmpfs");
        }
        boot.release();
    }

    /** A process context with root "/" and the given working directory. */
    public FsContext context(String cwd) { return FsContext.initial(ns, cwd); }

    public void tick(long nanos) { now.addAndGet(nanos); }
}
