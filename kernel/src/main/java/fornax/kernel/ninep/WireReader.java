package fornax.kernel.ninep;

import fornax.kernel.vfs.Qid;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict cursor over the bytes of one message (or one field of one). Every read first checks
 * that its bytes are there and throws {@link NinePException} naming the field if not, so no
 * index or underflow exception can escape, and nothing is allocated for a length before that
 * length has been checked against the bytes actually present.
 *
 * <p>Not thread-safe; one reader decodes one message on one thread.
 */
final class WireReader {
    private final byte[] b;
    private final int end;
    private final boolean utf8;     // 9P2000: strings must be well-formed UTF-8
    private int pos;

    WireReader(byte[] b, int off, int len, boolean utf8) {
        this.b = b;
        this.pos = off;
        this.end = off + len;
        this.utf8 = utf8;
    }

    int remaining() { return end - pos; }

    private void need(long n, String field) throws NinePException {
        if (n < 0 || n > end - pos)
            throw new NinePException("truncated: " + field + " needs " + n + " bytes, " + (end - pos) + " left");
    }

    int u8(String field) throws NinePException {
        need(1, field);
        return b[pos++] & 0xFF;
    }

    int u16(String field) throws NinePException {
        need(2, field);
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    int u32(String field) throws NinePException {
        need(4, field);
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long u64(String field) throws NinePException {
        need(8, field);
        long lo = Integer.toUnsignedLong(u32(field));
        return lo | (long) u32(field) << 32;
    }

    Qid qid(String field) throws NinePException {
        need(13, field);
        return new Qid(u8(field), u32(field), u64(field));
    }

    /** string[s]: length[2] then that many bytes, no NUL, UTF-8 in 9P2000. One char per byte. */
    String str(String field) throws NinePException {
        int n = u16(field);
        need(n, field);
        for (int i = pos; i < pos + n; i++)
            if (b[i] == 0) throw new NinePException(field + ": NUL in a string");
        if (utf8 && !Utf8.valid(b, pos, n)) throw new NinePException(field + ": not UTF-8");
        String s = new String(b, pos, n, StandardCharsets.ISO_8859_1);
        pos += n;
        return s;
    }

    /** count[4] data[count]. */
    byte[] data(String field) throws NinePException {
        long n = Integer.toUnsignedLong(u32(field));
        need(n, field);
        byte[] d = Arrays.copyOfRange(b, pos, pos + (int) n);
        pos += (int) n;
        return d;
    }

    /** A reader over the next n bytes, which this reader skips: for a sized sub-structure. */
    WireReader sub(long n, String field) throws NinePException {
        need(n, field);
        WireReader r = new WireReader(b, pos, (int) n, utf8);
        pos += (int) n;
        return r;
    }

    /** Every byte must have been consumed: trailing bytes are as wrong as missing ones. */
    void done(String what) throws NinePException {
        if (pos != end) throw new NinePException(what + ": " + (end - pos) + " bytes left over");
    }
}
