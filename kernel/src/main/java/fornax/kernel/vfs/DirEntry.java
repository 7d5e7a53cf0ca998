package fornax.kernel.vfs;

/**
 * One directory entry from {@link FileServer#readdir} (9P2000.L Rreaddir's record): the name, the
 * file's inode number (its qid path), its d_type, and {@code next}, the directory offset that
 * resumes reading just after this entry (getdents64's d_off).
 */
public record DirEntry(String name, long ino, int type, long next) { }
