package fornax.cli;

import fornax.kernel.Kernel;
import fornax.kernel.ninep.server.TcpExport;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --export PORT[:PATH]}, repeatable: the option {@code run} and {@code boot} share (a
 * picocli mixin). Each serves directory PATH (default /) of the first process's namespace as 9P
 * (9P2000.L for Linux's v9fs and diod's tools; 9P2000 and .u too) on 127.0.0.1:PORT while the
 * guest runs, mounts and binds included. PORT 0 takes any free port; the log line
 * "export: serving PATH on 127.0.0.1:PORT" says which.
 */
final class ExportOptions {
    /** One checked export. */
    record Export(int port, String path) { }

    @Option(names = "--export", paramLabel = "PORT[:PATH]",
            description = "Serve guest directory PATH (default /) as 9P on 127.0.0.1:PORT while the guest runs. Repeatable.")
    List<String> specs = new ArrayList<>();

    /** The exports; null after printing one line on stderr when one is malformed. */
    List<Export> exports() {
        List<Export> out = new ArrayList<>();
        for (String spec : specs) {
            try {
                out.add(parse(spec));
            } catch (IllegalArgumentException e) {
                Main.stderr.println("fornax: --export " + spec + ": " + e.getMessage());
                return null;
            }
        }
        return out;
    }

    /** PORT or PORT:PATH, PORT in 0..65535, PATH absolute. */
    static Export parse(String spec) {
        int colon = spec.indexOf(':');
        String port = colon < 0 ? spec : spec.substring(0, colon);
        String path = colon < 0 ? "/" : spec.substring(colon + 1);
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected PORT[:PATH]");
        }
        if (p < 0 || p > 65535) throw new IllegalArgumentException("port " + p + " is out of range");
        if (!path.startsWith("/")) throw new IllegalArgumentException("the path must be absolute");
        return new Export(p, path);
    }

    /**
     * Starts every export on {@code kernel}; returns them (to close when the guest ends), or null
     * after printing why one could not listen (and closing those already started).
     */
    static List<TcpExport> startAll(Kernel kernel, List<Export> exports) {
        List<TcpExport> started = new ArrayList<>();
        for (Export e : exports) {
            try {
                started.add(TcpExport.start(kernel::firstProcessContext, e.path(), InetAddress.getLoopbackAddress(),
                        e.port(), kernel::log));
            } catch (IOException err) {
                Main.stderr.println("fornax: --export " + e.port() + ": cannot listen: " + err.getMessage());
                closeAll(started);
                return null;
            }
        }
        return started;
    }

    static void closeAll(List<TcpExport> exports) {
        for (TcpExport x : exports) x.close();
    }
}
