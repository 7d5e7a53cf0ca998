package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The namespace suite in the guest. Not compared with qemu-riscv64: qemu-user has no Plan 9 binds,
 * and its mount(2) would change the host. So each run is checked against the text Linux (for the
 * mount(2)/umount2 parts: bind mounts, remount read-only, MS_MOVE, EINVAL/ENOENT/ENODEV) and
 * Plan 9 (unions, nsctl, /proc/PID/ns) give for the same steps.
 */
class NamespaceGuestTest {

    /** userland/src/nstest.c: unions via nsctl in a child, the parent unaffected after unshare, mount(2). */
    @Test
    void nstestShowsUnionsIsolationAndLinuxMounts() throws Exception {
        Path bin = GuestHarness.binary("nstest");
        GuestHarness.require(GuestHarness.exists(bin), "userland binary " + bin + " is missing: make -C userland");
        var r = GuestHarness.runFornax(bin, List.of());
        assertEquals("""
                -- a child shares its parent's namespace
                nsctl 'bind /t/a /t/n': ok
                /t/n/x: a's x
                nsctl 'unmount /t/n': ok
                ls /t/n:
                -- after unshare(CLONE_NEWNS) the child's binds are its own
                nsctl 'bind /t/a /t/n': ok
                nsctl 'bind -a /t/b /t/n': ok
                ls /t/n: deep x only-a only-b
                /t/n/x: a's x
                /t/n/only-b: 2
                nsctl 'bind -b /t/b /t/u': ok
                ls /t/u: x only-b mine
                /t/u/x: b's x
                create /t/u/new: Permission denied
                nsctl 'bind -ac /t/a /t/u': ok
                /t/a/new: made in a
                nsctl 'bind /t/b/x /t/a/only-a': ok
                /t/a/only-a: b's x
                ns: bind '/t/a' '/t/n'
                ns: bind -a '/t/b' '/t/n'
                ns: bind '/t/u' '/t/u'
                ns: bind -b '/t/b' '/t/u'
                ns: bind -ac '/t/a' '/t/u'
                ns: bind '/t/b/x' '/t/a/only-a'
                cd /t/n/deep -> /t/n/deep
                cd .. -> /t/n
                cd .. -> /t
                nsctl 'unmount /t/a /t/n': ok
                ls /t/n: x only-b
                -- the parent is unaffected
                ls /t/n:
                ls /t/u: mine
                /t/a/only-a: 1
                -- Linux mount(2) and umount2(2)
                /t/n/x: b's x
                create /t/n/ro: Read-only file system
                umount2 /t: Invalid argument
                umount2 /t/missing: No such file or directory
                umount2 bad flags: Invalid argument
                mount nosuchfs: No such device
                umount2 /t/n: ok
                ls /t/n:
                """, r.out(), () -> "stderr: " + new String(r.stderr()));
        assertEquals(0, r.status());
    }

    /** busybox mount -o bind / remount,ro / --move / -t tmpfs and umount, as on Linux. */
    @Test
    void busyboxMountBindsAsLinuxDoes() throws Exception {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        String script = "mkdir -p /t/a /t/n /t/m && echo data > /t/a/f && mount -o bind /t/a /t/n && cat /t/n/f"
                + " && echo more > /t/n/g && cat /t/a/g && mount -o remount,ro,bind /t/n && (echo x > /t/n/h) 2>&1;"
                + " ls /t/a; grep ' /t/' /proc/mounts; mount -t tmpfs none /t/m && echo in > /t/m/i && ls /t/m"
                + " && umount /t/m && ls /t/m; mount --move /t/n /t/m; cat /t/m/f; ls /t/n; umount /t/m;"
                + " umount /t/m 2>&1; echo status $?";
        var r = GuestHarness.runCli(List.of("run", "--cpus", "1", "--", "sh", "-c", script), "busybox sh -c");
        assertEquals("""
                data
                more
                sh: can't create /t/n/h: Read-only file system
                f
                g
                rootfs /t/n rootfs ro,relatime 0 0
                i
                data
                umount: can't unmount /t/m: Invalid argument
                status 1
                """, r.out(), () -> "stderr: " + new String(r.stderr()));
    }
}
