package fornax.kernel.initramfs;

import java.io.IOException;

/** A cpio archive is malformed; {@link #offset()} is the byte offset in the archive where it went wrong. */
public final class CpioFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public CpioFormatException(String problem, long offset) {
        super("cpio: " + problem + " at offset " + offset + " (0x" + Long.toHexString(offset) + ")");
        this.offset = offset;
    }

    /** Byte offset in the archive of the header, field or data that is wrong. */
    public long offset() { return offset; }
}
