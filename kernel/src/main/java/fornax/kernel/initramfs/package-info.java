/**
 * The initial root file system: {@link fornax.kernel.initramfs.CpioArchive} reads a cpio "newc"
 * archive (the Linux initramfs format, as {@code ./fornax image} writes it) into a list of
 * {@link fornax.kernel.initramfs.CpioEntry} values. Pure parsing, JDK only, no shared state, no locks.
 */
package fornax.kernel.initramfs;
