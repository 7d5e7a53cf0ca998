package fornax.kernel.initramfs;

/**
 * One member of a cpio archive.
 *
 * @param path       absolute, normalized: {@code "/"} for the root, else {@code "/bin/busybox"}
 *                   (no trailing slash, no {@code .} or {@code ..} components)
 * @param mode       the whole {@code st_mode}: type bits ({@link #S_IFMT}) and permission bits
 * @param data       the file's contents for a regular file (shared, not copied, between the
 *                   members of a hard-link group); empty for every other type. Do not modify.
 * @param linkTarget the target of a symbolic link, else {@code null}
 * @param hardLinkOf for a regular file that is a hard link to an earlier member of the same
 *                   archive (same {@code ino}, {@code devMajor}, {@code devMinor}, {@code nlink > 1}),
 *                   that member's path; else {@code null}
 * @param offset     byte offset of this member's header in the archive
 */
public record CpioEntry(String path, int mode, long uid, long gid, long mtime, long nlink,
                        long ino, long devMajor, long devMinor, long rdevMajor, long rdevMinor,
                        byte[] data, String linkTarget, String hardLinkOf, long offset) {
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;

    /** The file type, from the type bits of {@link #mode}. */
    public enum Type { REGULAR, DIRECTORY, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, SOCKET }

    public Type type() {
        return switch (mode & S_IFMT) {
            case S_IFREG -> Type.REGULAR;
            case S_IFDIR -> Type.DIRECTORY;
            case S_IFLNK -> Type.SYMLINK;
            case S_IFCHR -> Type.CHAR_DEVICE;
            case S_IFBLK -> Type.BLOCK_DEVICE;
            case S_IFIFO -> Type.FIFO;
            case S_IFSOCK -> Type.SOCKET;
            default -> throw new IllegalStateException("mode " + Integer.toOctalString(mode));
        };
    }

    /** Permission bits including setuid, setgid and sticky ({@code mode & 07777}). */
    public int permissions() { return mode & 07777; }

    public boolean isRegular() { return (mode & S_IFMT) == S_IFREG; }
    public boolean isDirectory() { return (mode & S_IFMT) == S_IFDIR; }
    public boolean isSymlink() { return (mode & S_IFMT) == S_IFLNK; }

    /** File size as the file system would report it: data length, or target length for a symlink. */
    public long size() {
        return isSymlink() ? linkTarget.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : data.length;
    }

    @Override public String toString() {
        return String.format("%06o %d/%d %s%s", mode, uid, gid, path,
                isSymlink() ? " -> " + linkTarget : hardLinkOf != null ? " => " + hardLinkOf
                        : isRegular() ? " (" + data.length + " bytes)" : "");
    }
}
