package fornax.kernel.sys;

import fornax.kernel.ninep.client.NinePMount;
import fornax.kernel.vfs.NamespaceOps;

/**
 * The namespace calls: mount(2), umount2(2) and unshare(2). Arguments are decoded here; what they
 * do is {@link NamespaceOps}'s (see it for the semantics and errnos).
 */
final class SysMount {
    private SysMount() { }

    static final long CLONE_NEWNS = 0x20000, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SYSVSEM = 0x40000;

    static void register(SyscallTable t) {
        t.partial(40, "mount", "bind (MS_REC), MS_MOVE, remount read-only, tmpfs/proc/devtmpfs by type, 9p with trans=fd; no propagation",
                SysMount::mount);
        t.partial(39, "umount2", "EBUSY only for mounts inside, not for open files", SysMount::umount2);
        t.partial(97, "unshare", "CLONE_NEWNS (single-threaded processes), CLONE_FS, CLONE_FILES, CLONE_SYSVSEM; other namespaces EINVAL",
                SysMount::unshare);
    }

    /** mount(source, target, filesystemtype, mountflags, data). */
    private static long mount(SyscallContext c, long[] a) {
        String target = SysFile.path(c, a[1]);
        String source = a[0] == 0 ? null : SysFile.path(c, a[0]);
        String type = a[2] == 0 ? null : SysFile.path(c, a[2]);
        long flags = a[3];
        if ("9p".equals(type) && (flags & (NamespaceOps.MS_REMOUNT | NamespaceOps.MS_BIND | NamespaceOps.MS_MOVE)) == 0) {
            String options = a[4] == 0 ? null : SysFile.path(c, a[4]);
            NamespaceOps.mountServer(c.process().fs(), NinePMount.connect(options, source, c.process().fds()),
                    "9p", source, target, flags);
            return 0;
        }
        NamespaceOps.mount(c.process().fs(), source, target, type, flags);
        return 0;
    }

    /** umount2(target, flags). */
    private static long umount2(SyscallContext c, long[] a) {
        NamespaceOps.umount(c.process().fs(), SysFile.path(c, a[0]), (int) a[1]);
        return 0;
    }

    /**
     * unshare(flags). A process's threads share one file-system context here, so CLONE_NEWNS (which
     * Linux gives the calling thread alone) is EINVAL in a process with several threads. CLONE_FS,
     * CLONE_FILES and CLONE_SYSVSEM have nothing to undo in a single-threaded process; with several
     * threads they would, and are EINVAL too.
     */
    private static long unshare(SyscallContext c, long[] a) {
        long flags = a[0];
        if ((flags & ~(CLONE_NEWNS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM)) != 0)
            throw new SysError(Errno.EINVAL, "unsupported unshare flags");
        if (flags != 0 && c.process().threadCount() > 1) throw new SysError(Errno.EINVAL, "multi-threaded unshare");
        if ((flags & CLONE_NEWNS) != 0) NamespaceOps.unshare(c.process().fs());
        return 0;
    }
}
