/**
 * The 9P server: any {@link fornax.kernel.vfs.FileServer} served over a
 * {@link fornax.kernel.ninep.transport.Transport} in 9P2000.L, 9P2000.u or 9P2000, so that Linux
 * (v9fs, diod's tools) and Plan 9 clients can use the kernel's files.
 *
 * <pre>
 *   NinePServer (name, attach: aname → root Fid, msize, onFault)
 *     └─ serve(transport) ─► Connection: reader loop, fid table, requests in flight
 *                               ├─ Requests:      shared and 9P2000.L messages → FileServer calls
 *                               ├─ Plan9Requests: Topen Tcreate Tstat Twstat, directory reads as stats
 *                               ├─ ServerFid:     a fid number's file-server fid, refcounted, with its walked path
 *                               └─ Attrs:         Dir ⇄ Rgetattr/Tsetattr/stat(5), DirEntry → dirent
 *   TcpExport: a listening socket, NinePServer over fornax.kernel.vfs.NamespaceView of a namespace
 *              subtree (run/boot --export PORT[:PATH]), one virtual thread per connection
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Every file-server fid the server makes is clunked exactly once: fids of the table when
 *       the client clunks or removes them, at Tversion, and when the connection ends; fids made on
 *       the way (walk steps, the re-walk of Tremove) before the request returns, on every path.
 *   <li>A request's reply is sent at most once, never after the Rflush of a Tflush naming it, and
 *       never for requests aborted by Tversion or by the end of the connection.
 *   <li>Nothing a client sends can take the server down: a malformed message is a protocol error
 *       of its connection (dropped and logged); a file server's SysError is an error reply; any
 *       other throwable is a fault, answered EIO and reported to {@code onFault}.
 *   <li>Fid states are the file server's to enforce (see {@link fornax.kernel.vfs.Fid}): a walk,
 *       open or create on an opened fid is its EBADF, passed on as the reply.
 * </ul>
 *
 * <h2>Protocol states</h2>
 * <pre>
 *   connection: NEW ─Tversion─► SESSION(dialect, msize) ─Tversion─► SESSION (requests aborted, fids clunked)
 *               NEW ─anything else─► CLOSED;  any ─EOF, shutdown, protocol error─► CLOSED (fids clunked)
 *   request:    received ─► running (own virtual thread) ─► replied
 *                              └─ Tflush: flushed (interrupted; no reply) ─► ended ─► Rflush sent
 *   fid:        (none) ─Tattach, Twalk newfid─► WALKED ─Tlopen/Topen/Tlcreate/Tcreate─► OPEN
 *               WALKED|OPEN ─Tclunk, Tremove, Tversion, end─► (none)
 * </pre>
 *
 * <h2>Lock order</h2>
 * <pre>
 *   Connection.Pending monitor (held while sending its reply)
 *     Transport's write lock
 *   Connection.fidsLock, ServerFid monitor: leaves (no call out while held)
 *   file-server locks: taken by the request threads with none of the above held
 * </pre>
 */
package fornax.kernel.ninep.server;
