package fornax.kernel.fs.procfs;

import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.FileServerContractTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** procfs against the file-server contract, with two processes so pid directories are walked too. */
class ProcFsContractTest extends FileServerContractTest {
    private final ProcWorld world = new ProcWorld();

    {
        var init = world.spawn(null, "/bin/busybox", List.of("sh"), List.of("HOME=/"));
        world.spawn(init, "/bin/busybox", List.of("cat", "-"), List.of());
    }

    @AfterEach
    void closeWorld() { world.close(); }

    @Override protected FileServer newServer() { return world.newServer(); }
    @Override protected String fileName() { return "meminfo"; }
    @Override protected boolean canCreate() { return false; }
}
