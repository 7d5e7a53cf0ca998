package fornax.kernel.fs.devfs;

import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.FileServerContractTest;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.Stat;
import java.util.Random;

/** The device server against the file-server contract. */
class DevFsContractTest extends FileServerContractTest {
    static final OpenFile CONSOLE = new OpenFile() {
        @Override public int read(byte[] buf, int off, int len) { return 0; }
        @Override public int write(byte[] buf, int off, int len) { return len; }
        @Override public Stat stat() { return new Stat(0, 0, Dir.S_IFCHR | 0620, 1, 0, 0, 0, 0, 1024, 0, 0, 0, 0); }
    };

    @Override protected FileServer newServer() { return new DevFs(5, () -> 1_000_000_000L, new Random(1), CONSOLE, true); }
    @Override protected String fileName() { return "null"; }
    @Override protected boolean canCreate() { return false; }
}
