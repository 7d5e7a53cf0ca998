/**
 * tmpfs: a memory file system. {@link fornax.kernel.fs.tmpfs.TmpFs} is the server (tree shape
 * under a read-write lock), {@link fornax.kernel.fs.tmpfs.TmpNode} the inodes (attributes under
 * their monitors), {@link fornax.kernel.fs.tmpfs.FileData} the sparse paged contents of a file.
 * Lock order: TmpFs tree lock → TmpNode monitor → Fid monitor.
 */
package fornax.kernel.fs.tmpfs;
