package fornax.kernel.sup;

import fornax.kernel.ninep.client.NinePClient;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One supervised server: MINIX 3's reincarnation-server entry. It has a stable identity and a
 * stable file server ({@link #fs()}, what namespaces mount) while the instance behind it may be
 * replaced any number of times.
 *
 * <pre>
 *   STARTING ──launch ok──► RUNNING ──failure (exit, exception, no answer)──► BACKOFF ──timer──► STARTING
 *       │                                                       │
 *       └──launch failed──► BACKOFF                 budget spent└──► FAILED (until "restart" by hand)
 *   any ──stop──► STOPPED ──start/restart──► STARTING
 * </pre>
 *
 * Each instance has a generation number; a failure report names the generation it is about, so a
 * late report from an instance already replaced changes nothing. Restarts wait an exponential
 * backoff (doubling from the policy's first delay up to its ceiling, back to the first delay after
 * an instance has run for a whole budget window), and at most {@code budget} restarts fit in any
 * window: past that the service is FAILED, because a server that keeps dying right away would
 * otherwise spin.
 *
 * <p>Locking: {@code this} guards every mutable field; waiting for a running instance uses this
 * object's monitor. Nothing that may block (launching, connecting, killing) runs under the lock
 * except through {@link Supervisor}'s single timer thread, which never holds it while launching.
 */
public final class Service {
    public enum State { STARTING, RUNNING, BACKOFF, FAILED, STOPPED }

    private final Supervisor supervisor;
    private final String name;
    private final Launcher launcher;
    private final Supervisor.Policy policy;
    private final ServiceFs fs;
    private final long dev;

    // guarded by this
    private State state = State.STARTING;
    private int generation;
    private Launcher.Instance instance;
    private NinePClient client;
    private int restarts;
    private String lastFailure = "-";
    private long lastFailureAt;
    private long runningSince;
    private long backoff;
    private final ArrayDeque<Long> recentRestarts = new ArrayDeque<>();

    Service(Supervisor supervisor, String name, Launcher launcher, Supervisor.Policy policy, long dev) {
        this.supervisor = supervisor;
        this.name = name;
        this.launcher = launcher;
        this.policy = policy;
        this.dev = dev;
        this.backoff = policy.firstBackoffMillis();
        this.fs = new ServiceFs(this);
    }

    public String name() { return name; }

    /** The file server to mount: it reaches whichever instance is current. */
    public ServiceFs fs() { return fs; }

    public synchronized State state() { return state; }

    public synchronized int restarts() { return restarts; }

    public synchronized String lastFailure() { return lastFailure; }

    public synchronized int generation() { return generation; }

    /** One line of the status file. */
    synchronized String statusLine(long now) {
        String where = instance != null ? instance.where() : "-";
        String since = lastFailureAt == 0 ? "" : " (" + TimeUnit.NANOSECONDS.toMillis(now - lastFailureAt) + " ms ago)";
        return String.format("%-10s %-8s gen %-3d restarts %-3d %-14s %s | last failure: %s%s",
                name, state.name().toLowerCase(), generation, restarts, where, launcher.describe(), lastFailure, since);
    }

    /**
     * The current instance's client, waiting up to the policy's attach wait for one while the
     * service is starting or backing off. EIO if the service is FAILED or STOPPED, or does not come
     * back in time; EINTR if interrupted.
     */
    synchronized Current current() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(policy.attachWaitMillis());
        boolean deferred = false;   // an interrupt that does not end the wait (not a fatal signal)
        try {
            while (state != State.RUNNING) {
                if (state == State.FAILED || state == State.STOPPED)
                    throw new SysError(Errno.EIO, "service " + name + " is " + state.name().toLowerCase() + ": " + lastFailure);
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new SysError(Errno.EIO, "service " + name + " did not come back in time");
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    if (!NinePClient.interruptEndsCall()) {
                        deferred = true;
                        continue;
                    }
                    deferred = true;
                    throw new SysError(Errno.EINTR);
                }
            }
            return new Current(client, generation);
        } finally {
            if (deferred) Thread.currentThread().interrupt();
        }
    }

    /** A snapshot of the running instance: the client and its generation. */
    record Current(NinePClient client, int generation) { }

    /** The client of {@code gen} if it is still the current instance, else null. */
    synchronized NinePClient clientOf(int gen) {
        return gen == generation && state == State.RUNNING ? client : null;
    }

    // ------------------------------------------------------------------ life cycle (supervisor's timer thread)

    /** Starts a new instance (called on the supervisor's timer thread, not under any lock). */
    void launch() {
        int gen;
        synchronized (this) {
            if (state != State.STARTING) return;
            gen = ++generation;
        }
        Launcher.Instance inst = null;
        NinePClient c;
        try {
            inst = launcher.launch(reason -> failed(gen, reason));
            c = NinePClient.connect(inst.transport(), "", supervisor.msize(), dev, "service " + name,
                    reason -> failed(gen, reason));
        } catch (RuntimeException e) {
            if (inst != null) inst.kill();
            failed(gen, "start failed: " + (e instanceof SysError se ? se.getMessage() : e.toString()));
            return;
        }
        synchronized (this) {
            if (gen != generation || state != State.STARTING) {   // stopped or failed while starting
                c.close();
                inst.kill();
                return;
            }
            instance = inst;
            client = c;
            state = State.RUNNING;
            runningSince = System.nanoTime();
            notifyAll();
        }
        // the first start is routine (boot starts the console server on every run): only restarts are news
        if (gen > 1) supervisor.log("sup: " + name + " running again (generation " + gen + ", " + inst.where() + ")");
    }

    /**
     * Instance {@code gen} failed: log, kill it, and schedule a restart within the budget. Reports
     * about an older generation, or after the service was stopped, are ignored.
     */
    void failed(int gen, String reported) {
        Launcher.Instance current;
        synchronized (this) {
            if (gen != generation) return;
            current = instance;
        }
        String reason = current != null ? current.explain(reported) : reported;
        Launcher.Instance dead;
        NinePClient deadClient;
        long delay;
        synchronized (this) {
            if (gen != generation || state == State.STOPPED || state == State.FAILED || state == State.BACKOFF) return;
            long now = System.nanoTime();
            lastFailure = reason;
            lastFailureAt = now;
            dead = instance;
            deadClient = client;
            instance = null;
            client = null;
            long window = TimeUnit.MILLISECONDS.toNanos(policy.windowMillis());
            if (runningSince != 0 && now - runningSince >= window) backoff = policy.firstBackoffMillis();
            runningSince = 0;
            while (!recentRestarts.isEmpty() && now - recentRestarts.peekFirst() > window) recentRestarts.pollFirst();
            if (recentRestarts.size() >= policy.budget()) {
                state = State.FAILED;
                delay = -1;
            } else {
                state = State.BACKOFF;
                delay = backoff;
                backoff = Math.min(backoff * 2, policy.maxBackoffMillis());
            }
            notifyAll();
        }
        if (deadClient != null) deadClient.close();
        if (dead != null) dead.kill();
        if (delay < 0) {
            supervisor.log("sup: " + name + " failed: " + reason + "; restart budget spent ("
                    + policy.budget() + " in " + policy.windowMillis() + " ms), giving up");
            return;
        }
        supervisor.log("sup: " + name + " failed: " + reason + "; restarting in " + delay + " ms");
        supervisor.schedule(this::restartNow, delay);
    }

    private void restartNow() {
        synchronized (this) {
            if (state != State.BACKOFF) return;
            recentRestarts.addLast(System.nanoTime());
            restarts++;
            state = State.STARTING;
        }
        launch();
    }

    /** The heartbeat: a RUNNING instance must answer a ping in time, or it has hung. */
    void heartbeat() {
        NinePClient c;
        int gen;
        synchronized (this) {
            if (state != State.RUNNING) return;
            c = client;
            gen = generation;
        }
        try {
            c.ping(policy.pingTimeoutMillis());
        } catch (SysError e) {
            failed(gen, c.deathReason() != null ? c.deathReason() : "ping failed: " + e.getMessage());
        }
    }

    /** "stop": kill the instance; the service stays down until started. */
    void stop() {
        Launcher.Instance dead;
        NinePClient deadClient;
        synchronized (this) {
            state = State.STOPPED;
            generation++;   // reports from the old instance are stale now
            dead = instance;
            deadClient = client;
            instance = null;
            client = null;
            notifyAll();
        }
        if (deadClient != null) deadClient.close();
        if (dead != null) dead.kill();
    }

    /** "restart" (by hand): a fresh instance now, with a fresh budget. */
    void restart() {
        stop();
        synchronized (this) {
            recentRestarts.clear();
            backoff = policy.firstBackoffMillis();
            state = State.STARTING;
        }
        supervisor.schedule(this::launch, 0);
    }

    /** Fault injection into the running instance (see {@link Launcher.Instance#inject}). */
    void inject(String fault) {
        Launcher.Instance inst;
        synchronized (this) {
            inst = instance;
        }
        if (inst == null) throw new SysError(Errno.EAGAIN, "service " + name + " has no running instance");
        inst.inject(fault);
    }
}
