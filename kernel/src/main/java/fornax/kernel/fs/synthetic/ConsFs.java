package fornax.kernel.fs.synthetic;

import fornax.kernel.fs.devfs.DevFs;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The console as a Plan 9 file server (devcons's cons and consctl), for the console server task:
 * <ul>
 *   <li>{@code cons}: reads take the console's input (edited lines unless raw), writes go to the
 *       console's output; no positions.
 *   <li>{@code consctl}: write {@code rawon} or {@code rawoff}. Raw mode (no echo, no line
 *       editing: each keystroke is read as it comes) holds while the consctl file that turned it
 *       on stays open, and ends when it is closed, as in Plan 9, so a program that dies cannot
 *       leave the console raw.
 * </ul>
 * The Linux tty nodes (/dev/console, /dev/tty) stay beside these and reach the same console.
 */
public final class ConsFs extends SyntheticFs {
    /**
     * @param console the console device (its reads block for input)
     * @param setRaw  turns the console's raw mode on (true) or off; a no-op for a console that is
     *                not a terminal
     */
    public ConsFs(DevFs.Device console, Consumer<Boolean> setRaw, long dev, long bootNanos) {
        super(tree(console, setRaw), dev, bootNanos);
    }

    private static Directory tree(DevFs.Device console, Consumer<Boolean> setRaw) {
        File cons = new File("cons", 2, 0666) {
            @Override public Handle open(int flags) {
                return new Handle() {
                    @Override public int read(long offset, byte[] buf, int off, int len, boolean nonBlocking) {
                        return console.read(buf, off, len, nonBlocking);
                    }
                    @Override public int write(long offset, byte[] buf, int off, int len, boolean nonBlocking) {
                        return console.write(buf, off, len, nonBlocking);
                    }
                    @Override public boolean stream() { return true; }
                };
            }
        };
        File consctl = new File("consctl", 3, 0222) {
            @Override public Handle open(int flags) {
                return new Handle() {
                    private boolean raw;   // guarded by this

                    @Override public synchronized int write(long offset, byte[] buf, int off, int len, boolean nb) {
                        String cmd = new String(buf, off, len, StandardCharsets.UTF_8).trim();
                        switch (cmd) {
                            case "rawon" -> { setRaw.accept(true); raw = true; }
                            case "rawoff" -> { setRaw.accept(false); raw = false; }
                            default -> throw new SysError(Errno.EINVAL, "consctl: unknown command '" + cmd + "'");
                        }
                        return len;
                    }

                    @Override public synchronized void close() {
                        if (raw) setRaw.accept(false);
                    }

                    @Override public boolean stream() { return true; }
                };
            }
        };
        List<Node> files = List.of(cons, consctl);
        return new Directory("/", 1, () -> files);
    }
}
