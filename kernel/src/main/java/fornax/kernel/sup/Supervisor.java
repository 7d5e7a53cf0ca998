package fornax.kernel.sup;

import fornax.kernel.ninep.client.NinePMount;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The fault supervisor (MINIX 3's reincarnation server, phase 13): it starts file servers, watches
 * them, and restarts the ones that fail, so that a crashed server costs its clients their open
 * files (EIO) and nothing else. Three kinds of failure are detected:
 * <ul>
 *   <li>an exception inside a kernel-side server (a bug): the server's 9P loop reports it;
 *   <li>the death of a user-space server process, or any end of its connection;
 *   <li>a server that stops answering: every running instance must answer a heartbeat (a Tflush
 *       of an idle tag, which any 9P server answers at once) within the policy's timeout.
 * </ul>
 * Every failure is logged with its reason, and {@link Service} restarts the server with backoff
 * within a restart budget.
 *
 * <p>The control language (the /dev/sup/ctl file; one command per write):
 * <pre>
 *   restart NAME      a fresh instance now (and a fresh budget); also revives a FAILED service
 *   stop NAME         kill the instance and keep the service down
 *   crash NAME        fault injection: the next request fails inside the server, as a bug would
 *   hang NAME         fault injection: the server stops answering altogether
 *   kill NAME         fault injection: the instance ends abruptly (SIGKILL for a process)
 *   kernel NAME TYPE  supervise a new kernel-side server of a known type (tmpfs, cons...)
 *   user NAME PATH [ARG...]  supervise a new guest server program (9P on its stdin/stdout)
 * </pre>
 *
 * <p>Threads: one timer thread runs launches, restarts and heartbeats, so services start and
 * restart one at a time and never on a caller's thread. Locking: {@code this} guards the
 * service table; each {@link Service} guards itself; no lock is held while launching.
 */
public final class Supervisor implements AutoCloseable {
    /**
     * Restart policy: at most {@code budget} restarts in any {@code windowMillis}; the first
     * restart waits {@code firstBackoffMillis}, each further one twice as long up to
     * {@code maxBackoffMillis}; a heartbeat every {@code pingPeriodMillis} must be answered in
     * {@code pingTimeoutMillis}; a new walk waits up to {@code attachWaitMillis} for a restart.
     */
    public record Policy(int budget, long windowMillis, long firstBackoffMillis, long maxBackoffMillis,
                         long pingPeriodMillis, long pingTimeoutMillis, long attachWaitMillis) {
        public static final Policy DEFAULT = new Policy(5, 60_000, 50, 5_000, 1_000, 3_000, 10_000);
    }

    private final Consumer<String> log;
    private final Policy policy;
    private final int msize;
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> heartbeat;
    // guarded by this
    private final Map<String, Service> services = new LinkedHashMap<>();
    /** Kernel-side server types for "kernel NAME TYPE": the type's launcher factory. */
    private final Map<String, Function<String, Launcher>> kernelTypes = new LinkedHashMap<>();
    /** Starts guest programs for "user NAME PATH ARGS"; null until the kernel provides it. */
    private Function<List<String>, Launcher> userLauncher;

    public Supervisor(Consumer<String> log, Policy policy) {
        this.log = log;
        this.policy = policy;
        this.msize = NinePMount.DEFAULT_MSIZE;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "supervisor");
            t.setDaemon(true);
            return t;
        });
        this.heartbeat = timer.scheduleWithFixedDelay(this::heartbeats, policy.pingPeriodMillis(),
                policy.pingPeriodMillis(), TimeUnit.MILLISECONDS);
    }

    int msize() { return msize; }

    void log(String line) { log.accept(line); }

    /** Runs {@code r} on the timer thread after {@code delayMillis}. */
    void schedule(Runnable r, long delayMillis) {
        try {
            timer.schedule(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log("sup: internal error: " + e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shut down: nothing restarts any more
        }
    }

    /** Makes {@code type} available to "kernel NAME TYPE". */
    public synchronized void defineKernelType(String type, Function<String, Launcher> launcherForName) {
        kernelTypes.put(type, launcherForName);
    }

    /** Lets "user NAME PATH ARGS" start guest programs. */
    public synchronized void setUserLauncher(Function<List<String>, Launcher> launcher) { userLauncher = launcher; }

    /**
     * Supervises a new server called {@code name} and starts it; the first instance is launched
     * before this returns (so a boot-time mount finds it running, or sees why it is not).
     * EEXIST if the name is taken.
     */
    public Service supervise(String name, Launcher launcher) {
        if (name.isEmpty() || name.contains("/") || name.equals("ctl") || name.equals("status"))
            throw new SysError(Errno.EINVAL, "bad service name '" + name + "'");
        Service s;
        synchronized (this) {
            if (services.containsKey(name)) throw new SysError(Errno.EEXIST, "service " + name + " exists");
            s = new Service(this, name, launcher, policy, NinePMount.anonymousDev());
            services.put(name, s);
        }
        try {
            timer.submit(s::launch).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log("sup: " + name + ": launch failed: " + e.getCause());
        }
        return s;
    }

    /** The service called {@code name}; ENOENT if there is none. */
    public synchronized Service service(String name) {
        Service s = services.get(name);
        if (s == null) throw new SysError(Errno.ENOENT, "no service " + name);
        return s;
    }

    public synchronized List<Service> services() { return new ArrayList<>(services.values()); }

    /** The status file: one line per service. */
    public String status() {
        long now = System.nanoTime();
        StringBuilder b = new StringBuilder();
        for (Service s : services()) b.append(s.statusLine(now)).append('\n');
        return b.toString();
    }

    /** Runs one control command (see the class comment); EINVAL for a bad one. */
    public void control(String line) {
        String[] w = line.trim().split("\\s+");
        if (w.length == 0 || w[0].isEmpty()) return;
        switch (w[0]) {
            case "restart", "stop", "crash", "hang", "kill" -> {
                if (w.length != 2) throw new SysError(Errno.EINVAL, "usage: " + w[0] + " NAME");
                Service s = service(w[1]);
                log("sup: " + w[0] + " " + w[1] + " (control file)");
                switch (w[0]) {
                    case "restart" -> s.restart();
                    case "stop" -> s.stop();
                    default -> s.inject(w[0]);
                }
            }
            case "kernel" -> {
                if (w.length != 3) throw new SysError(Errno.EINVAL, "usage: kernel NAME TYPE");
                Function<String, Launcher> f;
                synchronized (this) {
                    f = kernelTypes.get(w[2]);
                }
                if (f == null) throw new SysError(Errno.ENODEV, "no kernel server type " + w[2]);
                supervise(w[1], f.apply(w[1]));
            }
            case "user" -> {
                if (w.length < 3) throw new SysError(Errno.EINVAL, "usage: user NAME PATH [ARG...]");
                Function<List<String>, Launcher> f;
                synchronized (this) {
                    f = userLauncher;
                }
                if (f == null) throw new SysError(Errno.ENODEV, "this kernel cannot start user servers");
                supervise(w[1], f.apply(List.of(w).subList(2, w.length)));
            }
            default -> throw new SysError(Errno.EINVAL, "unknown supervisor command " + w[0]);
        }
    }

    private void heartbeats() {
        for (Service s : services()) {
            try {
                s.heartbeat();
            } catch (RuntimeException e) {
                log("sup: heartbeat of " + s.name() + ": " + e);
            }
        }
    }

    /** Stops every service and the timer (kernel shutdown). */
    @Override public void close() {
        heartbeat.cancel(false);
        for (Service s : services()) s.stop();
        timer.shutdownNow();
    }
}
