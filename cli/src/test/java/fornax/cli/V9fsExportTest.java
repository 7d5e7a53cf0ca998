package fornax.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Linux's own 9P client against {@code fornax run --export}: an x86_64 Debian kernel under
 * qemu-system-x86_64 (TCG; the VM from scripts/fetch-v9fs-vm.sh) mounts the export with
 * {@code mount -t 9p -o trans=tcp,version=9p2000.L} through qemu's user network (the host is
 * 10.0.2.2) and runs a script from the export itself: it lists, reads (a symlink, a file of many
 * reads, a file in a tmpfs the guest mounted inside the export), writes, appends, makes and
 * removes directories, renames, truncates, chmods and writes a MiB; each result goes to the
 * serial console, which the test checks, and what Linux wrote the Fornax guest reads back.
 * Skipped when qemu-system-x86_64, the VM or the root image is missing.
 */
class V9fsExportTest {
    static final Path VM = ImageCommand.defaultCache().resolve("v9fs");

    @BeforeAll
    static void prerequisites() {
        assumeTrue(onPath("qemu-system-x86_64"),
                "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86, or scripts/fetch-v9fs-vm.sh as root): skipped");
        assumeTrue(Files.isRegularFile(VM.resolve("vmlinuz")) && Files.isRegularFile(VM.resolve("initramfs.cpio.gz")),
                "no x86_64 Linux VM in " + VM + ": run scripts/fetch-v9fs-vm.sh: skipped");
        Path image = ImageCommand.defaultCache().resolve("rootfs.cpio");
        assumeTrue(Files.isRegularFile(image), "no root image at " + image + ": run ./fornax image");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    /** What Linux runs from the export: one "L:" line per check. */
    static final String LINUX = """
            echo "L: ls $(ls /mnt | tr '\\n' ' ')"
            echo "L: cat $(cat /mnt/hello)"
            echo "L: link $(readlink /mnt/link) $(cat /mnt/link)"
            echo "L: numbers $(wc -l < /mnt/numbers) $(md5sum < /mnt/numbers | cut -d' ' -f1)"
            echo "L: mount $(cat /mnt/m/mounted)"
            echo from-linux > /mnt/fromlinux && echo again >> /mnt/fromlinux && echo "L: wrote $(cat /mnt/fromlinux | tr '\\n' ' ')"
            mkdir /mnt/sub/d && echo x > /mnt/sub/d/f && mv /mnt/sub/d/f /mnt/sub/g && rmdir /mnt/sub/d && echo "L: tree $(ls /mnt/sub | tr '\\n' ' ')"
            echo 0123456789 > /mnt/sub/g && truncate -s 4 /mnt/sub/g && echo "L: truncated $(cat /mnt/sub/g)"
            chmod 640 /mnt/sub/g && echo "L: mode $(stat -c %a /mnt/sub/g)"
            dd if=/dev/zero of=/mnt/big bs=65536 count=16 2>/dev/null && echo "L: big $(stat -c %s /mnt/big) $(md5sum < /mnt/big | cut -d' ' -f1)"
            rm /mnt/big && echo "L: removed $(ls /mnt/big 2>&1 | grep -c 'No such')"
            echo "L: outside $(ls /mnt/.. | grep -c fornax-secret)"
            touch /mnt/done
            """;

    static final String GUEST = """
            mkdir -p /tmp/x/sub /tmp/x/m
            echo fornax-secret > /tmp/fornax-secret
            echo hello-from-fornax > /tmp/x/hello
            ln -s hello /tmp/x/link
            seq 1 20000 > /tmp/x/numbers
            mount -t tmpfs none /tmp/x/m && echo in-a-mount > /tmp/x/m/mounted
            cat > /tmp/x/t.sh <<'EOF'
            %sEOF
            touch /tmp/x/ready
            i=0; while [ ! -e /tmp/x/done ] && [ $i -lt 600 ]; do sleep 1; i=$((i+1)); done
            echo "guest: $(cat /tmp/x/fromlinux | tr '\\n' ' ')$(cat /tmp/x/sub/g) $(ls /tmp/x/sub)"
            """.formatted(LINUX);

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void linuxMountsTheExportWithV9fs() throws Exception {
        int port = ExportHarness.freePort();
        ExportHarness.Guest g = new ExportHarness.Guest(List.of("run", "--cpus", "1", "--export", port + ":/tmp/x",
                "--", "sh", "-c", GUEST));
        g.awaitFile(port, "ready");

        GuestHarness.Result vm = ExportHarness.host(List.of("qemu-system-x86_64", "-machine", "accel=tcg", "-m", "256",
                "-nographic", "-no-reboot", "-kernel", VM.resolve("vmlinuz").toString(),
                "-initrd", VM.resolve("initramfs.cpio.gz").toString(),
                "-append", "console=ttyS0 quiet panic=-1 fornax.port=" + port + " fornax.script=t.sh",
                "-netdev", "user,id=n0", "-device", "e1000,netdev=n0"));
        String serial = vm.out();
        Map<String, String> said = serial.lines().map(l -> l.replaceAll("^.*?L: ", "L: ")).filter(l -> l.startsWith("L: "))
                .collect(Collectors.toMap(l -> l.substring(3, l.indexOf(' ', 3) < 0 ? l.length() : l.indexOf(' ', 3)),
                        l -> l.indexOf(' ', 3) < 0 ? "" : l.substring(l.indexOf(' ', 3) + 1).strip(), (a, b) -> a + " | " + b));
        assertTrue(serial.contains("v9fs-vm: mounted"), "the VM did not mount the export:\n" + serial);

        String numbers = IntStream.rangeClosed(1, 20000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        assertEquals("hello link m numbers ready sub t.sh", said.get("ls"), serial);
        assertEquals("hello-from-fornax", said.get("cat"), serial);
        assertEquals("hello hello-from-fornax", said.get("link"), serial);
        assertEquals("20000 " + md5(numbers.getBytes()), said.get("numbers"), serial);
        assertEquals("in-a-mount", said.get("mount"), serial);
        assertEquals("from-linux again", said.get("wrote"), serial);
        assertEquals("g", said.get("tree"), serial);
        assertEquals("0123", said.get("truncated"), serial);
        assertEquals("640", said.get("mode"), serial);
        assertEquals("1048576 " + md5(new byte[1 << 20]), said.get("big"), serial);
        assertEquals("1", said.get("removed"), serial);
        assertEquals("0", said.get("outside"), serial);   // /mnt/.. is the VM's own /, never the guest's /tmp
        assertTrue(serial.contains("v9fs-vm: script status 0") && serial.contains("v9fs-vm: unmounted"), serial);

        GuestHarness.Result r = g.finish();
        assertEquals(0, r.status(), r.err());
        assertEquals("guest: from-linux again 0123 g\n", r.out());
        System.out.println("v9fs: Linux " + serial.lines().filter(l -> l.contains("L: ")).count()
                + " checks against the export on port " + port + ": ok");
    }
}
