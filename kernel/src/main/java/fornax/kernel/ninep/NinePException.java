package fornax.kernel.ninep;

/**
 * The one error of this package: a 9P message that cannot be decoded (malformed, truncated,
 * oversized, of an unknown type or one the dialect does not have) or cannot be encoded (a field
 * out of range, a string the wire cannot carry, a message larger than msize), or a version
 * negotiation that failed. It is an error of the connection the message came from, never of the
 * kernel: the caller drops (or answers) that connection and nothing else. Stackless, like
 * {@link fornax.kernel.sys.SysError}: a peer can provoke it at will and a trace would only cost time.
 */
public final class NinePException extends Exception {
    private static final long serialVersionUID = 1L;

    public NinePException(String reason) {
        super(reason, null, false, false);
    }

    /** What was wrong, for the log: "Twalk: nwname 17 > 16", "truncated: need 4 bytes for fid". */
    public String reason() { return getMessage(); }
}
