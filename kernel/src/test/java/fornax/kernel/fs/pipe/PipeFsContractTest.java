package fornax.kernel.fs.pipe;

import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.FileServerContractTest;

/** The pipe device against the file-server contract (each attach is a new pipe). */
class PipeFsContractTest extends FileServerContractTest {
    @Override protected FileServer newServer() { return new PipeFs(12, () -> 1_000_000_000L); }
    @Override protected String fileName() { return "data"; }
    @Override protected boolean canCreate() { return false; }
}
