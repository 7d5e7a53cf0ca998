package fornax.kernel.sys;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.MemoryObject;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFile;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Stat;

/**
 * Memory syscalls: brk, mmap, munmap, mprotect, madvise, mremap, msync. Argument decoding and
 * Linux's argument errors live here; the mechanism (placement, limits, faults, moving pages) is
 * {@link AddressSpace}'s, and what backs file and shared pages is {@link MemoryObject}'s.
 */
final class SysMemory {
    private SysMemory() { }

    static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03, MAP_TYPE = 0x0F,
            MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100, MAP_DENYWRITE = 0x800,
            MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000, MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000,
            MAP_NONBLOCK = 0x10000, MAP_STACK = 0x20000, MAP_HUGETLB = 0x40000, MAP_FIXED_NOREPLACE = 0x100000;
    private static final int KNOWN_FLAGS = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE
            | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_FIXED_NOREPLACE;
    static final int MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4,
            MADV_FREE = 8;
    static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
    static final int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    private static final long PAGE = AddressSpace.PAGE;
    /** /dev/zero's device number: mapping it gives anonymous memory. */
    private static final long DEV_ZERO = Stat.makedev(1, 5);

    static void register(SyscallTable t) {
        t.supported(214, "brk", SysMemory::brk);
        t.partial(222, "mmap", "anonymous, /dev/zero and regular-file mappings (MAP_SHARED only on servers that keep "
                + "pages in frames: tmpfs); MAP_HUGETLB, MAP_LOCKED and MAP_POPULATE are accepted and ignored",
                SysMemory::mmap);
        t.supported(215, "munmap", SysMemory::munmap);
        t.supported(226, "mprotect", SysMemory::mprotect);
        t.partial(233, "madvise", "DONTNEED/FREE drop pages (refault as zero or from the file); other advice is "
                + "accepted and ignored", SysMemory::madvise);
        t.supported(216, "mremap", SysMemory::mremap);
        t.supported(227, "msync", SysMemory::msync);
    }

    private static long brk(SyscallContext c, long[] a) {
        Process p = c.process();
        long limit = p.rlimit(Process.RLIMIT_DATA)[0];
        return c.memory().setBrk(a[0], limit == Process.RLIM_INFINITY ? Long.MAX_VALUE : limit);
    }

    static int checkProt(long prot) {
        if ((prot & ~7L) != 0) throw new SysError(Errno.EINVAL, "unknown PROT bits");
        return (int) prot;
    }

    /** PAGE_ALIGN as Linux computes it: 0 when it wraps. */
    private static long pageAlign(long len) { return (len + PAGE - 1) & ~(PAGE - 1); }

    /** mmap(2), with do_mmap's checks in Linux's order. */
    private static long mmap(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        int prot = checkProt(a[2]);
        int flags = (int) a[3];
        int fd = (int) a[4];
        long off = a[5];
        if ((off & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL, "offset not page aligned");
        FileDescription d = (flags & MAP_ANONYMOUS) == 0 ? c.process().fds().acquire(fd) : null;   // EBADF first
        MemoryObject obj = null;
        try {
            int type = flags & MAP_TYPE;
            if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
                throw new SysError(Errno.EINVAL, "mmap needs MAP_SHARED or MAP_PRIVATE");
            // do_mmap validates MAP_SHARED_VALIDATE's flags for files only; for anonymous memory the
            // type itself is not one it knows.
            if (type == MAP_SHARED_VALIDATE && d == null) throw new SysError(Errno.EINVAL);
            if (type == MAP_SHARED_VALIDATE && (flags & ~KNOWN_FLAGS) != 0) throw new SysError(Errno.EOPNOTSUPP);
            if (len == 0) throw new SysError(Errno.EINVAL, "zero length");
            long size = pageAlign(len);
            if (size <= 0 || size > AddressSpace.USER_TOP) throw new SysError(Errno.ENOMEM);
            if ((off >>> 12) + (size >>> 12) < (off >>> 12) || off < 0) throw new SysError(Errno.EOVERFLOW);
            boolean shared = type != MAP_PRIVATE;
            boolean growsDown = (flags & MAP_GROWSDOWN) != 0;
            Vma.Kind kind = Vma.Kind.ANON;
            if (d != null) {
                OpenFile f = d.file();
                if (f instanceof ChanFile cf && cf.pathOnly()) throw new SysError(Errno.EBADF, "O_PATH descriptor");
                Stat st = f.stat();
                int acc = f instanceof ChanFile cf ? cf.flags() & OpenFlags.O_ACCMODE : OpenFlags.O_RDWR;
                if (shared && (prot & Vma.PROT_WRITE) != 0 && acc == OpenFlags.O_RDONLY)
                    throw new SysError(Errno.EACCES, "PROT_WRITE shared mapping of a read-only descriptor");
                if (acc == OpenFlags.O_WRONLY) throw new SysError(Errno.EACCES, "descriptor not open for reading");
                boolean zero = (st.mode() & 0170000) == Stat.S_IFCHR && st.rdev() == DEV_ZERO;
                if (zero) {
                    d.release();   // /dev/zero gives anonymous memory; the mapping does not keep it
                    d = null;
                    off = 0;
                } else {
                    if ((st.mode() & 0170000) != Stat.S_IFREG || !(f instanceof ChanFile cf) || !cf.seekable())
                        throw new SysError(Errno.ENODEV, "file cannot be mapped");
                    if (growsDown) throw new SysError(Errno.EINVAL, "MAP_GROWSDOWN of a file");
                    obj = MemoryObject.file(d);
                    d = null;   // the object owns it now
                    if (shared && !obj.sharesPages()) throw new SysError(Errno.ENODEV, "server cannot share pages");
                    kind = Vma.Kind.FILE;
                }
            }
            if (obj == null) {
                if (shared && growsDown) throw new SysError(Errno.EINVAL, "MAP_GROWSDOWN of shared memory");
                off = 0;
                if (shared) obj = MemoryObject.anonymous(c.kernel().frames(), c.memory().memoryLimit());
            }
            AddressSpace as = c.memory();
            boolean fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
            long hint = addr & ~(PAGE - 1);
            if (fixed) {
                if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
                if (Long.compareUnsigned(addr, AddressSpace.USER_TOP - size) > 0) throw new SysError(Errno.ENOMEM);
                if (addr < AddressSpace.MIN_ADDR) throw new SysError(Errno.EPERM, "below mmap_min_addr");
                if ((flags & MAP_FIXED_NOREPLACE) != 0 && !as.isFree(addr, addr + size)) throw new SysError(Errno.EEXIST);
                hint = addr;
            } else if (hint < AddressSpace.MIN_ADDR || hint > AddressSpace.USER_TOP - size) {
                hint = 0;   // a hint that cannot be honoured is ignored (it may even wrap around)
            }
            Vma want = new Vma(hint, hint + size, prot, kind, shared, obj, off, growsDown);
            return as.mmap(want, fixed, (flags & MAP_NORESERVE) != 0);
        } finally {
            if (obj != null) obj.release();
            if (d != null) d.release();
        }
    }

    private static long munmap(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        if ((addr & (PAGE - 1)) != 0 || len <= 0 || len > AddressSpace.USER_TOP) throw new SysError(Errno.EINVAL);
        long end = addr + pageAlign(len);
        if (Long.compareUnsigned(end, addr) <= 0 || Long.compareUnsigned(end, AddressSpace.USER_TOP) > 0)
            throw new SysError(Errno.EINVAL);   // unsigned: a kernel-half address is past the top
        c.memory().unmap(addr, end);
        return 0;
    }

    private static long mprotect(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        if ((a[2] & 0x03000000L) == 0x03000000L) throw new SysError(Errno.EINVAL);   // GROWSDOWN and GROWSUP
        int prot = checkProt(a[2] & ~0x03000000L); // PROT_GROWSDOWN/GROWSUP accepted and ignored
        if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        if (len == 0) return 0;
        if (len < 0 || len > AddressSpace.USER_TOP) throw new SysError(Errno.ENOMEM);
        long end = addr + pageAlign(len);
        if (Long.compareUnsigned(end, addr) <= 0 || Long.compareUnsigned(end, AddressSpace.USER_TOP) > 0)
            throw new SysError(Errno.ENOMEM);   // addresses compare unsigned: a kernel-half one is past the top
        c.memory().protect(addr, end, prot);
        return 0;
    }

    private static long madvise(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        int advice = (int) a[2];
        if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        if (len == 0) return 0;
        if (len < 0 || len > AddressSpace.USER_TOP) throw new SysError(Errno.EINVAL);
        long end = addr + pageAlign(len);
        if (Long.compareUnsigned(end, addr) <= 0) throw new SysError(Errno.EINVAL);
        if (Long.compareUnsigned(end, AddressSpace.USER_TOP) > 0) throw new SysError(Errno.ENOMEM);
        switch (advice) {
            case MADV_DONTNEED, MADV_FREE -> c.memory().discard(addr, end);
            case MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED -> { }
            default -> { if (advice < 0 || advice > 25) throw new SysError(Errno.EINVAL); }
        }
        return 0;
    }

    /** mremap(2): the flag and length checks of Linux's sys_mremap, then the address space's mechanism. */
    private static long mremap(SyscallContext c, long[] a) {
        long addr = a[0], oldLen = a[1], newLen = a[2], newAddr = a[4];
        long flags = a[3];
        if ((flags & ~(long) (MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0)
            throw new SysError(Errno.EINVAL, "unknown mremap flags");
        if ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0) throw new SysError(Errno.EINVAL);
        if ((flags & MREMAP_DONTUNMAP) != 0 && ((flags & MREMAP_MAYMOVE) == 0 || oldLen != newLen))
            throw new SysError(Errno.EINVAL);
        if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        oldLen = pageAlign(oldLen);
        newLen = pageAlign(newLen);
        if (newLen == 0) throw new SysError(Errno.EINVAL, "zero new length");
        if (Long.compareUnsigned(oldLen, AddressSpace.USER_TOP) > 0) throw new SysError(Errno.EFAULT);
        if (Long.compareUnsigned(newLen, AddressSpace.USER_TOP) > 0) throw new SysError(Errno.ENOMEM);
        return c.memory().remap(addr, oldLen, newLen, (flags & MREMAP_MAYMOVE) != 0, (flags & MREMAP_FIXED) != 0,
                (flags & MREMAP_DONTUNMAP) != 0, newAddr);
    }

    /**
     * msync(2): checks as Linux does; shared mappings map the file's own frames, so there is nothing
     * to write back and MS_SYNC is complete on return.
     */
    private static long msync(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        long flags = a[2];
        if ((flags & ~(long) (MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0) throw new SysError(Errno.EINVAL);
        if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        if ((flags & MS_ASYNC) != 0 && (flags & MS_SYNC) != 0) throw new SysError(Errno.EINVAL);
        long end = addr + pageAlign(len);
        if (Long.compareUnsigned(end, addr) < 0) throw new SysError(Errno.ENOMEM);
        if (end == addr) return 0;
        if (Long.compareUnsigned(end, AddressSpace.USER_TOP) > 0) throw new SysError(Errno.ENOMEM);
        c.memory().sync(addr, end);
        return 0;
    }
}
