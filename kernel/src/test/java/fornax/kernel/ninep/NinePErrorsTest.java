package fornax.kernel.ninep;

import static fornax.kernel.sys.Errno.*;
import static org.junit.jupiter.api.Assertions.*;

import fornax.kernel.ninep.Message.*;
import fornax.kernel.sys.SysError;
import org.junit.jupiter.api.Test;

class NinePErrorsTest {
    @Test
    void everyDialectCarriesTheErrnoAcrossTheWire() throws Exception {
        for (int errno : new int[] {EPERM, ENOENT, EIO, EACCES, EEXIST, ENOTDIR, EISDIR, EINVAL, ENOSPC, EROFS,
                ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, ENODATA, EOVERFLOW, EOPNOTSUPP, ETIMEDOUT, 116 /* ESTALE */})
            for (Dialect d : Dialect.values()) {
                NinePCodec c = new NinePCodec(d, 8192);
                Reply sent = NinePErrors.reply(d, new SysError(errno, "detail"));
                Reply got = (Reply) c.decode(c.encode(sent, 1)).message();
                assertEquals(errno, NinePErrors.errno(got), d + " " + Errno(errno));
                assertEquals(errno, NinePErrors.toSysError(got).errno());
            }
    }

    private static String Errno(int e) { return fornax.kernel.sys.Errno.name(e); }

    @Test
    void repliesHaveTheDialectsShape() {
        assertEquals(new Rlerror(ENOENT), NinePErrors.reply(Dialect.P9P2000L, ENOENT));
        assertEquals(new Rerror("No such file or directory", ENOENT), NinePErrors.reply(Dialect.P9P2000U, ENOENT));
        assertEquals(new Rerror("No such file or directory", 0), NinePErrors.reply(Dialect.P9P2000, ENOENT));
        assertEquals("Unknown error 999", NinePErrors.errstr(999));
    }

    @Test
    void plan9StringsMapToErrnos() {
        assertEquals(ENOENT, NinePErrors.errno("file does not exist"));
        assertEquals(EACCES, NinePErrors.errno("permission denied"));
        assertEquals(EEXIST, NinePErrors.errno("file already exists"));
        assertEquals(EISDIR, NinePErrors.errno("file is a directory"));
        assertEquals(EIO, NinePErrors.errno("the cat ate my file"));
        assertEquals(ENOENT, NinePErrors.errno(new Rerror("file does not exist", 0)));   // plain 9P2000
        assertEquals(EACCES, NinePErrors.errno(new Rerror("whatever", EACCES)));        // .u errno wins
        assertEquals(ENOENT, NinePErrors.errno(new Rerror("file does not exist", -1))); // bogus errno: use the text
        assertEquals(EIO, NinePErrors.errno(new Rlerror(0)));                            // an error all the same
        assertEquals(0, NinePErrors.errno(new Rclunk()));
        assertNull(NinePErrors.toSysError(new Rclunk()));
    }
}
