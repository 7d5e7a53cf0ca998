package fornax.kernel.sys;

import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;

/** Memory syscalls: brk, mmap, munmap, mprotect, madvise. */
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
    private static final long PAGE = AddressSpace.PAGE;

    static void register(SyscallTable t) {
        t.supported(214, "brk", SysMemory::brk);
        t.partial(222, "mmap", "anonymous mappings only; file mappings return ENODEV until the VFS lands",
                SysMemory::mmap);
        t.supported(215, "munmap", SysMemory::munmap);
        t.supported(226, "mprotect", SysMemory::mprotect);
        t.partial(233, "madvise", "DONTNEED/FREE drop pages (refault as zero); other advice is accepted and ignored",
                SysMemory::madvise);
        t.enosys(216, "mremap", "not yet; glibc falls back to malloc+copy");
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

    private static long mmap(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        int prot = checkProt(a[2]);
        int flags = (int) a[3];
        int fd = (int) a[4];
        long off = a[5];
        int type = flags & MAP_TYPE;
        if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
            throw new SysError(Errno.EINVAL, "mmap needs MAP_SHARED or MAP_PRIVATE");
        if (type == MAP_SHARED_VALIDATE && (flags & ~KNOWN_FLAGS) != 0) throw new SysError(Errno.EOPNOTSUPP);
        if (len == 0 || (off & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        long size = (len + PAGE - 1) & ~(PAGE - 1);
        if (size <= 0 || size > AddressSpace.USER_TOP) throw new SysError(Errno.ENOMEM);
        if ((flags & MAP_ANONYMOUS) == 0) {
            c.process().file(fd);  // EBADF for a bad descriptor, as Linux checks first
            throw new SysError(Errno.ENODEV, "file mappings not supported yet");
        }
        AddressSpace as = c.memory();
        boolean fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
        long start;
        if (fixed) {
            if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
            if (addr < AddressSpace.MIN_ADDR || addr + size > AddressSpace.USER_TOP || addr + size < addr)
                throw new SysError(Errno.ENOMEM);
            if ((flags & MAP_FIXED_NOREPLACE) != 0 && !as.isFree(addr, addr + size)) throw new SysError(Errno.EEXIST);
            as.unmap(addr, addr + size);
            start = addr;
        } else {
            long hint = addr & ~(PAGE - 1);
            start = hint != 0 && as.isFree(hint, hint + size) ? hint : as.findFree(size, AddressSpace.MMAP_BASE);
        }
        as.map(start, start + size, prot, (flags & MAP_STACK) != 0 ? Vma.Kind.STACK : Vma.Kind.ANON, type != MAP_PRIVATE);
        return start;
    }

    private static long munmap(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        if ((addr & (PAGE - 1)) != 0 || len <= 0 || len > AddressSpace.USER_TOP) throw new SysError(Errno.EINVAL);
        long end = addr + ((len + PAGE - 1) & ~(PAGE - 1));
        if (end <= addr || end > AddressSpace.USER_TOP) throw new SysError(Errno.EINVAL);
        c.memory().unmap(addr, end);
        return 0;
    }

    private static long mprotect(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        int prot = checkProt(a[2] & ~0x03000000L); // PROT_GROWSDOWN/GROWSUP accepted and ignored
        if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        if (len == 0) return 0;
        if (len < 0 || len > AddressSpace.USER_TOP) throw new SysError(Errno.ENOMEM);
        long end = addr + ((len + PAGE - 1) & ~(PAGE - 1));
        if (end <= addr || end > AddressSpace.USER_TOP) throw new SysError(Errno.ENOMEM);
        c.memory().protect(addr, end, prot);
        return 0;
    }

    private static long madvise(SyscallContext c, long[] a) {
        long addr = a[0], len = a[1];
        int advice = (int) a[2];
        if ((addr & (PAGE - 1)) != 0) throw new SysError(Errno.EINVAL);
        if (len == 0) return 0;
        if (len < 0 || len > AddressSpace.USER_TOP) throw new SysError(Errno.EINVAL);
        long end = addr + ((len + PAGE - 1) & ~(PAGE - 1));
        if (end <= addr) throw new SysError(Errno.EINVAL);
        if (end > AddressSpace.USER_TOP) throw new SysError(Errno.ENOMEM);
        switch (advice) {
            case MADV_DONTNEED, MADV_FREE -> c.memory().discard(addr, end);
            case MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED -> { }
            default -> { if (advice < 0 || advice > 25) throw new SysError(Errno.EINVAL); }
        }
        return 0;
    }
}
