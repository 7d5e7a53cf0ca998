package fornax.kernel.ninep;

import fornax.kernel.vfs.Qid;
import java.util.Arrays;

/**
 * Builds one message in little-endian wire order, refusing to grow past a limit (the msize) so
 * that an oversized reply is caught before its bytes are copied, and refusing any string the wire
 * cannot carry: longer than 65535 bytes, a char above 0xFF (strings are byte strings), a NUL, or
 * (9P2000) bytes that are not UTF-8. Whatever it writes, {@link WireReader} reads back.
 *
 * <p>Not thread-safe; one writer encodes one message on one thread.
 */
final class WireWriter {
    private final int limit;
    private final boolean utf8;
    private byte[] b;
    private int n;

    WireWriter(int sizeHint, int limit, boolean utf8) {
        this.limit = limit;
        this.utf8 = utf8;
        this.b = new byte[Math.max(16, Math.min(sizeHint, limit))];
    }

    int position() { return n; }

    private void room(long k) throws NinePException {
        if (n + k > limit) throw new NinePException("message exceeds " + limit + " bytes");
        if (n + k > b.length) b = Arrays.copyOf(b, (int) Math.min(limit, Math.max(n + k, 2L * b.length)));
    }

    void u8(int v) throws NinePException {
        room(1);
        b[n++] = (byte) v;
    }

    void u16(int v) throws NinePException {
        room(2);
        b[n++] = (byte) v;
        b[n++] = (byte) (v >>> 8);
    }

    void u32(int v) throws NinePException {
        room(4);
        put32(n, v);
        n += 4;
    }

    void u64(long v) throws NinePException {
        room(8);
        put32(n, (int) v);
        put32(n + 4, (int) (v >>> 32));
        n += 8;
    }

    /** Overwrites a u32 written earlier (a size or count known only at the end). */
    void put32(int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    /** Overwrites a u16 written earlier. */
    void put16(int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    void qid(Qid q, String field) throws NinePException {
        if (q.type() < 0 || q.type() > 0xFF) throw new NinePException(field + ": qid type " + q.type() + " is not a u8");
        u8(q.type());
        u32(q.version());
        u64(q.path());
    }

    void str(String s, String field) throws NinePException {
        int len = s.length();
        if (len > 0xFFFF) throw new NinePException(field + ": string of " + len + " bytes is too long");
        u16(len);
        room(len);
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0xFF)
                throw new NinePException(field + ": char " + (int) c + " at " + i + " cannot be sent (NUL or not a byte)");
            b[n + i] = (byte) c;
        }
        if (utf8 && !Utf8.valid(b, n, len)) throw new NinePException(field + ": not UTF-8");
        n += len;
    }

    /** count[4] data[count]. */
    void data(byte[] d) throws NinePException {
        room(4L + d.length);
        u32(d.length);
        System.arraycopy(d, 0, b, n, d.length);
        n += d.length;
    }

    byte[] toByteArray() { return n == b.length ? b : Arrays.copyOf(b, n); }
}
