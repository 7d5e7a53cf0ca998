package fornax.kernel.fs.hostfs;

import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.FileServerContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * hostfs against the file-server contract, on a fresh host directory per server. (Read-only servers
 * are checked in {@link HostFsTest}: the contract opens its file for writing.)
 */
class HostFsContractTest extends FileServerContractTest {
    @TempDir Path tmp;
    private int servers;

    /** A new empty host directory under the test's temporary directory. */
    Path freshDir() {
        try {
            return Files.createDirectory(tmp.resolve("srv" + servers++));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override protected FileServer newServer() { return new HostFs(freshDir(), 21, System::nanoTime, false, s -> { }); }
    @Override protected String fileName() { return "file"; }
    @Override protected boolean canCreate() { return true; }
    @Override protected void prepare(FileServer s) {
        var root = s.attach();
        s.clunk(s.create(root, "file", Dir.S_IFREG | 0644, null));
        s.clunk(s.create(root, "dir", Dir.S_IFDIR | 0755, null));
        s.clunk(s.create(root, "link", Dir.S_IFLNK | 0777, "file"));
        s.clunk(root);
    }
}
