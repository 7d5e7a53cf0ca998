/**
 * procfs: the process file system mounted on /proc. One {@link fornax.kernel.vfs.FileServer},
 * {@link fornax.kernel.fs.procfs.ProcFs}, serves a tree that exists only as tables and rules (the
 * static entries, and one directory per process in the process table); the text of each file is
 * generated when it is opened, by {@link fornax.kernel.fs.procfs.SystemFiles} (meminfo, cpuinfo,
 * stat, uptime, loadavg, version, filesystems, sys/) and
 * {@link fornax.kernel.fs.procfs.ProcessFiles} (PID/stat, status, statm, maps, cmdline, environ,
 * comm, mounts, fd/, cwd, root, exe), in the exact formats of Linux, because programs parse them.
 *
 * <p>Everything shown is read from the kernel through {@link fornax.kernel.fs.procfs.ProcSource}:
 * the process table, the frame allocator, CPU accounting, address spaces, descriptor tables and
 * the namespace. procfs keeps no copies, so nothing it shows can go stale except an open file's
 * snapshot, which is taken at open on purpose (a reader sees one consistent record).
 *
 * <p>Invariants: a fid names a node (kind, pid, tid, index) whose qid path encodes it; walking or
 * opening anything under a pid that is no longer in the process table is ENOENT; reads of an open
 * file never fail (they come from its snapshot).
 *
 * <p>Lock order: ProcFs (the static entries' attributes; a leaf, held only to read or write them).
 * Generators take the kernel's locks one at a time and never while holding ProcFs's:
 * ProcessTable, then separately Process, AddressSpace, FdTable, FsContext, a file server.
 */
package fornax.kernel.fs.procfs;
