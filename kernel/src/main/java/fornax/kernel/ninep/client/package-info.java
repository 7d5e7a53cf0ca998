/**
 * The kernel's 9P2000.L client, the mount driver: {@link fornax.kernel.ninep.client.NinePClient}
 * is a {@link fornax.kernel.vfs.FileServer} that turns every call into a transaction with a
 * server across a {@link fornax.kernel.ninep.transport.Transport}; ClientSession is its RPC
 * engine (tags, the reply reader, flush on interrupt, death); FdTransport carries it over a guest
 * process's pair of file descriptors (mount -t 9p -o trans=fd,rfdno=N,wfdno=M).
 *
 * <p>Invariants: a fid's protocol state is checked locally before any message is sent; a remote
 * fid number is freed exactly when its local fid is clunked (or a walk that made it fails); a
 * dead connection fails every call with EIO and never hangs a caller; an interrupted caller
 * flushes its request and can always return (EINTR), even from a server that never answers.
 *
 * <p>Lock order: none held across a send or a wait. IdPool and the pending map are leaves.
 */
package fornax.kernel.ninep.client;
