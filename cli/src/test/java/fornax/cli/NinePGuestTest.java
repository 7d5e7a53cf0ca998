package fornax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * File servers over 9P, seen from the guest (issue 4, milestones 2 and 3):
 * <ul>
 *   <li>a guest user-space server (userland ramfs9p) mounted with Linux's v9fs syntax,
 *       mount -t 9p -o trans=fd,rfdno=N,wfdno=M (userland srvmount), used by busybox;
 *   <li>"hello world via IPC to the console file server": /dev/cons is served by the console
 *       server task through the 9P path;
 *   <li>"crash a file server, the kernel restarts it": supstorm kills a supervised ramfs9p in the
 *       middle of a read storm; the supervisor restarts it, open files get EIO, new walks reach the
 *       new instance, and readers of another server never see an error.
 * </ul>
 * Not compared with qemu-riscv64, which cannot mount anything: each run is checked against what
 * the steps must print.
 */
class NinePGuestTest {
    private static GuestHarness.Result shell(String script) throws Exception {
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
        for (String p : List.of("ramfs9p", "srvmount", "supstorm"))
            GuestHarness.require(GuestHarness.exists(GuestHarness.binary(p)), "userland binary " + p + " is missing: make -C userland");
        return GuestHarness.runCli(List.of("run", "--cpus", "2", "-v", GuestHarness.buildDir() + ":/u:ro", "--",
                "sh", "-c", script), "busybox sh -c");
    }

    @Test
    void aUserSpaceServerMountedWithTransFdServesBusybox() throws Exception {
        var r = shell("mkdir -p /mnt/u && /u/srvmount /mnt/u /u/ramfs9p > /dev/null && echo mounted;"
                + " cd /mnt/u && echo hello > a && mkdir d && echo deep > d/f && ln -s a l && mv a b;"
                + " ls; cat b d/f l 2>&1; wc -c < b; rm b; rmdir d 2>&1; rm d/f; rmdir d; ls; cd /;"
                + " grep ' /mnt/u ' /proc/mounts; umount /mnt/u && ls /mnt/u; echo done");
        assertEquals("""
                mounted
                b
                d
                l
                hello
                deep
                cat: can't open 'l': No such file or directory
                6
                rmdir: 'd': Directory not empty
                l
                9p /mnt/u 9p rw 0 0
                done
                """, r.out(), () -> "stderr: " + new String(r.stderr()));
    }

    @Test
    void helloThroughTheConsoleFileServer() throws Exception {
        var r = shell("echo hello > /dev/cons; ls /dev | grep cons; grep '^cons ' /dev/sup/status | cut -c1-28");
        assertEquals("""
                hello
                cons
                consctl
                console
                cons       running  gen 1  \s
                """, r.out(), () -> "stderr: " + new String(r.stderr()));
    }

    @Test
    void aServerKilledInAReadStormIsRestartedAndNothingElseIsDisturbed() throws Exception {
        var r = shell("mkdir -p /mnt/v /mnt/o; echo 'user ram9 /u/ramfs9p' > /dev/sup/ctl;"
                + " echo 'kernel ram tmpfs' > /dev/sup/ctl;"
                + " echo \"mount -c '#s/ram9' /mnt/v\" > /proc/self/nsctl; echo \"mount -c '#s/ram' /mnt/o\" > /proc/self/nsctl;"
                + " /u/supstorm ram9 /mnt/v /mnt/o; echo status $?; echo after > /mnt/v/g && cat /mnt/v/g;"
                + " cat /mnt/o/f; echo; grep -c running /dev/sup/status; grep '^ram9' /dev/sup/status | grep -o 'killed by SIGKILL'");
        assertEquals("""
                held fd before: reads
                service: running again
                restarts: 1
                held fd after: Input/output error
                wrong or short reads: 0
                other server's readers: 0 errors
                victim reader 0: saw the outage yes, only EIO/ENOENT yes, reading again yes
                victim reader 1: saw the outage yes, only EIO/ENOENT yes, reading again yes
                status 0
                after
                0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                3
                killed by SIGKILL
                """, r.out(), () -> "stderr: " + new String(r.stderr()));
        assertTrue(new String(r.stderr()).contains("sup: ram9 failed: process"), () -> new String(r.stderr()));
    }
}
