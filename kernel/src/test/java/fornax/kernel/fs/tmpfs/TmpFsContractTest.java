package fornax.kernel.fs.tmpfs;

import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.FileServerContractTest;

/** tmpfs against the file-server contract. */
class TmpFsContractTest extends FileServerContractTest {
    @Override protected FileServer newServer() { return new TmpFs(7, () -> 1_000_000_000L, 1 << 20, 0755); }
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
