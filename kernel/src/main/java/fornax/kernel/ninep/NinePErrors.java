package fornax.kernel.ninep;

import static fornax.kernel.sys.Errno.*;

import fornax.kernel.ninep.Message.Reply;
import fornax.kernel.ninep.Message.Rerror;
import fornax.kernel.ninep.Message.Rlerror;
import fornax.kernel.sys.SysError;
import java.util.HashMap;
import java.util.Map;

/**
 * Errors across the wire. 9P2000 sends a string (Rerror ename), 9P2000.u a string and a Linux
 * errno, 9P2000.L only the errno (Rlerror ecode). Numbers are Linux's asm-generic errnos, the same
 * on riscv64 guests and x86-64 hosts, so they pass between them unchanged.
 *
 * <p>Strings going out are glibc's strerror texts, which is also what Linux's v9fs client maps
 * back (net/9p/error.c); strings coming in are mapped by that table, which also knows the Plan 9
 * servers' own strings ("file does not exist"). A string nobody knows is EIO.
 */
public final class NinePErrors {
    private NinePErrors() { }

    // asm-generic numbers that fornax.kernel.sys.Errno does not name
    private static final int ENOMSG = 42, EIDRM = 43, ENONET = 64, ENOPKG = 65, EREMOTE = 66, ENOLINK = 67,
            ECOMM = 70, EPROTO = 71, EBADMSG = 74, EBADFD = 77, ESTRPIPE = 86, EUSERS = 87, ENOTSOCK = 88,
            EMSGSIZE = 90, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, EPFNOSUPPORT = 96,
            ENETDOWN = 100, ENETUNREACH = 101, ENETRESET = 102, ECONNABORTED = 103, ECONNRESET = 104,
            ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ESHUTDOWN = 108, ECONNREFUSED = 111, EHOSTDOWN = 112,
            EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115, ESTALE = 116, EISNAM = 120, EREMOTEIO = 121,
            EDQUOT = 122;

    /** Linux errno values are below this (MAX_ERRNO + 1); anything else in .u's errno means "none". */
    private static final int MAX_ERRNO = 4095;

    private static final Map<Integer, String> TEXT = new HashMap<>();
    private static final Map<String, Integer> NUMBER = new HashMap<>();

    private static void text(int errno, String s) {
        TEXT.put(errno, s);
        NUMBER.put(s, errno);
    }

    private static void alias(String s, int errno) { NUMBER.put(s, errno); }

    static {
        text(EPERM, "Operation not permitted");
        text(ENOENT, "No such file or directory");
        text(ESRCH, "No such process");
        text(EINTR, "Interrupted system call");
        text(EIO, "Input/output error");
        text(ENXIO, "No such device or address");
        text(E2BIG, "Argument list too long");
        text(ENOEXEC, "Exec format error");
        text(EBADF, "Bad file descriptor");
        text(ECHILD, "No child processes");
        text(EAGAIN, "Resource temporarily unavailable");
        text(ENOMEM, "Cannot allocate memory");
        text(EACCES, "Permission denied");
        text(EFAULT, "Bad address");
        text(ENOTBLK, "Block device required");
        text(EBUSY, "Device or resource busy");
        text(EEXIST, "File exists");
        text(EXDEV, "Invalid cross-device link");
        text(ENODEV, "No such device");
        text(ENOTDIR, "Not a directory");
        text(EISDIR, "Is a directory");
        text(EINVAL, "Invalid argument");
        text(ENFILE, "Too many open files in system");
        text(EMFILE, "Too many open files");
        text(ENOTTY, "Inappropriate ioctl for device");
        text(ETXTBSY, "Text file busy");
        text(EFBIG, "File too large");
        text(ENOSPC, "No space left on device");
        text(ESPIPE, "Illegal seek");
        text(EROFS, "Read-only file system");
        text(EMLINK, "Too many links");
        text(EPIPE, "Broken pipe");
        text(EDOM, "Numerical argument out of domain");
        text(ERANGE, "Numerical result out of range");
        text(EDEADLK, "Resource deadlock avoided");
        text(ENAMETOOLONG, "File name too long");
        text(ENOLCK, "No locks available");
        text(ENOSYS, "Function not implemented");
        text(ENOTEMPTY, "Directory not empty");
        text(ELOOP, "Too many levels of symbolic links");
        text(ENOMSG, "No message of desired type");
        text(EIDRM, "Identifier removed");
        text(ENODATA, "No data available");
        text(ENONET, "Machine is not on the network");
        text(ENOPKG, "Package not installed");
        text(EREMOTE, "Object is remote");
        text(ENOLINK, "Link has been severed");
        text(ECOMM, "Communication error on send");
        text(EPROTO, "Protocol error");
        text(EBADMSG, "Bad message");
        text(EOVERFLOW, "Value too large for defined data type");
        text(EBADFD, "File descriptor in bad state");
        text(ESTRPIPE, "Streams pipe error");
        text(EUSERS, "Too many users");
        text(ENOTSOCK, "Socket operation on non-socket");
        text(EMSGSIZE, "Message too long");
        text(ENOPROTOOPT, "Protocol not available");
        text(EPROTONOSUPPORT, "Protocol not supported");
        text(ESOCKTNOSUPPORT, "Socket type not supported");
        text(EOPNOTSUPP, "Operation not supported");
        text(EPFNOSUPPORT, "Protocol family not supported");
        text(ENETDOWN, "Network is down");
        text(ENETUNREACH, "Network is unreachable");
        text(ENETRESET, "Network dropped connection on reset");
        text(ECONNABORTED, "Software caused connection abort");
        text(ECONNRESET, "Connection reset by peer");
        text(ENOBUFS, "No buffer space available");
        text(EISCONN, "Transport endpoint is already connected");
        text(ENOTCONN, "Transport endpoint is not connected");
        text(ESHUTDOWN, "Cannot send after transport endpoint shutdown");
        text(ETIMEDOUT, "Connection timed out");
        text(ECONNREFUSED, "Connection refused");
        text(EHOSTDOWN, "Host is down");
        text(EHOSTUNREACH, "No route to host");
        text(EALREADY, "Operation already in progress");
        text(EINPROGRESS, "Operation now in progress");
        text(ESTALE, "Stale file handle");
        text(EISNAM, "Is a named type file");
        text(EREMOTEIO, "Remote I/O error");
        text(EDQUOT, "Disk quota exceeded");

        // Plan 9 and its servers (fossil, vacfs, u9fs), as Linux's v9fs maps them
        alias("wstat prohibited", EPERM);
        alias("directory entry not found", ENOENT);
        alias("file not found", ENOENT);
        alias("fid unknown or out of range", EBADF);
        alias("permission denied", EACCES);
        alias("file does not exist", ENOENT);
        alias("authentication failed", ECONNREFUSED);
        alias("bad offset in directory read", ESPIPE);
        alias("bad use of fid", EBADF);
        alias("wstat can't convert between files and directories", EPERM);
        alias("directory is not empty", ENOTEMPTY);
        alias("file exists", EEXIST);
        alias("file already exists", EEXIST);
        alias("file or directory already exists", EEXIST);
        alias("fid already in use", EBADF);
        alias("file in use", ETXTBSY);
        alias("i/o error", EIO);
        alias("file already open for I/O", ETXTBSY);
        alias("illegal mode", EINVAL);
        alias("illegal name", ENAMETOOLONG);
        alias("not a directory", ENOTDIR);
        alias("not a member of proposed group", EPERM);
        alias("not owner", EACCES);
        alias("only owner can change group in wstat", EACCES);
        alias("read only file system", EROFS);
        alias("no access to special file", EPERM);
        alias("i/o count too large", EIO);
        alias("unknown group", EINVAL);
        alias("unknown user", EINVAL);
        alias("bogus wstat buffer", EPROTO);
        alias("exclusive use file already open", EAGAIN);
        alias("illegal offset", EINVAL);
        alias("illegal path element", ENOENT);
        alias("protocol botch", EPROTO);
        alias("file system is full", ENOSPC);
        alias("file is in use", EAGAIN);
        alias("file is read only", EROFS);
        alias("file has been removed", EIDRM);
        alias("cannot remove root", EPERM);
        alias("file too big", EFBIG);
        alias("file is a directory", EISDIR);       // Plan 9 kernel Eisdir
        alias("interrupted", EINTR);                // Plan 9 kernel Eintr
    }

    /** The text for an errno, as Rerror's ename: strerror's words, or "Unknown error N". */
    public static String errstr(int errno) {
        String s = TEXT.get(errno);
        return s != null ? s : "Unknown error " + Integer.toUnsignedLong(errno);
    }

    /** The errno for an Rerror string from any server; EIO for a string nobody knows. */
    public static int errno(String ename) {
        return NUMBER.getOrDefault(ename, EIO);
    }

    /**
     * The errno a reply reports: Rlerror's ecode, Rerror's .u errno when it is a real one or else its
     * string's; 0 for any reply that is not an error. A peer that reports error 0 has still failed
     * the request, so that is EIO.
     */
    public static int errno(Reply reply) {
        return switch (reply) {
            case Rlerror r -> r.ecode() > 0 && r.ecode() <= MAX_ERRNO ? r.ecode() : EIO;
            case Rerror r -> r.errno() > 0 && r.errno() <= MAX_ERRNO ? r.errno() : errno(r.ename());
            default -> 0;
        };
    }

    /** The error reply for {@code errno} in dialect {@code d}: Rlerror in .L, Rerror elsewhere. */
    public static Reply reply(Dialect d, int errno) {
        return switch (d) {
            case P9P2000L -> new Rlerror(errno);
            case P9P2000U -> new Rerror(errstr(errno), errno);
            case P9P2000 -> new Rerror(errstr(errno));
        };
    }

    /** The error reply for a kernel error (a file server's SysError) in dialect {@code d}. */
    public static Reply reply(Dialect d, SysError e) { return reply(d, e.errno()); }

    /** The kernel error a failed reply stands for, for a client to throw; null if it is no error. */
    public static SysError toSysError(Reply reply) {
        int e = errno(reply);
        if (e == 0) return null;
        return reply instanceof Rerror r ? new SysError(e, r.ename()) : new SysError(e);
    }
}
