package fornax.kernel.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The path an open file remembers (what /proc/PID/fd shows, Linux's d_path): resolved from the
 * process root with symlinks, "." and ".." followed, for relative and absolute opens, with and
 * without O_CREAT; pipes have none. Checks no fid leaks, as the walks now also name things.
 */
class OpenedPathTest {
    private final TestFs t = new TestFs();
    private FsContext ctx;
    private long fidsAtStart;

    @BeforeEach
    void setUp() {
        fidsAtStart = t.root.liveFids();
        ctx = t.context("/tmp");
        Vfs.mkdir(ctx, null, "/tmp/a", 0755);
        Vfs.mkdir(ctx, null, "/tmp/a/b", 0755);
        Vfs.open(ctx, null, "/tmp/a/b/f", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644).close();
        Vfs.symlink(ctx, "a/b", null, "/tmp/rel");      // relative target
        Vfs.symlink(ctx, "/tmp/a", null, "/tmp/abs");   // absolute target
        Vfs.symlink(ctx, "b/f", null, "/tmp/a/lf");     // a link to the file itself
    }

    @AfterEach
    void noFidLeaks() {
        ctx.release();
        assertEquals(fidsAtStart, t.root.liveFids(), "every fid the walks made was clunked");
    }

    private String opened(String path, int flags) {
        ChanFile f = Vfs.open(ctx, null, path, flags, 0644);
        try {
            return f.path();
        } finally {
            f.close();
        }
    }

    @Test
    void absoluteAndRelativeOpensAreNamedFromTheRoot() {
        assertEquals("/tmp/a/b/f", opened("/tmp/a/b/f", OpenFlags.O_RDONLY));
        assertEquals("/tmp/a/b/f", opened("a/b/f", OpenFlags.O_RDONLY));
        assertEquals("/tmp/a/b/f", opened("./a/../a/b/./f", OpenFlags.O_RDONLY));
        assertEquals("/tmp", opened("a/b/../../", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY));
        assertEquals("/", opened("../../../..", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY));
    }

    @Test
    void symlinksAreResolved() {
        assertEquals("/tmp/a/b/f", opened("rel/f", OpenFlags.O_RDONLY));
        assertEquals("/tmp/a/b/f", opened("/tmp/abs/b/f", OpenFlags.O_RDONLY));
        assertEquals("/tmp/a/b/f", opened("abs/lf", OpenFlags.O_RDONLY));
        assertEquals("/tmp/a", opened("rel/..", OpenFlags.O_RDONLY), "'..' after a link leaves its target");
        assertEquals("/tmp/a/lf", opened("abs/lf", OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW));
    }

    @Test
    void createdAndTruncatedFilesAreNamed() {
        assertEquals("/tmp/a/new", opened("abs/new", OpenFlags.O_CREAT | OpenFlags.O_WRONLY));
        assertEquals("/tmp/a/new", opened("/tmp/a/new", OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC));
        assertEquals("/tmp/top", opened("top", OpenFlags.O_CREAT | OpenFlags.O_WRONLY));
        assertEquals("/tmp/a/b/f", opened("/tmp/a/lf", OpenFlags.O_CREAT | OpenFlags.O_WRONLY), "O_CREAT follows the link");
    }

    @Test
    void relativeOpensAreNamedFromTheDirectoryChdirReached() {
        Vfs.chdir(ctx, null, "rel", false);               // through a symlink: the cwd is /tmp/a/b
        assertEquals("/tmp/a/b", ctx.cwdPath());
        assertEquals("/tmp/a/b/f", opened("f", OpenFlags.O_RDONLY));
        Vfs.chdir(ctx, null, "..", false);
        assertEquals("/tmp/a/b/f", opened("b/f", OpenFlags.O_RDONLY));
        try (Chan dir = Vfs.lookup(ctx, null, "/tmp/a/b", true)) {
            ctx.setCwd(dir.copy());                       // fchdir: no path given, worked out when needed
        }
        assertEquals("/tmp/a/b/f", opened("f", OpenFlags.O_RDONLY));
        FsContext child = ctx.fork();
        assertEquals("/tmp/a/b", child.cwdPath(), "fork keeps the working directory's path");
        child.release();
    }

    @Test
    void mountsAreCrossedAndDevicesHaveNoName() {
        assertEquals("/dev/null", opened("../dev/null", OpenFlags.O_WRONLY));
        ChanFile[] p = Vfs.pipe(ctx, 0);
        assertNull(p[0].path());
        p[0].close();
        p[1].close();
    }
}
