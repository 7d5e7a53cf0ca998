/**
 * The 9P wire protocol: 9P2000, 9P2000.u and 9P2000.L messages as records, and their strict codec.
 * This package knows bytes and messages only; servers, clients and transports are built on it.
 *
 * <pre>
 *   Message (sealed) ─┬─ Request: Tversion Tauth Tattach Tflush Twalk Topen Tcreate Tread Twrite
 *                     │           Tclunk Tremove Tstat Twstat  Tstatfs Tlopen Tlcreate Tsymlink ...
 *                     └─ Reply:   Rversion ... Rerror (9P2000, .u)  Rlerror (.L) ...
 *   NinePCodec(dialect, msize): encode(Message, tag) → byte[];  decode(byte[] | ByteBuffer) → Frame(tag, Message)
 *   Dialect: which messages exist, version(5) negotiation;  NinePErrors: errno ⇄ Rerror/Rlerror
 *   IdPool: tags and fids for a client;  NinePException: the one error, for that connection only
 * </pre>
 *
 * <h2>Wire format</h2>
 * All integers are little-endian; n[1] n[2] n[4] n[8] are u8 u16 u32 u64. A string s is
 * {@code len[2] bytes[len]}, no NUL anywhere (intro(5)). A qid is {@code type[1] version[4] path[8]}.
 * Every message is
 * <pre>
 *   size[4] type[1] tag[2] body...        size counts every byte, itself included: 7 ≤ size ≤ msize
 * </pre>
 * Bodies (T on the left, R on the right; [.u] fields only in 9P2000.u, [.uL] in .u and .L):
 * <pre>
 *   100 Tversion  msize[4] version[s]                  101 Rversion  msize[4] version[s]
 *   102 Tauth     afid[4] uname[s] aname[s] [.uL n_uname[4]]        103 Rauth  aqid[13]
 *   104 Tattach   fid[4] afid[4] uname[s] aname[s] [.uL n_uname[4]] 105 Rattach qid[13]
 *                                                       107 Rerror    ename[s] [.u errno[4]]
 *   108 Tflush    oldtag[2]                            109 Rflush
 *   110 Twalk     fid[4] newfid[4] nwname[2] nwname*(wname[s])     111 Rwalk nwqid[2] nwqid*(qid[13])
 *   112 Topen     fid[4] mode[1]                       113 Ropen     qid[13] iounit[4]
 *   114 Tcreate   fid[4] name[s] perm[4] mode[1] [.u extension[s]] 115 Rcreate qid[13] iounit[4]
 *   116 Tread     fid[4] offset[8] count[4]            117 Rread     count[4] data[count]
 *   118 Twrite    fid[4] offset[8] count[4] data[count] 119 Rwrite   count[4]
 *   120 Tclunk    fid[4]                               121 Rclunk
 *   122 Tremove   fid[4]                               123 Rremove
 *   124 Tstat     fid[4]                               125 Rstat     stat[n]
 *   126 Twstat    fid[4] stat[n]                       127 Rwstat
 *     stat[n] = n[2] then a stat of n bytes; a stat = size[2] type[2] dev[4] qid[13] mode[4] atime[4]
 *     mtime[4] length[8] name[s] uid[s] gid[s] muid[s] [.u extension[s] n_uid[4] n_gid[4] n_muid[4]]
 *
 *   9P2000.L:                                            7 Rlerror   ecode[4]
 *     8 Tstatfs   fid[4]            9 Rstatfs type[4] bsize[4] blocks[8] bfree[8] bavail[8] files[8]
 *                                             ffree[8] fsid[8] namelen[4]
 *    12 Tlopen    fid[4] flags[4]                       13 Rlopen    qid[13] iounit[4]
 *    14 Tlcreate  fid[4] name[s] flags[4] mode[4] gid[4] 15 Rlcreate qid[13] iounit[4]
 *    16 Tsymlink  fid[4] name[s] symtgt[s] gid[4]       17 Rsymlink  qid[13]
 *    18 Tmknod    dfid[4] name[s] mode[4] major[4] minor[4] gid[4]  19 Rmknod qid[13]
 *    20 Trename   fid[4] dfid[4] name[s]                21 Rrename
 *    22 Treadlink fid[4]                                23 Rreadlink target[s]
 *    24 Tgetattr  fid[4] request_mask[8]
 *    25 Rgetattr  valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8] size[8] blksize[8] blocks[8]
 *                 atime_sec[8] atime_nsec[8] mtime_sec[8] mtime_nsec[8] ctime_sec[8] ctime_nsec[8]
 *                 btime_sec[8] btime_nsec[8] gen[8] data_version[8]
 *    26 Tsetattr  fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8] atime_nsec[8]
 *                 mtime_sec[8] mtime_nsec[8]                         27 Rsetattr
 *    30 Txattrwalk   fid[4] newfid[4] name[s]            31 Rxattrwalk size[8]
 *    32 Txattrcreate fid[4] name[s] attr_size[8] flags[4] 33 Rxattrcreate
 *    40 Treaddir  fid[4] offset[8] count[4]             41 Rreaddir  count[4] data[count]
 *                 data = entries of qid[13] offset[8] type[1] name[s]
 *    50 Tfsync    fid[4] datasync[4]                    51 Rfsync
 *    52 Tlock     fid[4] type[1] flags[4] start[8] length[8] proc_id[4] client_id[s]  53 Rlock status[1]
 *    54 Tgetlock  fid[4] type[1] start[8] length[8] proc_id[4] client_id[s]
 *    55 Rgetlock  type[1] start[8] length[8] proc_id[4] client_id[s]
 *    70 Tlink     dfid[4] fid[4] name[s]                71 Rlink
 *    72 Tmkdir    dfid[4] name[s] mode[4] gid[4]        73 Rmkdir    qid[13]
 *    74 Trenameat olddirfid[4] oldname[s] newdirfid[4] newname[s]   75 Rrenameat
 *    76 Tunlinkat dirfd[4] name[s] flags[4]             77 Runlinkat
 * </pre>
 * 9P2000.L uses, of the older messages, only version, auth and attach (with n_uname), flush, walk,
 * read, write, clunk and remove; Topen, Tcreate, Tstat, Twstat and Rerror are not part of it.
 * Terror (106) and Tlerror (6) exist in no dialect.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Decoding is strict and total: a message is accepted only if its size field is exactly its
 *       length and at most msize, its type exists in the connection's dialect, every field is
 *       present, every length prefix fits, nothing is left over, nwname/nwqid ≤ 16, and its strings
 *       have no NUL (and are UTF-8 in 9P2000). Anything else is a {@link fornax.kernel.ninep.NinePException}
 *       — never another exception, never an allocation sized by an unchecked length — and is an
 *       error of that one connection: the kernel drops it and nothing else is disturbed.
 *   <li>Encoding is the inverse: a decoded message encodes to the same bytes; encode refuses what
 *       decode would refuse, and anything longer than msize.
 *   <li>Strings are byte strings, one char per byte (ISO-8859-1), like the VFS's names: a Linux
 *       client's non-UTF-8 name passes through .u and .L unchanged. Only plain 9P2000, which is
 *       Plan 9's and UTF-8 by definition, checks UTF-8.
 *   <li>Messages are immutable values (apart from the data arrays of Rread and Twrite, which are
 *       handed over, not copied); the codec is immutable; both are safe to share between threads.
 *       {@link fornax.kernel.ninep.IdPool} is the only mutable class and guards itself.
 * </ul>
 *
 * <h2>Protocol states (for the server and client built on this)</h2>
 * <pre>
 *   connection: NEW ─Tversion/Rversion(dialect, msize)─► SESSION ─Tversion again─► SESSION (all fids clunked)
 *                 └── any other message before Tversion, or a NinePException at any time ─► CLOSED
 *   fid:  (none) ─Tattach/Twalk newfid/Tauth─► WALKED ─Topen/Tlopen/Tcreate/Tlcreate─► OPEN
 *         WALKED|OPEN ─Tclunk, Tremove (even if it fails), Tversion─► (none)
 *   tag:  free ─T─► in flight ─R, or Rflush of a Tflush naming it─► free
 * </pre>
 *
 * <h2>References</h2>
 * Plan 9 manual section 5 (intro(5), version(5), attach(5), walk(5), open(5), read(5), stat(5),
 * flush(5), error(5)); the 9P2000.u experimental draft (Van Hensbergen, 2009) and Linux's
 * net/9p/protocol.c for its layouts; diod's protocol.md and Linux's include/net/9p/9p.h for
 * 9P2000.L; Linux's net/9p/error.c for the error strings. Checked against diod 1.0.24 (Debian's
 * diod; DiodInteropTest, DiodClientInteropTest), which answers Tauth with Rlerror ENOENT when
 * authentication is off (its clients read that as "none needed") and Trenameat/Tunlinkat with
 * EOPNOTSUPP (clients fall back to Trename/Tremove), and stops a walk that fails after its first
 * name with a short Rwalk, not an error (walk(5)).
 */
package fornax.kernel.ninep;
