/**
 * {@code ./fornax image}: the default root image. {@link fornax.cli.image.BusyboxFetcher} fetches
 * Debian's riscv64 busybox-static with apt-get under a private apt configuration (archive from
 * the host's {@link fornax.cli.image.AptSources}); {@link fornax.cli.image.DebPackage} unpacks it
 * (ar, data.tar.xz) with Apache Commons Compress; {@link fornax.cli.image.RiscvElf} checks the
 * binary; {@link fornax.cli.image.Applets} finds its applets; {@link fornax.cli.image.RootImage}
 * writes the cpio newc initramfs, which the kernel reads with
 * {@link fornax.kernel.initramfs.CpioArchive}.
 */
package fornax.cli.image;
