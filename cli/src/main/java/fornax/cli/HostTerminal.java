package fornax.cli;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The host terminal while a guest owns it: raw mode (no host echo, line editing, signals, flow
 * control or output processing: the guest's line discipline does all of that, and ^C, ^Z, ^\ and
 * ^S reach it as bytes), the window size passed on, and the previous settings always restored —
 * on {@link #close()}, and by a shutdown hook when the JVM ends another way (System.exit,
 * SIGTERM, SIGHUP, an exception past the command).
 *
 * <p>Done with {@code stty} on /dev/tty, no native code (JLine is not a dependency and would need
 * native access on JDK 25). The window size comes from {@code stty size}: once at the start, then
 * again on each host SIGWINCH, caught through {@code sun.misc.Signal} (looked up reflectively so
 * the build has no internal-API warnings; without it the size is only taken at the start).
 */
final class HostTerminal implements AutoCloseable {
    private final String saved;
    private final Thread hook;
    /** The SIGWINCH handler that was there before ours (a sun.misc.SignalHandler), or null. */
    private volatile Object previousWinch;
    private volatile boolean restored;

    private HostTerminal(String saved) {
        this.saved = saved;
        this.hook = new Thread(this::restore, "restore-terminal");
    }

    /** Puts the terminal in raw mode; null if there is no usable terminal (nothing was changed). */
    static HostTerminal raw() {
        String saved = stty("-g");
        if (saved == null || saved.isBlank()) return null;
        HostTerminal t = new HostTerminal(saved.strip());
        Runtime.getRuntime().addShutdownHook(t.hook);
        if (stty("raw -echo -iexten") == null) {
            t.close();
            return null;
        }
        return t;
    }

    /** The terminal's size as {rows, columns}, or null if unknown. */
    static int[] size() {
        String out = stty("size");
        if (out == null) return null;
        String[] f = out.strip().split("\\s+");
        if (f.length != 2) return null;
        try {
            int rows = Integer.parseInt(f[0]), cols = Integer.parseInt(f[1]);
            return rows > 0 && cols > 0 ? new int[] {rows, cols} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Tells {@code resize} the size now and after each host SIGWINCH, until {@link #close()}. */
    void forwardWindowSize(BiConsumer<Integer, Integer> resize) {
        Runnable update = () -> {
            int[] s = size();
            if (s != null && !restored) resize.accept(s[0], s[1]);
        };
        update.run();
        previousWinch = onSignal("WINCH", () -> Thread.ofVirtual().start(update));
    }

    /**
     * Installs {@code action} for host signal {@code name} with sun.misc.Signal; returns the
     * previous handler, or null if signals cannot be caught here.
     */
    private static Object onSignal(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance(name);
            Object h = Proxy.newProxyInstance(HostTerminal.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) action.run();
                        return null;
                    });
            return signal.getMethod("handle", signal, handler).invoke(null, sig, h);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static void restoreSignal(String name, Object previous) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name),
                    previous);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // the handler stays; it does nothing once restored is set
        }
    }

    private static String stty(String args) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty " + args + " < /dev/tty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Restores the settings (once); safe from the shutdown hook and from close alike. */
    private synchronized void restore() {
        if (restored) return;
        restored = true;
        stty(saved);
    }

    @Override public void close() {
        restore();
        Object previous = previousWinch;
        if (previous != null) restoreSignal("WINCH", previous);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (and finds the work done)
        }
    }
}
