package fornax.kernel.fs.hostfs;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The two translations between the host and the guest: host I/O exceptions to Linux errnos, and
 * names between the guest's byte strings (one byte per char, ISO-8859-1) and the JVM's host path
 * strings (the bytes decoded with {@code sun.jnu.encoding}, UTF-8 on any modern Linux).
 *
 * <p>java.nio.file reports most errnos as a plain {@link FileSystemException} whose reason is the
 * host's strerror text, so after the typed exceptions the reason is looked up in a table of the
 * glibc messages (the JVM runs with the C locale's messages for these). What is left is EIO, with
 * one kernel log line saying what failed, because an unexplained EIO is a bug report waiting.
 *
 * <p>Names: a guest name is turned into host text by decoding its bytes strictly; bytes that are
 * not valid in the host encoding are EINVAL (as Linux file systems with a strict encoding answer).
 * Host names the JVM could not decode arrive with U+FFFD in them and cannot be walked back.
 * Stateless and thread-safe.
 */
final class HostErrors {
    private HostErrors() { }

    /** The encoding the JVM uses for host file names. */
    static final Charset HOST = hostCharset();

    private static Charset hostCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** strerror(3) texts (glibc, C locale) → errno, for the errnos nio does not type. */
    private static final Map<String, Integer> REASONS = Map.ofEntries(
            Map.entry("No such file or directory", Errno.ENOENT),
            Map.entry("Permission denied", Errno.EACCES),
            Map.entry("Operation not permitted", Errno.EPERM),
            Map.entry("File exists", Errno.EEXIST),
            Map.entry("Not a directory", Errno.ENOTDIR),
            Map.entry("Is a directory", Errno.EISDIR),
            Map.entry("Directory not empty", Errno.ENOTEMPTY),
            Map.entry("Invalid argument", Errno.EINVAL),
            Map.entry("No space left on device", Errno.ENOSPC),
            Map.entry("Disk quota exceeded", Errno.ENOSPC),
            Map.entry("Read-only file system", Errno.EROFS),
            Map.entry("File too large", Errno.EFBIG),
            Map.entry("Too many links", Errno.EMLINK),
            Map.entry("File name too long", Errno.ENAMETOOLONG),
            Map.entry("Too many levels of symbolic links", Errno.ELOOP),
            Map.entry("Invalid cross-device link", Errno.EXDEV),
            Map.entry("Device or resource busy", Errno.EBUSY),
            Map.entry("Text file busy", Errno.ETXTBSY),
            Map.entry("No such device or address", Errno.ENXIO),
            Map.entry("Operation not supported", Errno.EOPNOTSUPP),
            Map.entry("Too many open files", Errno.EMFILE),
            Map.entry("Too many open files in system", Errno.ENFILE),
            Map.entry("Input/output error", Errno.EIO));

    /**
     * The errno for a host I/O failure during {@code what} (an operation and a guest-visible
     * description of the file); EIO, logged through {@code log}, when nothing more precise fits.
     */
    static SysError map(IOException e, String what, Consumer<String> log) {
        int errno = errno(e);
        if (errno == Errno.EIO) log.accept("hostfs: " + what + ": " + e + " (EIO)");
        return new SysError(errno, what);
    }

    static int errno(IOException e) {
        if (e instanceof NoSuchFileException) return Errno.ENOENT;
        if (e instanceof AccessDeniedException) return Errno.EACCES;
        if (e instanceof DirectoryNotEmptyException) return Errno.ENOTEMPTY;
        if (e instanceof FileAlreadyExistsException) return Errno.EEXIST;
        if (e instanceof NotDirectoryException) return Errno.ENOTDIR;
        if (e instanceof NotLinkException) return Errno.EINVAL;
        if (e instanceof AtomicMoveNotSupportedException) return Errno.EXDEV;
        if (e instanceof FileSystemLoopException) return Errno.ELOOP;
        if (e instanceof ClosedChannelException) return Errno.EBADF;
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason != null) {
            Integer n = REASONS.get(reason.strip());
            if (n != null) return n;
            // FileChannel writes say only "No space left on device"; keep the prefix match for messages with detail.
            for (Map.Entry<String, Integer> r : REASONS.entrySet()) if (reason.startsWith(r.getKey())) return r.getValue();
        }
        return Errno.EIO;
    }

    /** A guest name (bytes as ISO-8859-1 chars) as host text; EINVAL if the bytes are not valid host encoding. */
    static String hostText(String guest) {
        byte[] raw = guest.getBytes(StandardCharsets.ISO_8859_1);
        boolean ascii = true;
        for (byte b : raw) if (b < 0) { ascii = false; break; }
        if (ascii) return guest;
        try {
            return HOST.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new SysError(Errno.EINVAL, "name is not valid " + HOST.name() + " on the host");
        }
    }

    /** Host text as a guest byte string. */
    static String guestText(String host) {
        for (int i = 0; i < host.length(); i++) {
            if (host.charAt(i) >= 0x80) return new String(host.getBytes(HOST), StandardCharsets.ISO_8859_1);
        }
        return host;
    }
}
