package fornax.cli;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The host terminal while a guest shell owns it: character-at-a-time input without host echo
 * (the guest's line editing echoes), keeping output processing and ^C. The previous settings are
 * restored on exit, on ^C and on JVM shutdown. Uses stty on /dev/tty; does nothing when that is
 * not possible. (A full guest tty line discipline, with the host in raw mode, comes with the tty
 * layer.)
 */
final class HostTerminal implements AutoCloseable {
    private final String saved;

    private HostTerminal(String saved) { this.saved = saved; }

    /** Switches the terminal to character mode; null if there is no usable terminal. */
    static HostTerminal characterMode() {
        String saved = stty("-g");
        if (saved == null || saved.isBlank()) return null;
        if (stty("-icanon -echo min 1 time 0") == null) return null;
        HostTerminal t = new HostTerminal(saved.strip());
        Runtime.getRuntime().addShutdownHook(new Thread(t::close, "restore-terminal"));
        return t;
    }

    private static String stty(String args) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty " + args + " < /dev/tty").redirectErrorStream(true).start();
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

    private volatile boolean restored;

    @Override public void close() {
        if (restored) return;
        restored = true;
        stty(saved);
    }
}
