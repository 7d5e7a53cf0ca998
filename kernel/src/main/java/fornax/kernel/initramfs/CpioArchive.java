package fornax.kernel.initramfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of cpio "newc" archives, the format of a Linux initramfs.
 *
 * <pre>
 *   header (110 bytes, ASCII)                         then
 *     0 magic     "070701" (or "070702": with check)    name: namesize bytes, NUL included
 *     6 ino        14 mode      22 uid       30 gid      zero padding to a multiple of 4
 *    38 nlink      46 mtime     54 filesize              data: filesize bytes
 *    62 devmajor   70 devminor  78 rdevmajor             zero padding to a multiple of 4
 *    86 rdevminor  94 namesize 102 check
 *   (each field: 8 hex digits)
 * </pre>
 *
 * The archive ends with a member named {@code TRAILER!!!}. As in the Linux unpacker, zero bytes
 * may follow it, and so may further archives (starting 4-byte aligned): a member of a later archive
 * replaces a member of the same path from an earlier one.
 *
 * <p>Checked, each with a {@link CpioFormatException} that gives the byte offset: magic; every hex
 * digit; name size (at least one character plus NUL, at most {@value #MAX_NAME_SIZE}); the NUL
 * terminator and no NUL inside the name; UTF-8 names; paths (no {@code ..}, {@code .} or empty
 * components, components of at most 255 bytes); zero padding; file size against the bytes left;
 * file type; no data for directories, devices, FIFOs and sockets; symlink targets (1 to
 * {@value #MAX_LINK_TARGET} bytes, no NUL); the data checksum of {@code 070702} members; the
 * trailer; duplicate paths within one archive.
 *
 * <p>Hard links: regular files with {@code nlink > 1} and the same {@code (ino, devmajor,
 * devminor)} within one archive are one file. Writers store the contents with one member
 * (GNU cpio and the kernel's {@code gen_init_cpio}: the last) and size 0 with the others; every
 * member of the group gets the contents, and all but the first name the first in
 * {@link CpioEntry#hardLinkOf()}. Two members of a group with different non-empty contents are an error.
 */
public final class CpioArchive {
    public static final int HEADER_SIZE = 110;
    /** Largest name size, NUL included: Linux's PATH_MAX. */
    public static final int MAX_NAME_SIZE = 4096;
    /** Largest symlink target: PATH_MAX less the NUL. */
    public static final int MAX_LINK_TARGET = 4095;
    public static final String TRAILER = "TRAILER!!!";
    private static final int NAME_MAX = 255;
    private static final String[] FIELDS = {"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
            "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check"};
    private static final int INO = 0, MODE = 1, UID = 2, GID = 3, NLINK = 4, MTIME = 5, FILESIZE = 6,
            DEVMAJOR = 7, DEVMINOR = 8, RDEVMAJOR = 9, RDEVMINOR = 10, NAMESIZE = 11, CHECK = 12;

    private final List<CpioEntry> entries;
    private final Map<String, CpioEntry> byPath;

    private CpioArchive(Map<String, CpioEntry> byPath) {
        this.byPath = Collections.unmodifiableMap(byPath);
        this.entries = List.copyOf(byPath.values());
    }

    /** Reads and parses the archive in {@code file}. */
    public static CpioArchive read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8)
            throw new CpioFormatException("archive of " + size + " bytes is too large (2 GiB at most)", 0);
        return parse(Files.readAllBytes(file));
    }

    /** Parses a whole archive. The array is not kept, but file data are copied out of it. */
    public static CpioArchive parse(byte[] archive) throws CpioFormatException {
        return new Parser(archive).run();
    }

    /** The members in archive order (directories, files, links, devices); not the trailer. */
    public List<CpioEntry> entries() { return entries; }

    /** The member at {@code path} ("/", "/bin/sh"; a leading "/" is optional), or {@code null}. */
    public CpioEntry get(String path) {
        if (path.isEmpty() || path.equals(".")) return byPath.get("/");
        return byPath.get(path.startsWith("/") ? path : "/" + path);
    }

    public int size() { return entries.size(); }

    /** Mutable member under construction (hard-link data is resolved at the end of each archive). */
    private static final class Pending {
        final String path; final long[] f; final long offset; final int mode;
        byte[] data; String linkTarget; String hardLinkOf;
        Pending(String path, long[] f, long offset, byte[] data, String linkTarget) {
            this.path = path; this.f = f; this.offset = offset; this.mode = (int) f[MODE];
            this.data = data; this.linkTarget = linkTarget;
        }
        CpioEntry entry() {
            return new CpioEntry(path, mode, f[UID], f[GID], f[MTIME], f[NLINK], f[INO], f[DEVMAJOR], f[DEVMINOR],
                    f[RDEVMAJOR], f[RDEVMINOR], data, linkTarget, hardLinkOf, offset);
        }
    }

    private record LinkKey(long ino, long devMajor, long devMinor) { }

    private static final class Parser {
        private final byte[] b;
        private final int len;
        private int off;

        Parser(byte[] b) { this.b = b; this.len = b.length; }

        CpioArchive run() throws CpioFormatException {
            if (len == 0) throw new CpioFormatException("empty archive", 0);
            rejectCompressed();
            Map<String, CpioEntry> all = new LinkedHashMap<>();
            while (true) {
                for (Pending p : segment()) {
                    all.remove(p.path);              // a later archive replaces, and moves to its place
                    all.put(p.path, p.entry());
                }
                while (off < len && b[off] == 0) off++;
                if (off == len) return new CpioArchive(all);
                if ((off & 3) != 0)
                    throw new CpioFormatException("data after " + TRAILER + " that is neither zero padding nor "
                            + "a 4-byte aligned archive", off);
            }
        }

        private void rejectCompressed() throws CpioFormatException {
            String kind = null;
            if (len >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B) kind = "gzip";
            else if (len >= 6 && (b[0] & 0xFF) == 0xFD && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z') kind = "xz";
            else if (len >= 4 && (b[0] & 0xFF) == 0x28 && (b[1] & 0xFF) == 0xB5 && (b[2] & 0xFF) == 0x2F
                    && (b[3] & 0xFF) == 0xFD) kind = "zstd";
            if (kind != null)
                throw new CpioFormatException(kind + "-compressed data, not a cpio archive (decompress it first)", 0);
        }

        /** One archive, up to and including its trailer; leaves {@link #off} after the trailer's padding. */
        private List<Pending> segment() throws CpioFormatException {
            List<Pending> members = new ArrayList<>();
            Map<String, Pending> paths = new HashMap<>();
            Map<LinkKey, List<Pending>> links = new LinkedHashMap<>();
            while (true) {
                int start = off;
                if (len - start < HEADER_SIZE) {
                    throw new CpioFormatException(start == len ? "archive ends without a " + TRAILER + " member"
                            : "truncated header (" + (len - start) + " of " + HEADER_SIZE + " bytes)", start);
                }
                String magic = new String(b, start, 6, StandardCharsets.ISO_8859_1);
                boolean crc;
                if (magic.equals("070701")) crc = false;
                else if (magic.equals("070702")) crc = true;
                else throw new CpioFormatException("bad magic \"" + printable(magic) + "\" (expected 070701 or "
                        + "070702; only the newc format is read)", start);
                long[] f = new long[FIELDS.length];
                for (int i = 0; i < FIELDS.length; i++) f[i] = hex(start + 6 + 8 * i, FIELDS[i]);

                long nameSize = f[NAMESIZE];
                int nameAt = start + HEADER_SIZE;
                if (nameSize < 2)
                    throw new CpioFormatException("name size " + nameSize + " (needs at least one character and a NUL)",
                            fieldOffset(start, NAMESIZE));
                if (nameSize > MAX_NAME_SIZE)
                    throw new CpioFormatException("name size " + nameSize + " exceeds " + MAX_NAME_SIZE,
                            fieldOffset(start, NAMESIZE));
                if (nameSize > len - nameAt)
                    throw new CpioFormatException("truncated name (" + nameSize + " bytes declared, "
                            + (len - nameAt) + " left)", nameAt);
                int nameLen = (int) nameSize - 1;
                if (b[nameAt + nameLen] != 0)
                    throw new CpioFormatException("name is not NUL-terminated", nameAt + nameLen);
                for (int i = 0; i < nameLen; i++)
                    if (b[nameAt + i] == 0) throw new CpioFormatException("NUL inside the name", nameAt + i);
                String name = utf8(nameAt, nameLen, "name");

                int dataAt = padding(nameAt + (int) nameSize, "name");
                long fileSize = f[FILESIZE];
                if (fileSize > len - dataAt)
                    throw new CpioFormatException("member \"" + printable(name) + "\": file size " + fileSize
                            + " goes beyond the end of the archive (" + (len - dataAt) + " bytes left)", start);
                int size = (int) fileSize;
                off = padding(dataAt + size, "data of \"" + printable(name) + "\"");

                if (name.equals(TRAILER)) {
                    if (size != 0) throw new CpioFormatException(TRAILER + " with " + size + " bytes of data", start);
                    break;
                }
                int mode = (int) f[MODE];
                if (f[MODE] > 0xFFFF) throw new CpioFormatException("mode 0x" + Long.toHexString(f[MODE])
                        + " has bits above st_mode's 16", fieldOffset(start, MODE));
                int type = mode & CpioEntry.S_IFMT;
                String where = "member \"" + printable(name) + "\": ";
                byte[] data = new byte[0];
                String target = null;
                switch (type) {
                    case CpioEntry.S_IFREG -> data = Arrays.copyOfRange(b, dataAt, dataAt + size);
                    case CpioEntry.S_IFLNK -> {
                        if (size == 0) throw new CpioFormatException(where + "symlink with an empty target", start);
                        if (size > MAX_LINK_TARGET)
                            throw new CpioFormatException(where + "symlink target of " + size + " bytes exceeds "
                                    + MAX_LINK_TARGET, start);
                        for (int i = 0; i < size; i++)
                            if (b[dataAt + i] == 0) throw new CpioFormatException(where + "NUL in symlink target", dataAt + i);
                        target = utf8(dataAt, size, "symlink target");
                    }
                    case CpioEntry.S_IFDIR, CpioEntry.S_IFCHR, CpioEntry.S_IFBLK, CpioEntry.S_IFIFO, CpioEntry.S_IFSOCK -> {
                        if (size != 0) throw new CpioFormatException(where + "a " + typeName(type) + " with "
                                + size + " bytes of data", start);
                    }
                    default -> throw new CpioFormatException(where + "unknown file type in mode "
                            + Integer.toOctalString(mode), fieldOffset(start, MODE));
                }
                if (crc) {
                    long sum = 0;
                    for (int i = 0; i < size; i++) sum += b[dataAt + i] & 0xFF;
                    sum &= 0xFFFFFFFFL;
                    if (sum != f[CHECK])
                        throw new CpioFormatException(where + "checksum " + Long.toHexString(sum) + " does not match "
                                + "the header's " + Long.toHexString(f[CHECK]), fieldOffset(start, CHECK));
                }
                String path = normalize(name, type == CpioEntry.S_IFDIR, start);
                Pending p = new Pending(path, f, start, data, target);
                Pending before = paths.putIfAbsent(path, p);
                if (before != null)
                    throw new CpioFormatException(where + "duplicate of the member at offset " + before.offset, start);
                members.add(p);
                if (type == CpioEntry.S_IFREG && f[NLINK] > 1)
                    links.computeIfAbsent(new LinkKey(f[INO], f[DEVMAJOR], f[DEVMINOR]), k -> new ArrayList<>()).add(p);
            }
            for (List<Pending> group : links.values()) resolveLinks(group);
            return members;
        }

        private static void resolveLinks(List<Pending> group) throws CpioFormatException {
            byte[] data = null;
            for (Pending p : group) {
                if (p.data.length == 0) continue;
                if (data == null) data = p.data;
                else if (!Arrays.equals(data, p.data))
                    throw new CpioFormatException("member \"" + printable(p.path) + "\": hard link to inode " + p.f[INO]
                            + " with contents different from an earlier link's", p.offset);
            }
            if (data == null) data = group.getFirst().data;
            String first = group.getFirst().path;
            for (Pending p : group) {
                p.data = data;
                if (p != group.getFirst()) p.hardLinkOf = first;
            }
        }

        private long hex(int at, String field) throws CpioFormatException {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                int c = b[at + i] & 0xFF, d = Character.digit(c, 16);
                if (d < 0 || c > 'f')
                    throw new CpioFormatException("bad hex digit '" + printable(String.valueOf((char) c))
                            + "' in field " + field, at + i);
                v = v << 4 | d;
            }
            return v;
        }

        /** Checks the zero padding after {@code end} up to the next multiple of 4 and returns that. */
        private int padding(int end, String what) throws CpioFormatException {
            int next = (end + 3) & ~3;
            if (next > len)
                throw new CpioFormatException("truncated padding after the " + what, end);
            for (int i = end; i < next; i++)
                if (b[i] != 0) throw new CpioFormatException("non-zero padding after the " + what, i);
            return next;
        }

        private String utf8(int at, int n, String what) throws CpioFormatException {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, at, n)).toString();
            } catch (CharacterCodingException e) {
                throw new CpioFormatException(what + " is not valid UTF-8", at);
            }
        }

        private static int fieldOffset(int start, int field) { return start + 6 + 8 * field; }
    }

    /** "." or "/" is the root; a leading "./" or "/" is dropped; "x/" only for a directory. */
    static String normalize(String name, boolean directory, long offset) throws CpioFormatException {
        String s = name;
        if (s.equals(".") || s.equals("./") || s.equals("/")) {
            if (!directory) throw new CpioFormatException("the root \"" + name + "\" is not a directory", offset);
            return "/";
        }
        if (s.startsWith("./")) s = s.substring(2);
        else if (s.startsWith("/")) s = s.substring(1);
        if (directory && s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (s.isEmpty()) throw new CpioFormatException("empty path \"" + printable(name) + "\"", offset);
        for (String c : s.split("/", -1)) {
            if (c.isEmpty() || c.equals(".") || c.equals(".."))
                throw new CpioFormatException("path \"" + printable(name) + "\" has a \""
                        + c + "\" component", offset);
            if (c.getBytes(StandardCharsets.UTF_8).length > NAME_MAX)
                throw new CpioFormatException("path \"" + printable(name) + "\" has a component longer than "
                        + NAME_MAX + " bytes", offset);
        }
        return "/" + s;
    }

    private static String typeName(int type) {
        return switch (type) {
            case CpioEntry.S_IFDIR -> "directory";
            case CpioEntry.S_IFCHR -> "character device";
            case CpioEntry.S_IFBLK -> "block device";
            case CpioEntry.S_IFIFO -> "FIFO";
            default -> "socket";
        };
    }

    /** The string with control and non-ASCII characters as \xNN, cut to 200 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') sb.append(c);
            else if (c < 0x100) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.length() >= 200 ? sb + "..." : sb.toString();
    }
}
