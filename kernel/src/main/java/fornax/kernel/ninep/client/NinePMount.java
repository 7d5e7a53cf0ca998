package fornax.kernel.ninep.client;

import fornax.kernel.ninep.NineP;
import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.kernel.vfs.FdTable;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.Stat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code mount -t 9p -o OPTIONS SOURCE TARGET} as Linux's v9fs takes it, for the transports this
 * kernel has: {@code trans=fd,rfdno=N,wfdno=M} (a server in the guest on two descriptors of the
 * mounting process). Options: {@code aname=PATH} (the tree to attach), {@code msize=BYTES}
 * (default 65560, at most 1 MiB here), {@code version=9p2000.L} (the only version the client
 * speaks); the v9fs options that only tune caching or identity (cache, access, uname, posixacl,
 * noextend, debug...) are accepted and ignored. trans=tcp/unix/virtio are EPROTONOSUPPORT until the
 * guest has networking and virtio-9p.
 */
public final class NinePMount {
    private NinePMount() { }

    public static final int DEFAULT_MSIZE = 65536 + 24, MAX_MOUNT_MSIZE = 1 << 20;
    /** Anonymous device numbers for 9P mounts (major 0, as Linux's set_anon_super). */
    private static final AtomicInteger NEXT_MINOR = new AtomicInteger(64);

    /** A fresh st_dev for a new remote mount. */
    public static long anonymousDev() { return Stat.makedev(0, NEXT_MINOR.getAndIncrement()); }

    /**
     * Connects to the server the options describe, using descriptors of {@code fds}, and returns
     * the client to mount. The client closes its connection when its last fid is clunked (the
     * mount went away and no file is open), so the server sees the end of its input.
     */
    public static NinePClient connect(String options, String source, FdTable fds) {
        Map<String, String> o = parse(options);
        String trans = o.getOrDefault("trans", "fd");
        if (!trans.equals("fd"))
            throw new SysError(Errno.EPROTONOSUPPORT, "9p trans=" + trans + " is not available (only trans=fd)");
        String version = o.getOrDefault("version", "9p2000.L");
        if (!version.equalsIgnoreCase("9p2000.L"))
            throw new SysError(Errno.EINVAL, "9p version=" + version + ": only 9p2000.L");
        int rfd = number(o, "rfdno"), wfd = number(o, "wfdno");
        int msize = o.containsKey("msize") ? number(o, "msize") : DEFAULT_MSIZE;
        if (msize < NineP.MIN_MSIZE) throw new SysError(Errno.EINVAL, "msize " + msize + " is too small");
        msize = Math.min(msize, MAX_MOUNT_MSIZE);
        FileDescription r = fds.acquire(rfd);
        FileDescription w;
        try {
            w = fds.acquire(wfd);
        } catch (SysError e) {
            r.release();
            throw e;
        }
        String name = "9p " + (source == null ? "none" : source) + " (fd " + rfd + "/" + wfd + ")";
        FdTransport t = new FdTransport(r, w, name);
        return NinePClient.connect(t, o.getOrDefault("aname", ""), msize, anonymousDev(), name, null)
                .closeWhenUnused();
    }

    private static int number(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) throw new SysError(Errno.EINVAL, "9p: " + key + "= is required with trans=fd");
        try {
            int n = Integer.parseInt(v);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new SysError(Errno.EINVAL, "9p: bad " + key + "=" + v);
        }
    }

    /** "a=1,b,c=x" → {a:1, b:"", c:x}. */
    static Map<String, String> parse(String options) {
        Map<String, String> m = new LinkedHashMap<>();
        if (options == null) return m;
        for (String part : options.split(",")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            m.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
        }
        return m;
    }
}
