package fornax.kernel.fs.tmpfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.mm.FrameAllocator;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.Dir;
import fornax.kernel.vfs.Fid;
import fornax.kernel.vfs.OpenFlags;
import fornax.machine.mem.PhysicalMemory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** tmpfs pages moved into frames for shared mappings: one copy for mappings and read/write. */
class TmpFsSharedPagesTest {
    private final PhysicalMemory ram = new PhysicalMemory(0x8000_0000L, 4L << 20);
    private final FrameAllocator frames = new FrameAllocator(ram);
    private final TmpFs fs = new TmpFs(9, () -> 0L, 1L << 20, 0755, frames);

    private Fid openFile(String name) {
        Fid root = fs.attach();
        Fid f = fs.create(root, name, Dir.S_IFREG | 0644, null);
        fs.clunk(root);
        fs.open(f, OpenFlags.O_RDWR);
        return f;
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    @Test
    void mappedPageIsTheFileUntilTruncatedAway() {
        int free = frames.freeFrames();
        Fid f = openFile("x");
        fs.write(f, 0, b("hello world"), 0, 11);
        long pa = fs.sharedPage(f, 0);
        assertEquals(pa, fs.sharedPage(f, 0), "one frame per page");
        assertEquals(3, frames.owners(pa), "the file and the two callers");
        assertEquals(-1, fs.sharedPage(f, 1), "wholly past the end");
        byte[] got = new byte[5];
        ram.read(pa, got, 0, 5);
        assertArrayEquals(b("hello"), got, "the frame holds the file's bytes");
        ram.write(pa + 6, b("WORLD"), 0, 5);
        byte[] r = new byte[11];
        assertEquals(11, fs.read(f, 0, r, 0, 11));
        assertArrayEquals(b("hello WORLD"), r, "read(2) reads the frame");
        fs.write(f, 0, b("J"), 0, 1);
        ram.read(pa, got, 0, 1);
        assertEquals('J', got[0], "write(2) writes the frame");

        ram.write(pa + 100, b("junk"), 0, 4);   // a mapping storing past the end of the file
        fs.wstat(f, Dir.truncate(200));
        byte[] tail = new byte[4];
        fs.read(f, 100, tail, 0, 4);
        assertArrayEquals(new byte[4], tail, "growing the file zeroes what a mapping left past the end");

        fs.wstat(f, Dir.truncate(0));
        assertEquals(2, frames.owners(pa), "truncation drops the file's reference; mappings keep theirs");
        frames.free(pa);
        frames.free(pa);
        fs.clunk(f);
        assertEquals(free, frames.freeFrames());
        assertEquals(0, frames.stats().pageCache());
    }

    @Test
    void holesTakeBudgetAndUnmappableWithoutFrames() {
        Fid f = openFile("h");
        fs.wstat(f, Dir.truncate(8192));
        long before = fs.usedBytes();
        long pa = fs.sharedPage(f, 1);
        assertEquals(before + 4096, fs.usedBytes(), "a hole gets a page from the budget");
        frames.free(pa);
        fs.clunk(f);
        TmpFs plain = new TmpFs(9, () -> 0L, 1L << 20, 0755);
        Fid root = plain.attach();
        Fid g = plain.create(root, "g", Dir.S_IFREG | 0644, null);
        plain.open(g, OpenFlags.O_RDWR);
        assertTrue(!plain.sharesPages(g));
        assertEquals(Errno.ENODEV, org.junit.jupiter.api.Assertions.assertThrows(SysError.class, () -> plain.sharedPage(g, 0)).errno());
        plain.clunk(g);
        plain.clunk(root);
    }
}
