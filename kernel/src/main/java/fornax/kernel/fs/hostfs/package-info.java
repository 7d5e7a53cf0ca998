/**
 * hostfs: a host directory served to the guest read-write or read-only (the launcher's
 * {@code -v HOSTDIR:GUESTDIR[:ro]}). {@link fornax.kernel.fs.hostfs.HostFs} is the server and
 * owns the confinement rules (fids hold host paths built from lstat'ed directories only, symlinks
 * are text for the guest to resolve, renames and removes rebind or orphan the fids they affect);
 * {@link fornax.kernel.fs.hostfs.HostAttrs} turns host lstat results into guest attributes and
 * stable inode numbers; {@link fornax.kernel.fs.hostfs.HostFile} is an open host file whose I/O
 * survives the interrupts that deliver guest signals; {@link fornax.kernel.fs.hostfs.HostErrors}
 * maps host exceptions to errnos and guest byte names to host names.
 *
 * <p>Lock order: HostFs names lock → HostFid monitor → HostFile append lock. No other server's
 * lock and nothing of the VFS is ever taken.
 */
package fornax.kernel.fs.hostfs;
