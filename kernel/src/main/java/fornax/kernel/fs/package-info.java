/**
 * File servers: each subpackage implements {@link fornax.kernel.vfs.FileServer} for one kind of
 * file system, and is tested against the shared contract test. {@code tmpfs} keeps files in
 * memory, {@code devfs} serves the device table on /dev, {@code pipe} makes pipes,
 * {@code hostfs} serves a host directory (the launcher's {@code -v}). Servers take
 * only their own locks and never call into the VFS.
 */
package fornax.kernel.fs;
