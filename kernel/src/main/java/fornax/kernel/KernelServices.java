package fornax.kernel;

import fornax.kernel.fs.devfs.DevFs;
import fornax.kernel.fs.synthetic.ConsFs;
import fornax.kernel.fs.tmpfs.TmpFs;
import fornax.kernel.ninep.client.FdTransport;
import fornax.kernel.ninep.client.NinePMount;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Signals;
import fornax.kernel.sup.KernelTaskLauncher;
import fornax.kernel.sup.Launcher;
import fornax.kernel.sup.Service;
import fornax.kernel.sup.SupFs;
import fornax.kernel.sup.Supervisor;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.FsContext;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Stat;
import java.util.List;
import java.util.function.Consumer;

/**
 * The servers the kernel runs under its fault supervisor, and how they enter the boot namespace:
 * <ul>
 *   <li>service {@code cons}: the console file server (cons, consctl) as a kernel-side task
 *       behind a 9P channel, unioned after the device server on /dev, so /dev/cons is reached
 *       through the 9P path while /dev/console and /dev/tty stay the Linux tty;
 *   <li>device #s ({@link SupFs}) unioned on /dev too: /dev/sup/status and /dev/sup/ctl;
 *   <li>server types for {@code kernel NAME TYPE} (tmpfs, cons) and the launcher of guest server
 *       programs for {@code user NAME PATH ARGS}: the program runs with 9P on its stdin and
 *       stdout, its stderr on the kernel log, without a parent (nobody reaps it but the kernel).
 * </ul>
 */
final class KernelServices {
    private final Kernel kernel;
    private final Supervisor supervisor;
    private final SupFs supFs;

    KernelServices(Kernel kernel, DevFs.Device console, Consumer<Boolean> setRaw, long bootNanos, long tmpfsBytes) {
        this.kernel = kernel;
        this.supervisor = new Supervisor(kernel::log, Supervisor.Policy.DEFAULT);
        this.supFs = new SupFs(supervisor, Stat.makedev(0, 30), bootNanos);
        int msize = NinePMount.DEFAULT_MSIZE;
        supervisor.defineKernelType("cons", name -> new KernelTaskLauncher(name, "cons",
                () -> new ConsFs(console, setRaw, Stat.makedev(0, 31), bootNanos), msize));
        supervisor.defineKernelType("tmpfs", name -> new KernelTaskLauncher(name, "tmpfs",
                () -> new TmpFs(NinePMount.anonymousDev(), kernel::realtimeNanos, tmpfsBytes, 01777, kernel.frames()), msize));
        supervisor.setUserLauncher(this::userLauncher);
    }

    Supervisor supervisor() { return supervisor; }

    SupFs supFs() { return supFs; }

    /** Starts the boot services; returns the console service (null if it could not start). */
    Service startConsole() {
        supervisor.control("kernel cons cons");
        Service s = supervisor.service("cons");
        return s.state() == Service.State.RUNNING ? s : null;
    }

    private Launcher userLauncher(List<String> command) {
        String path = command.getFirst();
        return new Launcher() {
            @Override public String describe() { return String.join(" ", command); }

            @Override public Instance launch(Consumer<String> failed) {
                // two pipes: the server reads requests from one and writes replies to the other
                FsContext ctx = kernel.bootContext();
                ChanFile[] requests, replies;
                try {
                    requests = fornax.kernel.vfs.Vfs.pipe(ctx, 0);
                    replies = fornax.kernel.vfs.Vfs.pipe(ctx, 0);
                } finally {
                    ctx.release();
                }
                Process p;
                try {
                    p = kernel.spawn(path, command, List.of(requests[0], replies[1]));
                } catch (SysError e) {
                    requests[0].close();
                    requests[1].close();
                    replies[0].close();
                    replies[1].close();
                    throw e;
                }
                Transport t = new FdTransport(new FileDescription(replies[0], OpenFlags.O_RDONLY),
                        new FileDescription(requests[1], OpenFlags.O_WRONLY), "pid " + p.pid() + " stdin/stdout");
                Thread.ofVirtual().name("sup-watch-" + p.pid()).start(() -> {
                    try {
                        p.awaitRetired();
                    } catch (InterruptedException e) {
                        return;
                    }
                    failed.accept(exitReason(p));
                });
                return new Instance() {
                    @Override public Transport transport() { return t; }

                    @Override public void kill() {
                        t.close();
                        if (!p.hasExited()) kernel.sendSignal(p, Signals.SIGKILL, 0);
                    }

                    @Override public String where() { return "pid " + p.pid(); }

                    @Override public String explain(String reason) {
                        // the pipe closes while the process exits: give it a moment to say how
                        for (int i = 0; i < 50 && !p.hasExited(); i++) {
                            try {
                                Thread.sleep(10);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                break;
                            }
                        }
                        return p.hasExited() ? exitReason(p) : reason;
                    }

                    @Override public void inject(String fault) {
                        switch (fault) {
                            case "kill" -> kernel.sendSignal(p, Signals.SIGKILL, 0);
                            case "hang" -> kernel.sendSignal(p, Signals.SIGSTOP, 0);   // stops answering
                            case "crash" -> kernel.sendSignal(p, Signals.SIGSEGV, 0);
                            default -> throw new SysError(Errno.EINVAL, "no fault " + fault);
                        }
                    }
                };
            }
        };
    }

    private static String exitReason(Process p) {
        int st = p.shellStatus();
        return "process " + p.pid() + (st > 128 ? " killed by " + Signals.name(st - 128) : " exited with status " + st);
    }

    void close() { supervisor.close(); }
}
