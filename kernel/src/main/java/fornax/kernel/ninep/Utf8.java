package fornax.kernel.ninep;

/** Well-formed UTF-8 (RFC 3629 table 3-7): no overlong forms, surrogates or code points past U+10FFFF. */
final class Utf8 {
    private Utf8() { }

    static boolean valid(byte[] b, int off, int len) {
        int i = off, end = off + len;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) { i++; continue; }
            int more, lo = 0x80, hi = 0xBF;         // bounds of the second byte
            if (c >= 0xC2 && c <= 0xDF) more = 1;
            else if (c >= 0xE0 && c <= 0xEF) {
                more = 2;
                if (c == 0xE0) lo = 0xA0;             // overlong
                if (c == 0xED) hi = 0x9F;             // surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                more = 3;
                if (c == 0xF0) lo = 0x90;             // overlong
                if (c == 0xF4) hi = 0x8F;             // past U+10FFFF
            } else return false;
            if (end - i <= more) return false;
            int c1 = b[i + 1] & 0xFF;
            if (c1 < lo || c1 > hi) return false;
            for (int k = 2; k <= more; k++) if ((b[i + k] & 0xC0) != 0x80) return false;
            i += more + 1;
        }
        return true;
    }
}
