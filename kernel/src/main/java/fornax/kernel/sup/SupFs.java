package fornax.kernel.sup;

import fornax.kernel.fs.synthetic.SyntheticFs;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.FileServer;
import fornax.kernel.vfs.ServerDirectory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The supervisor's file tree, device #s, which the boot namespace unions onto /dev:
 * <pre>
 *   sup/status   one line per service: name, state, generation, restarts, where it runs,
 *                what it is, and the last failure with its age
 *   sup/ctl      write a control command (see {@link Supervisor}): restart, stop, crash, hang,
 *                kill, kernel NAME TYPE, user NAME PATH ARGS
 *   sup/NAME     the status line of one service
 * </pre>
 * As a {@link ServerDirectory}, it also names each service's file server, so that
 * {@code echo "mount -c '#s/ram' /mnt/ram" > /proc/self/nsctl} mounts service ram.
 */
public final class SupFs extends SyntheticFs implements ServerDirectory {
    private final Supervisor supervisor;

    public SupFs(Supervisor supervisor, long dev, long bootNanos) {
        super(tree(supervisor), dev, bootNanos);
        this.supervisor = supervisor;
    }

    @Override public FileServer server(String name) { return supervisor.service(name).fs(); }

    private static Directory tree(Supervisor sup) {
        File status = new File("status", 4, 0444) {
            @Override public Handle open(int flags) { return text(sup.status()); }
        };
        File ctl = new File("ctl", 3, 0200) {
            @Override public Handle open(int flags) {
                return new Handle() {
                    @Override public int write(long offset, byte[] buf, int off, int len, boolean nb) {
                        String text = new String(buf, off, len, StandardCharsets.UTF_8);
                        for (String line : text.split("\n")) sup.control(line);
                        return len;
                    }
                };
            }
        };
        Directory supDir = new Directory("sup", 2, () -> {
            List<Node> kids = new ArrayList<>(List.of(ctl, status));
            List<Service> services = sup.services();
            for (int i = 0; i < services.size(); i++) {
                Service s = services.get(i);
                kids.add(new File(s.name(), 100 + i, 0444) {
                    @Override public Handle open(int flags) {
                        if (s.state() == null) throw new SysError(Errno.ENOENT);
                        return text(s.statusLine(System.nanoTime()) + "\n");
                    }
                });
            }
            return kids;
        });
        List<Node> top = List.of(supDir);
        return new Directory("/", 1, () -> top);
    }
}
