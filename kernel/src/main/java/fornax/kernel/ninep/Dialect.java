package fornax.kernel.ninep;

import static fornax.kernel.ninep.NineP.*;

import java.util.Set;

/**
 * The three versions of 9P this package speaks. The same message type number can mean different
 * layouts in different dialects (Tattach gains n_uname in .u and .L, Rerror gains errno in .u,
 * Tcreate gains extension in .u), and each dialect has its own set of legal messages:
 *
 * <pre>
 *   all three      Tversion Tauth Tattach Tflush Twalk Tread Twrite Tclunk Tremove (and their R)
 *   9P2000, .u     Topen Tcreate Tstat Twstat, Rerror            (.u: with its extra fields)
 *   9P2000.L       Tstatfs Tlopen Tlcreate Tsymlink Tmknod Trename Treadlink Tgetattr Tsetattr
 *                  Txattrwalk Txattrcreate Treaddir Tfsync Tlock Tgetlock Tlink Tmkdir Trenameat
 *                  Tunlinkat, Rlerror                             (diod's protocol.md ".L subset")
 * </pre>
 *
 * <p>Negotiation follows version(5): the version string must begin with "9P"; a server that does
 * not understand it answers Rversion "unknown" (not Rerror); it may answer the client's string or
 * an earlier version: after stripping a "."-suffix, "9Pnnnn" with nnnn ≤ the client's digits.
 * The negotiated msize is never more than the client offered.
 */
public enum Dialect {
    P9P2000("9P2000"), P9P2000U("9P2000.u"), P9P2000L("9P2000.L");

    /** Rversion's version string for a version the server does not speak. */
    public static final String UNKNOWN = "unknown";

    private final String version;

    Dialect(String version) { this.version = version; }

    /** The version string on the wire: "9P2000", "9P2000.u" or "9P2000.L". */
    public String version() { return version; }

    /** Whether messages of this type exist in this dialect (Terror and Tlerror exist in none). */
    public boolean has(int type) {
        return switch (type) {
            case TVERSION, RVERSION, TAUTH, RAUTH, TATTACH, RATTACH, TFLUSH, RFLUSH, TWALK, RWALK, TREAD, RREAD,
                 TWRITE, RWRITE, TCLUNK, RCLUNK, TREMOVE, RREMOVE -> true;
            case TOPEN, ROPEN, TCREATE, RCREATE, TSTAT, RSTAT, TWSTAT, RWSTAT, RERROR -> this != P9P2000L;
            case RLERROR, TSTATFS, RSTATFS, TLOPEN, RLOPEN, TLCREATE, RLCREATE, TSYMLINK, RSYMLINK, TMKNOD, RMKNOD,
                 TRENAME, RRENAME, TREADLINK, RREADLINK, TGETATTR, RGETATTR, TSETATTR, RSETATTR, TXATTRWALK,
                 RXATTRWALK, TXATTRCREATE, RXATTRCREATE, TREADDIR, RREADDIR, TFSYNC, RFSYNC, TLOCK, RLOCK,
                 TGETLOCK, RGETLOCK, TLINK, RLINK, TMKDIR, RMKDIR, TRENAMEAT, RRENAMEAT, TUNLINKAT, RUNLINKAT ->
                    this == P9P2000L;
            default -> false;
        };
    }

    /** The dialect whose version string is exactly {@code s}, or null. */
    public static Dialect of(String s) {
        for (Dialect d : values()) if (d.version.equals(s)) return d;
        return null;
    }

    /**
     * The server side of version(5): the version a server speaking {@code supported} must answer
     * to a client's {@code clientVersion}: the client's own if supported, else "9P2000" when the
     * client's string is a 9P version at least that recent and 9P2000 is supported, else null
     * (answer {@link #UNKNOWN}).
     */
    public static Dialect choose(String clientVersion, Set<Dialect> supported) {
        Dialect exact = of(clientVersion);
        if (exact != null && supported.contains(exact)) return exact;
        if (!supported.contains(P9P2000) || !clientVersion.startsWith("9P")) return null;
        int dot = clientVersion.indexOf('.');
        String digits = clientVersion.substring(2, dot < 0 ? clientVersion.length() : dot);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        String n = digits.replaceFirst("^0+", "");   // compared as text: any number of digits
        boolean atLeast2000 = n.length() > 4 || n.length() == 4 && n.compareTo("2000") >= 0;
        return atLeast2000 ? P9P2000 : null;
    }

    /**
     * The server's whole answer to a Tversion: the negotiated msize (the smaller of the client's
     * offer, taken as unsigned, and {@code serverMsize}) and version string. A client offering less
     * than {@link NineP#MIN_MSIZE} is answered "unknown": no useful session fits in its messages.
     */
    public static Message.Rversion answer(Message.Tversion t, int serverMsize, Set<Dialect> supported) {
        if (serverMsize < NineP.MIN_MSIZE || serverMsize > NineP.MAX_MSIZE)
            throw new IllegalArgumentException("server msize " + serverMsize);
        long offered = Integer.toUnsignedLong(t.msize());
        int msize = (int) Math.min(offered, serverMsize);
        Dialect d = msize < NineP.MIN_MSIZE ? null : choose(t.version(), supported);
        return new Message.Rversion(msize, d == null ? UNKNOWN : d.version);
    }

    /**
     * The client side: checks a server's Rversion against what the client sent and returns the
     * dialect to speak from now on. The server may lower msize but not raise it, and may answer
     * an earlier version than asked (here: 9P2000 for .u or .L) but not a later or different one.
     *
     * @throws NinePException if the server answered "unknown", raised msize, or answered something
     *                        the client did not ask for
     */
    public static Dialect accept(Message.Tversion sent, Message.Rversion got) throws NinePException {
        long msize = Integer.toUnsignedLong(got.msize());
        if (msize > Integer.toUnsignedLong(sent.msize()))
            throw new NinePException("server raised msize from " + Integer.toUnsignedLong(sent.msize()) + " to " + msize);
        if (msize < NineP.MIN_MSIZE) throw new NinePException("server msize " + msize + " is too small");
        Dialect d = of(got.version());
        if (d == null) throw new NinePException("server does not speak " + sent.version() + ": " + got.version());
        if (!d.version.equals(sent.version()) && choose(sent.version(), Set.of(d)) != d)
            throw new NinePException("server answered " + got.version() + " to " + sent.version());
        return d;
    }
}
