package fornax.kernel.sup;

import fornax.kernel.ninep.server.NinePServer;
import fornax.kernel.ninep.transport.Channel;
import fornax.kernel.ninep.transport.Transport;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.FileServer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a kernel-side file server as an isolated task: each instance is a fresh server object made
 * by {@code factory}, served by its own {@link NinePServer} on its own thread, reachable only
 * through the server end of a {@link Channel}. The kernel talks to it in 9P messages like to any
 * other server; the task shares no object with the rest of the kernel but what the factory gave
 * it (for the console server, the console device).
 */
public final class KernelTaskLauncher implements Launcher {
    private final String name;
    private final String type;
    private final Supplier<FileServer> factory;
    private final int msize;

    public KernelTaskLauncher(String name, String type, Supplier<FileServer> factory, int msize) {
        this.name = name;
        this.type = type;
        this.factory = factory;
        this.msize = msize;
    }

    @Override public String describe() { return "kernel task " + type; }

    @Override public Instance launch(Consumer<String> failed) {
        FaultInjector.Crashing server = new FaultInjector.Crashing(factory.get());
        Transport[] ends = Channel.pair(name);
        FaultInjector.Hanging serverEnd = new FaultInjector.Hanging(ends[1]);
        NinePServer nine = new NinePServer(name, aname -> {
            if (!aname.isEmpty()) throw new SysError(Errno.ENOENT, "no tree " + aname);
            return server.attach();
        }, msize, fault -> failed.accept("exception in server: " + fault));
        String taskName = "srv-" + name;
        Thread task = Thread.ofPlatform().daemon().name(taskName).start(() -> nine.serve(serverEnd));
        return new Instance() {
            @Override public Transport transport() { return ends[0]; }

            @Override public void kill() {
                nine.shutdown();
                serverEnd.close();
                task.interrupt();
            }

            @Override public String where() { return "task " + taskName; }

            @Override public void inject(String fault) {
                switch (fault) {
                    case "crash" -> server.arm();
                    case "hang" -> serverEnd.arm();
                    case "kill" -> {
                        // the task dies abruptly: its connection ends under the client
                        nine.shutdown();
                        serverEnd.close();
                    }
                    default -> throw new SysError(Errno.EINVAL, "no fault " + fault);
                }
            }
        };
    }
}
