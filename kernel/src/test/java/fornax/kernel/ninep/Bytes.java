package fornax.kernel.ninep;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds expected wire bytes field by field, little-endian, straight from the layouts in the
 * manual pages: the independent side of the golden-encoding tests (it shares no code with the codec).
 */
final class Bytes {
    private final ByteArrayOutputStream o = new ByteArrayOutputStream();

    Bytes u8(int v) { o.write(v); return this; }
    Bytes u16(int v) { return u8(v & 0xFF).u8(v >>> 8 & 0xFF); }
    Bytes u32(long v) { return u16((int) (v & 0xFFFF)).u16((int) (v >>> 16 & 0xFFFF)); }
    Bytes u64(long v) { return u32(v & 0xFFFF_FFFFL).u32(v >>> 32); }
    Bytes qid(int type, long version, long path) { return u8(type).u32(version).u64(path); }
    Bytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        u16(b.length);
        o.writeBytes(b);
        return this;
    }
    Bytes raw(byte[] b) { o.writeBytes(b); return this; }
    Bytes hex(String h) {
        h = h.replaceAll("\\s+", "");
        for (int i = 0; i < h.length(); i += 2) u8(Integer.parseInt(h.substring(i, i + 2), 16));
        return this;
    }
    int size() { return o.size(); }
    byte[] bytes() { return o.toByteArray(); }

    /** size[4] type[1] tag[2] and this body. */
    byte[] message(int type, int tag) {
        byte[] body = bytes();
        return new Bytes().u32(7 + body.length).u8(type).u16(tag).raw(body).bytes();
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xFF));
        return sb.toString();
    }
}
