/**
 * The virtual file system: one 9P-shaped file-server interface, the namespace that joins servers
 * into a tree, path resolution, and what descriptors point at.
 *
 * <pre>
 *   fd ──► FdTable ──► FileDescription (offset, status flags; shared by dup and fork)
 *                          └─► OpenFile: ChanFile (a namespace file) │ ConsoleFile (stdio, not a tty)
 *                                 └─► Chan = Mount + Fid ──► FileServer (tmpfs, devfs, pipes, ...)
 *   path ──► PathWalker (from FsContext root/cwd, through Namespace mounts) ──► Chan
 * </pre>
 *
 * <ul>
 *   <li>{@link fornax.kernel.vfs.FileServer}: attach, walk, open, create, read, write, clunk,
 *       remove, stat, wstat, plus 9P2000.L-shaped readdir, rename, link, readlink, statfs, fsync,
 *       and append/ioctl. Local servers are called directly; errors are SysErrors with errnos.
 *   <li>{@link fornax.kernel.vfs.Fid}: a server's handle, with the 9P protocol states
 *       WALKED → OPEN → CLUNKED written down and checked; every fid is clunked exactly once.
 *   <li>{@link fornax.kernel.vfs.Chan} and {@link fornax.kernel.vfs.Mount}: a fid plus the union
 *       member it was reached through (and, past a recursive bind, the crossing it came by, so ".."
 *       goes back that way); {@link fornax.kernel.vfs.Namespace}: Plan 9's mount table — a mount
 *       point (mount + qid path) maps to an ordered union of members made with MREPL / MBEFORE /
 *       MAFTER / MCREATE; walks try members in order, a union lists members' entries in order with
 *       a name once, create goes to the first MCREATE member (EACCES if none) — plus the device
 *       table ('|' pipes, 'c' devices) and the file systems mountable by type.
 *   <li>Each process's {@link fornax.kernel.vfs.FsContext} holds its namespace: shared on fork,
 *       copied by unshare/clone CLONE_NEWNS, started clean by nsctl "clear" (RFCNAMEG), or rooted
 *       at a directory for a container by "clear DIR" (".." stops at every namespace root).
 *       {@link fornax.kernel.vfs.NamespaceOps}: mount(2)/umount2(2) (MS_BIND, MS_REC, MS_MOVE,
 *       MS_REMOUNT|MS_RDONLY, types) and the Plan 9 commands of /proc/PID/nsctl
 *       ({@code bind [-abc] new old}, {@code mount [-abc] spec old}, {@code unmount [new] old},
 *       {@code clear}) and the /proc/PID/ns listing. Read-only members make writes EROFS
 *       ({@link fornax.kernel.vfs.Vfs#checkWritable}). See docs/namespaces.md.
 *   <li>{@link fornax.kernel.vfs.PathWalker}: namei — symlinks (40), "..", mounts, trailing
 *       slashes, name limits. {@link fornax.kernel.vfs.Vfs}: the path calls as mechanism.
 *   <li>{@link fornax.kernel.vfs.FsContext}: a process's root, cwd and umask.
 *   <li>{@link fornax.kernel.vfs.NamespaceView}: a subtree of a namespace as one FileServer (fids
 *       hold Chans; walks go through mounts, binds and unions; ".." stops at its top), which the
 *       9P server exports.
 * </ul>
 *
 * <p>Names inside the kernel are byte strings, one byte per char (ISO-8859-1), so every Linux
 * name round-trips. Ownership: a Chan returned to a caller is the caller's to close.
 *
 * <p>Lock order (outermost first; servers document their own internals):
 * <pre>
 *   FileDescription (held across a whole transfer on a seekable file)
 *     FsContext → Namespace (only to clone/clunk root, cwd, mount heads; a namespace's table is
 *                            read without a lock)
 *       file-server locks: TmpFs tree → TmpNode → Fid;  DevFs → Fid;  Pipe (leaf; waits release it);
 *                          HostFs names → HostFid → HostFile
 *     AddressSpace → FrameAllocator (copying to and from user memory)
 *   FdTable (leaf: only atomic reference counts are touched under it)
 * </pre>
 * No file server calls back into the VFS or takes another server's locks.
 */
package fornax.kernel.vfs;
