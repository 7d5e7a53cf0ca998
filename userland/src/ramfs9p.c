/*
 * ramfs9p: a 9P2000.L file server for an in-memory file tree, speaking on a pair of file
 * descriptors: the user-space end of Linux's `mount -t 9p -o trans=fd,rfdno=R,wfdno=W`.
 *
 *   usage: ramfs9p [-r RFD] [-w WFD] [-s MSIZE] [-M BYTES] [-v]
 *     -r RFD    read T-messages from RFD (default 0)     -s MSIZE  largest msize agreed (default 512 KiB)
 *     -w WFD    write R-messages to WFD (default 1)      -M BYTES  memory limit for the tree (default 64 MiB)
 *     -v        log every message to stderr
 *   Exit status: 0 at the end of input between messages; 1 after a malformed message, an end of
 *   input inside one, or a failed write (one line on stderr says which); 2 for bad arguments.
 *   At the end of input the server audits itself (every byte charged is in the tree, link
 *   counts match the entries) and exits 1 with "internal error" if not: a check for tests.
 *
 * Design. One thread answers one message at a time, in order, so a Tflush always finds its
 * target already answered (Rflush at once) and nothing needs a lock.
 *   - The tree: a node is a directory, regular file, symbolic link or special file (FIFO,
 *     socket, device: attributes only; the Linux client handles their I/O itself). A directory
 *     holds dents (name → node) in a list ordered by cookie; a dent is also on its node's
 *     `links` list, which is how Tremove/Trename find a file's name and ".." a directory's parent.
 *     A node dies when it has no links (nlink 0) and no fid holds it, so an unlinked open file
 *     stays readable, as on Linux.
 *   - Readdir offsets are stable cookies: "." is 1, ".." is 2, a child gets its directory's next
 *     cookie (3, 4, ...) when linked there; Treaddir(offset) returns the entries whose cookie is
 *     greater, each carrying its own cookie as the offset to resume from. Unlinking one entry
 *     never moves another, so a listing interleaved with removals neither skips nor repeats.
 *   - Fids: a hash table of up to MAXFIDS; a fid holds a reference on its node, its uid (from
 *     Tattach's n_uname) and, once opened, the open flags (access mode, O_APPEND).
 *   - Qids: path is a per-server counter never reused; version counts data (or entry) changes.
 *   - Permissions are stored and reported, not enforced: the Linux client checks them itself
 *     (9P2000.L's access=user does generic_permission on the attributes we return).
 *
 * Messages (9P2000.L as Linux's v9fs and diod speak it; layouts in the kernel's
 * fornax/kernel/ninep/package-info.java): version auth attach flush walk lopen lcreate symlink
 * mknod mkdir readlink read write readdir getattr setattr statfs fsync unlinkat renameat rename
 * remove clunk link xattrwalk lock getlock. Tauth is answered ENOENT ("no authentication", as
 * diod does), Txattrwalk EOPNOTSUPP (Linux's v9fs reads that as "no xattrs/ACLs"), Tlock always
 * succeeds and Tgetlock reports no conflicting lock (one client: locks are its own business).
 * Every other type, 9P2000's Topen/Tcreate/Tstat/Twstat included, is answered EOPNOTSUPP.
 * Errors are Rlerror with Linux (asm-generic) errno numbers.
 *
 * Strictness: every message is parsed completely before it acts. A size field below 7 or above
 * the msize in force, a field or string running past the end, bytes left over, a NUL in a
 * string or nwname > 16 is a broken peer, not a request: the server logs one line and exits 1.
 * It never reads outside the message it has, and ignores SIGPIPE so that a vanished client is a
 * write error (exit 1), not a signal.
 *
 * Limits: msize in [256, 16 MiB]; MAXFIDS fids (then EMFILE); names of at most 255 bytes and
 * symlink targets of at most 4095 (ENAMETOOLONG); the tree's memory (nodes, names, file data,
 * link targets) at most -M bytes (ENOSPC), and no file longer than that (EFBIG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

enum {                                  /* message types (Linux include/net/9p/9p.h) */
    RLERROR = 7, TSTATFS = 8, TLOPEN = 12, TLCREATE = 14, TSYMLINK = 16, TMKNOD = 18, TRENAME = 20,
    TREADLINK = 22, TGETATTR = 24, TSETATTR = 26, TXATTRWALK = 30, TREADDIR = 40, TFSYNC = 50,
    TLOCK = 52, TGETLOCK = 54, TLINK = 70, TMKDIR = 72, TRENAMEAT = 74, TUNLINKAT = 76,
    TVERSION = 100, TAUTH = 102, TATTACH = 104, TFLUSH = 108, TWALK = 110, TREAD = 116, TWRITE = 118,
    TCLUNK = 120, TREMOVE = 122,
};
#define NOFID      0xFFFFFFFFu
#define NONUNAME   0xFFFFFFFFu
#define MAXWELEM   16
#define HEADER     7
#define RREAD_HDR  11                   /* size type tag count: Rread/Rreaddir data ≤ msize − 11 */
#define MIN_MSIZE  256                  /* as the kernel's codec: every fixed-size reply fits */
#define MAX_MSIZE  (16u << 20)
#define MAXFIDS    4096
#define FIDBUCKETS 1024
#define NAME_MAX_  255
#define TARGET_MAX 4095
#define QTDIR      0x80
#define QTSYMLINK  0x02
#define GETATTR_ALL 0x3fffull
#define TMPFS_MAGIC 0x01021994
#define AT_REMOVEDIR_ 0x200
/* 9P2000.L open flags (P9_DOTL_*): the asm-generic open(2) values, whatever the host's are. */
enum { L_ACCMODE = 03, L_RDONLY = 00, L_WRONLY = 01, L_TRUNC = 01000, L_APPEND = 02000, L_DIRECTORY = 0200000 };
/* Tsetattr valid bits (P9_ATTR_*) */
enum { SA_MODE = 0x1, SA_UID = 0x2, SA_GID = 0x4, SA_SIZE = 0x8, SA_ATIME = 0x10, SA_MTIME = 0x20,
       SA_ATIME_SET = 0x80, SA_MTIME_SET = 0x100 };

enum kind { K_DIR, K_REG, K_LNK, K_SPECIAL };

struct dent;
struct node {
    enum kind kind;
    uint32_t mode;                      /* st_mode: S_IFMT bits and permissions */
    uint32_t uid, gid;
    uint64_t rdev;                      /* K_SPECIAL devices: glibc makedev encoding */
    uint64_t path;                      /* qid.path: unique for the server's lifetime */
    uint32_t version;                   /* qid.version: bumped by every data or entry change */
    uint64_t nlink;                     /* dirs: 2 + subdirectories while linked, 0 once removed */
    struct timespec atime, mtime, ctime, btime;
    uint32_t refs;                      /* fids on this node; it is freed at refs == 0 && nlink == 0 */
    struct dent *links;                 /* the dents naming this node (at most one for a dir) */
    char *data;                         /* K_REG: cap bytes, size used; K_LNK: the target, size long */
    uint64_t size, cap;
    struct dent *first, *last;          /* K_DIR: entries, cookies increasing */
    uint64_t next_cookie;               /* K_DIR: next child's cookie (1 and 2 are "." and "..") */
};

struct dent {
    struct node *dir, *node;
    struct dent *prev, *next;           /* in dir's list */
    struct dent *link_next;             /* in node's links list */
    uint64_t cookie;
    uint16_t len;
    char name[];
};

struct fid {
    uint32_t num, uid;
    struct node *node;                  /* holds a reference (node->refs) */
    int open;                           /* after Tlopen/Tlcreate: flags says how */
    uint32_t flags;
    struct fid *next;                   /* hash chain */
};

/* A string field of the message being handled: points into the input buffer, no NUL inside. */
struct str { const char *s; uint16_t len; };

static struct node *root;
static struct fid *fids[FIDBUCKETS];
static unsigned nfids;
static uint64_t used, limit = 64ull << 20;  /* bytes charged to the tree (memory accounting) */
static uint64_t next_path = 1;
static uint32_t own_msize = 512 << 10, msize; /* msize: what a message may be right now */
static int versioned, verbose, rfd = 0, wfd = 1;
static uint8_t *inbuf, *outbuf;
static const char *cur_name = "message";  /* type name of the message being parsed, for errors */
static unsigned cur_tag;

/* ---------------------------------------------------------------- logging and fatal errors */

static const char *tname(int t)
{
    static const struct { int t; const char *n; } names[] = {
        {6, "lerror"}, {8, "statfs"}, {12, "lopen"}, {14, "lcreate"}, {16, "symlink"}, {18, "mknod"},
        {20, "rename"}, {22, "readlink"}, {24, "getattr"}, {26, "setattr"}, {30, "xattrwalk"},
        {32, "xattrcreate"}, {40, "readdir"}, {50, "fsync"}, {52, "lock"}, {54, "getlock"}, {70, "link"},
        {72, "mkdir"}, {74, "renameat"}, {76, "unlinkat"}, {100, "version"}, {102, "auth"},
        {104, "attach"}, {106, "error"}, {108, "flush"}, {110, "walk"}, {112, "open"}, {114, "create"},
        {116, "read"}, {118, "write"}, {120, "clunk"}, {122, "remove"}, {124, "stat"}, {126, "wstat"},
    };
    static char buf[32];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].t == (t & ~1)) {
            snprintf(buf, sizeof buf, "%c%s", t & 1 ? 'R' : 'T', names[i].n);
            return buf;
        }
    snprintf(buf, sizeof buf, "type %d", t);
    return buf;
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    char line[256];
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ramfs9p: %s\n", line);
    exit(1);
}

/* --------------------------------------------------------------------- reading a message */

/* A message being parsed: every getter checks the bytes are there and dies otherwise. */
struct rd { const uint8_t *p; uint32_t n, off; };

static const uint8_t *take(struct rd *r, uint32_t k, const char *field)
{
    if (r->n - r->off < k)
        die("malformed %s (tag %u): %s runs past the end of the %u-byte message", cur_name, cur_tag, field, r->n);
    const uint8_t *q = r->p + r->off;
    r->off += k;
    return q;
}

static uint8_t g8(struct rd *r, const char *f) { return *take(r, 1, f); }
static uint16_t g16(struct rd *r, const char *f) { const uint8_t *q = take(r, 2, f); return q[0] | q[1] << 8; }
static uint32_t g32(struct rd *r, const char *f)
{
    const uint8_t *q = take(r, 4, f);
    return q[0] | q[1] << 8 | q[2] << 16 | (uint32_t)q[3] << 24;
}
static uint64_t g64(struct rd *r, const char *f) { uint64_t lo = g32(r, f); return lo | (uint64_t)g32(r, f) << 32; }

static struct str gstr(struct rd *r, const char *f)
{
    struct str s;
    s.len = g16(r, f);
    s.s = (const char *)take(r, s.len, f);
    if (memchr(s.s, 0, s.len))
        die("malformed %s (tag %u): %s holds a NUL byte", cur_name, cur_tag, f);
    return s;
}

/* Called once all fields are read: a strict parser refuses trailing bytes too. */
static void done(struct rd *r)
{
    if (r->off != r->n)
        die("malformed %s (tag %u): %u bytes left over after the last field", cur_name, cur_tag, r->n - r->off);
}

static int streq(struct str a, const char *b) { return a.len == strlen(b) && memcmp(a.s, b, a.len) == 0; }

/* --------------------------------------------------------------------- writing a reply */

/* The reply being built in outbuf; the header is filled in by send_reply. Overflow is noted, not
 * written: only a long Rreadlink can exceed a small msize, and it turns into Rlerror EMSGSIZE. */
struct wr { uint8_t *p; uint32_t cap, off; int overflow; };

static uint8_t *room(struct wr *w, uint32_t k)
{
    if (w->cap - w->off < k) { w->overflow = 1; return NULL; }
    uint8_t *q = w->p + w->off;
    w->off += k;
    return q;
}
static void p8(struct wr *w, uint8_t v) { uint8_t *q = room(w, 1); if (q) q[0] = v; }
static void p16(struct wr *w, uint16_t v) { uint8_t *q = room(w, 2); if (q) { q[0] = v; q[1] = v >> 8; } }
static void p32(struct wr *w, uint32_t v)
{
    uint8_t *q = room(w, 4);
    if (q) { q[0] = v; q[1] = v >> 8; q[2] = v >> 16; q[3] = v >> 24; }
}
static void p64(struct wr *w, uint64_t v) { p32(w, (uint32_t)v); p32(w, (uint32_t)(v >> 32)); }
static void pbytes(struct wr *w, const void *b, uint32_t n) { uint8_t *q = room(w, n); if (q && n) memcpy(q, b, n); }
static void pstr(struct wr *w, const char *s, uint16_t n) { p16(w, n); pbytes(w, s, n); }
static void put32at(uint8_t *q, uint32_t v) { q[0] = v; q[1] = v >> 8; q[2] = v >> 16; q[3] = v >> 24; }

static uint8_t qid_type(const struct node *n) { return n->kind == K_DIR ? QTDIR : n->kind == K_LNK ? QTSYMLINK : 0; }
static void pqid(struct wr *w, const struct node *n) { p8(w, qid_type(n)); p32(w, n->version); p64(w, n->path); }

/* ---------------------------------------------------------------- memory and the tree */

static struct timespec now(void) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return t; }

/* Charges k bytes to the tree; 0 or ENOSPC. Every allocation the tree keeps goes through here. */
static int charge(uint64_t k) { if (k > limit - used) return ENOSPC; used += k; return 0; }
static void uncharge(uint64_t k) { used -= k; }

static struct node *node_new(enum kind kind, uint32_t mode, uint32_t uid, uint32_t gid, int *err)
{
    struct node *n;
    if ((*err = charge(sizeof *n)) != 0) return NULL;
    if (!(n = calloc(1, sizeof *n))) { uncharge(sizeof *n); *err = ENOSPC; return NULL; }
    n->kind = kind;
    n->mode = mode;
    n->uid = uid;
    n->gid = gid;
    n->path = next_path++;
    n->nlink = kind == K_DIR ? 2 : 0;   /* a file's count grows with each link; a dir's is 2 + subdirs */
    n->atime = n->mtime = n->ctime = n->btime = now();
    n->next_cookie = 3;
    return n;
}

/* What a node is charged: itself, a file's data buffer, a link's target. (Dents are charged apart.) */
static uint64_t node_cost(const struct node *n)
{
    return sizeof *n + (n->kind == K_REG ? n->cap : n->kind == K_LNK ? n->size + 1 : 0);
}

static void node_put(struct node *n)
{
    if (n->refs || n->nlink || n == root) return;
    uncharge(node_cost(n));
    free(n->data);
    free(n);
}

static struct dent *lookup(struct node *dir, struct str name)
{
    for (struct dent *d = dir->first; d; d = d->next)
        if (d->len == name.len && memcmp(d->name, name.s, name.len) == 0) return d;
    return NULL;
}

/* The directory holding dir's entry: root is its own parent; a removed directory has none. */
static struct node *parent_of(struct node *dir) { return dir->links ? dir->links->dir : dir == root ? root : NULL; }

/* A name a new entry may have; "." and ".." exist in every directory (EEXIST, as mkdir(2)). */
static int check_new_name(struct str name)
{
    if (name.len == 0 || memchr(name.s, '/', name.len)) return EINVAL;
    if (name.len > NAME_MAX_) return ENAMETOOLONG;
    if (streq(name, ".") || streq(name, "..")) return EEXIST;
    return 0;
}

static void touch_dir(struct node *dir)
{
    dir->mtime = dir->ctime = now();
    dir->version++;
}

/* A dent named name, charged to the tree but in no list yet; NULL when memory is out. */
static struct dent *dent_new(struct str name)
{
    struct dent *d;
    if (charge(sizeof *d + name.len) != 0) return NULL;
    if (!(d = malloc(sizeof *d + name.len))) { uncharge(sizeof *d + name.len); return NULL; }
    d->len = name.len;
    memcpy(d->name, name.s, name.len);
    return d;
}

static void dent_free(struct dent *d) { uncharge(sizeof *d + d->len); free(d); }

/* Puts d at the end of dir's list (with the next cookie) and on n's links; counts untouched. */
static void dent_attach(struct dent *d, struct node *dir, struct node *n)
{
    d->dir = dir;
    d->node = n;
    d->cookie = dir->next_cookie++;
    d->next = NULL;
    d->prev = dir->last;
    if (dir->last) dir->last->next = d; else dir->first = d;
    dir->last = d;
    d->link_next = n->links;
    n->links = d;
    n->ctime = now();
    touch_dir(dir);
}

/* Takes d off its directory's list and its node's links; counts untouched. */
static void dent_detach(struct dent *d)
{
    struct node *dir = d->dir, *n = d->node;
    if (d->prev) d->prev->next = d->next; else dir->first = d->next;
    if (d->next) d->next->prev = d->prev; else dir->last = d->prev;
    for (struct dent **pp = &n->links; *pp; pp = &(*pp)->link_next)
        if (*pp == d) { *pp = d->link_next; break; }
    n->ctime = now();
    touch_dir(dir);
}

/* Links n as name in dir (the caller checked the name is new); 0 or ENOSPC. */
static int link_in(struct node *dir, struct str name, struct node *n)
{
    struct dent *d = dent_new(name);
    if (!d) return ENOSPC;
    dent_attach(d, dir, n);
    if (n->kind == K_DIR) dir->nlink++;  /* the child's ".." */
    else n->nlink++;
    return 0;
}

/* Removes a dent; its node goes when no link and no fid remains. */
static void unlink_dent(struct dent *d)
{
    struct node *dir = d->dir, *n = d->node;
    dent_detach(d);
    dent_free(d);
    if (n->kind == K_DIR) { dir->nlink--; n->nlink = 0; }
    else n->nlink--;
    node_put(n);
}

/* Makes a new node and links it as name in dir: the common part of lcreate, mkdir, symlink, mknod. */
static struct node *create_in(struct node *dir, struct str name, enum kind kind, uint32_t mode,
                              uint32_t uid, uint32_t gid, int *err)
{
    if (dir->kind != K_DIR) { *err = ENOTDIR; return NULL; }
    if (dir->nlink == 0) { *err = ENOENT; return NULL; }     /* a removed directory takes no entries */
    if ((*err = check_new_name(name)) != 0) return NULL;
    if (lookup(dir, name)) { *err = EEXIST; return NULL; }
    struct node *n = node_new(kind, mode, uid, gid, err);
    if (!n) return NULL;
    if ((*err = link_in(dir, name, n)) != 0) { node_put(n); return NULL; }
    return n;
}

/* Sets a regular file's length, zero-filling growth; 0, EFBIG or ENOSPC (nothing changed then). */
static int set_size(struct node *n, uint64_t size)
{
    if (size > limit) return EFBIG;
    if (size > n->cap) {
        /* Grow geometrically (appends stay linear) but never past what the limit allows. */
        uint64_t cap = n->cap * 2 > size ? n->cap * 2 : size;
        if (cap - size > (1u << 20)) cap = size + (1u << 20);
        cap = (cap + 4095) & ~4095ull;
        if (cap - n->cap > limit - used) cap = size;
        if (charge(cap - n->cap) != 0) return ENOSPC;
        char *p = realloc(n->data, cap);
        if (!p) { uncharge(cap - n->cap); return ENOSPC; }
        n->data = p;
        n->cap = cap;
    }
    if (size > n->size) memset(n->data + n->size, 0, size - n->size);
    if (size < n->cap / 2) {
        /* Give back what a large shrink frees, so truncating is a way out of ENOSPC. */
        uint64_t cap = (size + 4095) & ~4095ull;
        char *p = cap ? realloc(n->data, cap) : NULL;
        if (p || !cap) {
            if (!cap) free(n->data);
            uncharge(n->cap - cap);
            n->data = p;
            n->cap = cap;
        }
    }
    if (size != n->size) {
        n->size = size;
        n->version++;
    }
    return 0;
}

/* --------------------------------------------------------------------------------- fids */

static struct fid *fid_get(uint32_t num)
{
    for (struct fid *f = fids[num % FIDBUCKETS]; f; f = f->next)
        if (f->num == num) return f;
    return NULL;
}

static int fid_new(uint32_t num, struct node *n, uint32_t uid, struct fid **out)
{
    if (fid_get(num)) return EBADF;     /* a fid number in use cannot be made again */
    if (nfids >= MAXFIDS) return EMFILE;
    struct fid *f = calloc(1, sizeof *f);
    if (!f) return ENOMEM;
    f->num = num;
    f->uid = uid;
    f->node = n;
    n->refs++;
    f->next = fids[num % FIDBUCKETS];
    fids[num % FIDBUCKETS] = f;
    nfids++;
    if (out) *out = f;
    return 0;
}

static void fid_set_node(struct fid *f, struct node *n)
{
    struct node *old = f->node;
    n->refs++;
    f->node = n;
    old->refs--;
    node_put(old);
}

static void fid_clunk(struct fid *f)
{
    for (struct fid **pp = &fids[f->num % FIDBUCKETS]; *pp; pp = &(*pp)->next)
        if (*pp == f) { *pp = f->next; break; }
    f->node->refs--;
    node_put(f->node);
    free(f);
    nfids--;
}

static void clunk_all(void)
{
    for (int b = 0; b < FIDBUCKETS; b++)
        while (fids[b]) fid_clunk(fids[b]);
}

/* ------------------------------------------------------------------------ the messages */
/* Each handler parses its whole message, then acts; it returns 0 with the reply body in w (and
 * *rtype set by the caller's convention: T+1) or an errno for Rlerror. */

static int h_version(struct rd *r, struct wr *w)
{
    uint32_t m = g32(r, "msize");
    struct str v = gstr(r, "version");
    done(r);
    clunk_all();                        /* version(5): a new session starts with no fids */
    uint32_t agreed = m < own_msize ? m : own_msize;
    int ok = agreed >= MIN_MSIZE && streq(v, "9P2000.L");
    versioned = ok;
    msize = ok ? agreed : own_msize;
    p32(w, agreed);
    if (ok) pstr(w, "9P2000.L", 8); else pstr(w, "unknown", 7);
    return 0;
}

static int h_auth(struct rd *r, struct wr *w)
{
    g32(r, "afid"); gstr(r, "uname"); gstr(r, "aname"); g32(r, "n_uname");
    done(r);
    return ENOENT;                      /* diod's answer when authentication is off: "none needed" */
}

static int h_attach(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid"), afid = g32(r, "afid");
    gstr(r, "uname"); gstr(r, "aname");
    uint32_t nuname = g32(r, "n_uname");
    done(r);
    if (afid != NOFID) return EBADF;    /* there are no auth fids */
    int err = fid_new(fid, root, nuname == NONUNAME ? 0 : nuname, NULL);
    if (err) return err;
    pqid(w, root);
    return 0;
}

static int h_flush(struct rd *r, struct wr *w)
{
    g16(r, "oldtag");
    done(r);
    return 0;                           /* one message at a time: the old tag was answered already */
}

static int h_walk(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid"), newfid = g32(r, "newfid");
    uint16_t n = g16(r, "nwname");
    if (n > MAXWELEM) die("malformed Twalk (tag %u): nwname %u > %d", cur_tag, n, MAXWELEM);
    struct str names[MAXWELEM];
    for (int i = 0; i < n; i++) names[i] = gstr(r, "wname");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    int err = 0;
    if (f->open) return EBADF;          /* walk(5): an opened fid cannot be walked */
    if (newfid != fid && fid_get(newfid)) return EBADF;
    if (newfid != fid && nfids >= MAXFIDS) return EMFILE;
    struct node *cur = f->node;
    uint8_t *count = room(w, 2);
    int i;
    for (i = 0; i < n; i++) {
        struct node *next = NULL;
        if (cur->kind != K_DIR) err = ENOTDIR;
        else if (streq(names[i], "..")) next = parent_of(cur);
        else {
            struct dent *d = lookup(cur, names[i]);
            if (d) next = d->node;
        }
        if (!next) { if (!err) err = names[i].len > NAME_MAX_ ? ENAMETOOLONG : ENOENT; break; }
        cur = next;
        pqid(w, cur);
    }
    if (i < n && i == 0) return err;    /* the first name failed: an error; later: a short Rwalk */
    count[0] = i;
    count[1] = 0;
    if (i < n) return 0;
    if (newfid == fid) fid_set_node(f, cur);
    else if ((err = fid_new(newfid, cur, f->uid, NULL)) != 0) return err;
    return 0;
}

static int h_lopen(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid"), flags = g32(r, "flags");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    if (f->open) return EBADF;
    struct node *n = f->node;
    uint32_t acc = flags & L_ACCMODE;
    if (acc == L_ACCMODE) return EINVAL;
    if (n->kind == K_DIR && acc != L_RDONLY) return EISDIR;
    if (n->kind != K_DIR && (flags & L_DIRECTORY)) return ENOTDIR;
    if (n->kind == K_LNK) return ELOOP;             /* as open(O_NOFOLLOW): clients follow links themselves */
    if (n->kind == K_SPECIAL) return EOPNOTSUPP;    /* the client serves FIFOs and devices itself */
    if (n->kind == K_REG && (flags & L_TRUNC) && acc != L_RDONLY && n->size) {
        set_size(n, 0);                             /* shrinking cannot fail */
        n->mtime = n->ctime = now();
    }
    f->open = 1;
    f->flags = flags;
    pqid(w, n);
    p32(w, 0);                          /* iounit 0: the client uses msize − 23 */
    return 0;
}

static int h_lcreate(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    struct str name = gstr(r, "name");
    uint32_t flags = g32(r, "flags"), mode = g32(r, "mode"), gid = g32(r, "gid");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    int err = 0;
    if (f->open) return EBADF;
    if ((flags & L_ACCMODE) == L_ACCMODE) return EINVAL;
    struct node *n = create_in(f->node, name, K_REG, S_IFREG | (mode & 07777), f->uid, gid, &err);
    if (!n) return err;
    fid_set_node(f, n);                 /* the fid now stands for the new file, open */
    f->open = 1;
    f->flags = flags;
    pqid(w, n);
    p32(w, 0);
    return 0;
}

static int h_symlink(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    struct str name = gstr(r, "name"), target = gstr(r, "symtgt");
    uint32_t gid = g32(r, "gid");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    int err = 0;
    if (target.len == 0) return ENOENT;             /* symlink(2) refuses an empty target so */
    if (target.len > TARGET_MAX) return ENAMETOOLONG;
    if (charge(target.len + 1) != 0) return ENOSPC;
    char *t = malloc(target.len + 1);
    if (!t) { uncharge(target.len + 1); return ENOSPC; }
    memcpy(t, target.s, target.len);
    t[target.len] = 0;
    struct node *n = create_in(f->node, name, K_LNK, S_IFLNK | 0777, f->uid, gid, &err);
    if (!n) { free(t); uncharge(target.len + 1); return err; }
    n->data = t;
    n->size = target.len;
    pqid(w, n);
    return 0;
}

static int h_mknod(struct rd *r, struct wr *w)
{
    uint32_t dfid = g32(r, "dfid");
    struct str name = gstr(r, "name");
    uint32_t mode = g32(r, "mode"), major = g32(r, "major"), minor = g32(r, "minor"), gid = g32(r, "gid");
    done(r);
    struct fid *f = fid_get(dfid);
    if (!f) return EBADF;
    int err = 0;
    uint32_t fmt = mode & S_IFMT;
    enum kind k = K_SPECIAL;
    if (fmt == 0 || fmt == S_IFREG) { k = K_REG; fmt = S_IFREG; }   /* mknod(2) makes plain files too */
    else if (fmt == S_IFDIR) return EPERM;
    else if (fmt != S_IFIFO && fmt != S_IFCHR && fmt != S_IFBLK && fmt != S_IFSOCK) return EINVAL;
    struct node *n = create_in(f->node, name, k, fmt | (mode & 07777), f->uid, gid, &err);
    if (!n) return err;
    if (fmt == S_IFCHR || fmt == S_IFBLK) n->rdev = makedev(major, minor);
    pqid(w, n);
    return 0;
}

static int h_mkdir(struct rd *r, struct wr *w)
{
    uint32_t dfid = g32(r, "dfid");
    struct str name = gstr(r, "name");
    uint32_t mode = g32(r, "mode"), gid = g32(r, "gid");
    done(r);
    struct fid *f = fid_get(dfid);
    if (!f) return EBADF;
    int err = 0;
    struct node *n = create_in(f->node, name, K_DIR, S_IFDIR | (mode & 07777), f->uid, gid, &err);
    if (!n) return err;
    pqid(w, n);
    return 0;
}

static int h_readlink(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    if (f->node->kind != K_LNK) return EINVAL;
    pstr(w, f->node->data, (uint16_t)f->node->size);
    return 0;
}

static int h_read(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    uint64_t off = g64(r, "offset");
    uint32_t count = g32(r, "count");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    if (!f->open || (f->flags & L_ACCMODE) == L_WRONLY) return EBADF;
    struct node *n = f->node;
    if (n->kind == K_DIR) return EISDIR;
    if (n->kind != K_REG) return EINVAL;
    if (count > msize - RREAD_HDR) count = msize - RREAD_HDR;
    uint64_t avail = off < n->size ? n->size - off : 0;
    if (count > avail) count = (uint32_t)avail;
    p32(w, count);
    pbytes(w, n->data + (count ? off : 0), count);
    n->atime = now();
    return 0;
}

static int h_write(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    uint64_t off = g64(r, "offset");
    uint32_t count = g32(r, "count");
    const uint8_t *data = take(r, count, "data");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    int err = 0;
    if (!f->open || (f->flags & L_ACCMODE) == L_RDONLY) return EBADF;
    struct node *n = f->node;
    if (n->kind != K_REG) return EINVAL;
    if (f->flags & L_APPEND) off = n->size;         /* O_APPEND: every write lands at the end */
    if (count) {
        if (off > limit || count > limit - off) return EFBIG;
        if (off + count > n->size && (err = set_size(n, off + count)) != 0) return err;
        memcpy(n->data + off, data, count);
        n->version++;
        n->mtime = n->ctime = now();
    }
    p32(w, count);
    return 0;
}

static uint8_t dtype(const struct node *n)
{
    switch (n->mode & S_IFMT) {
    case S_IFDIR: return 4;
    case S_IFREG: return 8;
    case S_IFLNK: return 10;
    case S_IFIFO: return 1;
    case S_IFCHR: return 2;
    case S_IFBLK: return 6;
    case S_IFSOCK: return 12;
    default: return 0;
    }
}

/* One Rreaddir entry, if it fits in limit bytes of data: qid[13] offset[8] type[1] name[s]. */
static int put_dirent(struct wr *w, uint32_t end, const struct node *n, uint64_t cookie, const char *name, uint16_t len)
{
    if (end - w->off < 24u + len) return 0;
    pqid(w, n);
    p64(w, cookie);
    p8(w, dtype(n));
    pstr(w, name, len);
    return 1;
}

static int h_readdir(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    uint64_t off = g64(r, "offset");
    uint32_t count = g32(r, "count");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    if (!f->open) return EBADF;
    struct node *dir = f->node;
    if (dir->kind != K_DIR) return ENOTDIR;
    if (count > msize - RREAD_HDR) count = msize - RREAD_HDR;
    uint8_t *cnt = room(w, 4);
    uint32_t start = w->off, end = start + count;
    struct node *up = parent_of(dir);
    int more = 1;
    if (off < 1) more = put_dirent(w, end, dir, 1, ".", 1);
    if (more && off < 2) more = put_dirent(w, end, up ? up : dir, 2, "..", 2);
    for (struct dent *d = dir->first; more && d; d = d->next)
        if (d->cookie > off) more = put_dirent(w, end, d->node, d->cookie, d->name, d->len);
    put32at(cnt, w->off - start);
    dir->atime = now();
    return 0;
}

static int h_getattr(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    g64(r, "request_mask");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    struct node *n = f->node;
    p64(w, GETATTR_ALL);                /* everything is known, whatever was asked */
    pqid(w, n);
    p32(w, n->mode); p32(w, n->uid); p32(w, n->gid);
    p64(w, n->nlink); p64(w, n->rdev);
    uint64_t size = n->kind == K_REG || n->kind == K_LNK ? n->size : n->kind == K_DIR ? 4096 : 0;
    p64(w, size);
    p64(w, 4096);                       /* blksize */
    p64(w, n->kind == K_REG ? (n->cap + 511) / 512 : 0);
    p64(w, n->atime.tv_sec); p64(w, n->atime.tv_nsec);
    p64(w, n->mtime.tv_sec); p64(w, n->mtime.tv_nsec);
    p64(w, n->ctime.tv_sec); p64(w, n->ctime.tv_nsec);
    p64(w, n->btime.tv_sec); p64(w, n->btime.tv_nsec);
    p64(w, 0);                          /* gen */
    p64(w, n->version);                 /* data_version */
    return 0;
}

static int h_setattr(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid"), valid = g32(r, "valid"), mode = g32(r, "mode");
    uint32_t uid = g32(r, "uid"), gid = g32(r, "gid");
    uint64_t size = g64(r, "size");
    struct timespec at, mt;
    at.tv_sec = (int64_t)g64(r, "atime_sec"); at.tv_nsec = (long)g64(r, "atime_nsec");
    mt.tv_sec = (int64_t)g64(r, "mtime_sec"); mt.tv_nsec = (long)g64(r, "mtime_nsec");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    int err = 0;
    struct node *n = f->node;
    /* Check everything before changing anything: a failed Tsetattr leaves the file as it was. */
    if ((valid & SA_SIZE) && n->kind != K_REG) return n->kind == K_DIR ? EISDIR : EINVAL;
    if ((valid & SA_ATIME_SET) && (valid & SA_ATIME) && (uint64_t)at.tv_nsec >= 1000000000u) return EINVAL;
    if ((valid & SA_MTIME_SET) && (valid & SA_MTIME) && (uint64_t)mt.tv_nsec >= 1000000000u) return EINVAL;
    struct timespec t = now();
    if (valid & SA_SIZE) {
        uint64_t old = n->size;
        if ((err = set_size(n, size)) != 0) return err;
        if (size != old) n->mtime = t;  /* truncate(2): times change only if the size did */
    }
    if (valid & SA_MODE) n->mode = (n->mode & S_IFMT) | (mode & 07777);
    if (valid & SA_UID) n->uid = uid;
    if (valid & SA_GID) n->gid = gid;
    /* A time bit alone means "now" (utimensat's UTIME_NOW); with its _SET bit, the value sent. */
    if (valid & SA_ATIME) n->atime = (valid & SA_ATIME_SET) ? at : t;
    if (valid & SA_MTIME) n->mtime = (valid & SA_MTIME_SET) ? mt : t;
    n->ctime = t;                       /* any attribute change is a status change */
    return 0;
}

static int h_statfs(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    done(r);
    if (!fid_get(fid)) return EBADF;
    uint64_t per_file = sizeof(struct node) + sizeof(struct dent) + 16;
    p32(w, TMPFS_MAGIC);
    p32(w, 4096);                                   /* bsize */
    p64(w, limit / 4096); p64(w, (limit - used) / 4096); p64(w, (limit - used) / 4096);
    p64(w, limit / per_file); p64(w, (limit - used) / per_file);
    p64(w, 0x72616d6673397000ull);                  /* fsid: "ramfs9p" */
    p32(w, NAME_MAX_);
    return 0;
}

static int h_fsync(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    g32(r, "datasync");
    done(r);
    if (!fid_get(fid)) return EBADF;
    return 0;                           /* memory is as durable as this server gets */
}

static int h_unlinkat(struct rd *r, struct wr *w)
{
    uint32_t dfid = g32(r, "dirfid");
    struct str name = gstr(r, "name");
    uint32_t flags = g32(r, "flags");
    done(r);
    struct fid *f = fid_get(dfid);
    if (!f) return EBADF;
    struct node *dir = f->node;
    if (flags & ~AT_REMOVEDIR_) return EINVAL;
    if (dir->kind != K_DIR) return ENOTDIR;
    int rmdir = (flags & AT_REMOVEDIR_) != 0;
    if (streq(name, ".")) return EINVAL;                  /* rmdir(".") is EINVAL on Linux */
    if (streq(name, "..")) return rmdir ? ENOTEMPTY : EISDIR;
    struct dent *d = lookup(dir, name);
    if (!d) return name.len > NAME_MAX_ ? ENAMETOOLONG : ENOENT;
    if (rmdir && d->node->kind != K_DIR) return ENOTDIR;
    if (!rmdir && d->node->kind == K_DIR) return EISDIR;
    if (rmdir && d->node->first) return ENOTEMPTY;
    unlink_dent(d);
    return 0;
}

/* rename(2) of the entry src to name in newdir, with its rules about what may be replaced. */
static int do_rename(struct dent *src, struct node *newdir, struct str name)
{
    struct node *n = src->node;
    if (newdir->kind != K_DIR) return ENOTDIR;
    if (newdir->nlink == 0) return ENOENT;
    if (streq(name, ".") || streq(name, "..")) return EBUSY;
    int err = check_new_name(name);
    if (err) return err;
    struct dent *dst = lookup(newdir, name);
    if (dst && dst->node == n) return 0;            /* same file (or hard links to it): nothing to do */
    if (n->kind == K_DIR)                           /* a directory cannot move into itself */
        for (struct node *a = newdir; a; a = a == root ? NULL : parent_of(a))
            if (a == n) return EINVAL;
    if (dst) {
        if (n->kind == K_DIR && dst->node->kind != K_DIR) return ENOTDIR;
        if (n->kind != K_DIR && dst->node->kind == K_DIR) return EISDIR;
        if (dst->node->kind == K_DIR && dst->node->first) return ENOTEMPTY;
    }
    /* Make the new entry first so that running out of memory changes nothing; then move. */
    struct dent *nd = dent_new(name);
    if (!nd) return ENOSPC;
    struct node *olddir = src->dir;
    if (dst) unlink_dent(dst);          /* neither n nor either directory: checked above */
    dent_detach(src);
    dent_free(src);
    dent_attach(nd, newdir, n);
    if (n->kind == K_DIR && olddir != newdir) { olddir->nlink--; newdir->nlink++; }
    return 0;
}

static int h_renameat(struct rd *r, struct wr *w)
{
    uint32_t ofid = g32(r, "olddirfid");
    struct str oname = gstr(r, "oldname");
    uint32_t nfid = g32(r, "newdirfid");
    struct str nname = gstr(r, "newname");
    done(r);
    struct fid *of = fid_get(ofid), *nf = fid_get(nfid);
    if (!of || !nf) return EBADF;
    if (of->node->kind != K_DIR) return ENOTDIR;
    if (streq(oname, ".") || streq(oname, "..")) return EBUSY;
    struct dent *src = lookup(of->node, oname);
    if (!src) return oname.len > NAME_MAX_ ? ENAMETOOLONG : ENOENT;
    return do_rename(src, nf->node, nname);
}

static int h_rename(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid"), dfid = g32(r, "dfid");
    struct str name = gstr(r, "name");
    done(r);
    struct fid *f = fid_get(fid), *df = fid_get(dfid);
    if (!f || !df) return EBADF;
    if (f->node == root) return EBUSY;
    if (!f->node->links) return ENOENT;             /* already unlinked */
    return do_rename(f->node->links, df->node, name);
}

static int h_remove(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    int err = 0;
    struct node *n = f->node;
    if (n == root) err = EBUSY;
    else if (!n->links) err = ENOENT;
    else if (n->kind == K_DIR && n->first) err = ENOTEMPTY;
    else unlink_dent(n->links);         /* f still holds n, so n outlives this */
    fid_clunk(f);                       /* remove(5): the fid is clunked even when removal fails */
    return err;
}

static int h_clunk(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    done(r);
    struct fid *f = fid_get(fid);
    if (!f) return EBADF;
    fid_clunk(f);
    return 0;
}

static int h_link(struct rd *r, struct wr *w)
{
    uint32_t dfid = g32(r, "dfid"), fid = g32(r, "fid");
    struct str name = gstr(r, "name");
    done(r);
    struct fid *df = fid_get(dfid), *f = fid_get(fid);
    if (!df || !f) return EBADF;
    struct node *dir = df->node, *n = f->node;
    if (dir->kind != K_DIR) return ENOTDIR;
    if (n->kind == K_DIR) return EPERM;             /* link(2): no hard links to directories */
    if (n->nlink == 0) return ENOENT;               /* linkat(2) of an unlinked file */
    if (dir->nlink == 0) return ENOENT;
    int err = check_new_name(name);
    if (err) return err;
    if (lookup(dir, name)) return EEXIST;
    return link_in(dir, name, n);
}

static int h_xattrwalk(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    g32(r, "newfid");
    gstr(r, "name");
    done(r);
    if (!fid_get(fid)) return EBADF;
    return EOPNOTSUPP;                  /* no extended attributes; v9fs takes this as "no ACL" */
}

static int h_lock(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    g8(r, "type"); g32(r, "flags"); g64(r, "start"); g64(r, "length"); g32(r, "proc_id");
    gstr(r, "client_id");
    done(r);
    if (!fid_get(fid)) return EBADF;
    p8(w, 0);                           /* LOCK_SUCCESS */
    return 0;
}

static int h_getlock(struct rd *r, struct wr *w)
{
    uint32_t fid = g32(r, "fid");
    g8(r, "type");
    uint64_t start = g64(r, "start"), length = g64(r, "length");
    uint32_t pid = g32(r, "proc_id");
    struct str client = gstr(r, "client_id");
    done(r);
    if (!fid_get(fid)) return EBADF;
    p8(w, 2);                           /* LOCK_TYPE_UNLCK: nothing stands in the way */
    p64(w, start); p64(w, length); p32(w, pid);
    pstr(w, client.s, client.len);
    return 0;
}

typedef int (*handler)(struct rd *, struct wr *);

static handler handler_for(int type)
{
    switch (type) {
    case TVERSION: return h_version;   case TAUTH: return h_auth;         case TATTACH: return h_attach;
    case TFLUSH: return h_flush;       case TWALK: return h_walk;         case TLOPEN: return h_lopen;
    case TLCREATE: return h_lcreate;   case TSYMLINK: return h_symlink;   case TMKNOD: return h_mknod;
    case TMKDIR: return h_mkdir;       case TREADLINK: return h_readlink; case TREAD: return h_read;
    case TWRITE: return h_write;       case TREADDIR: return h_readdir;   case TGETATTR: return h_getattr;
    case TSETATTR: return h_setattr;   case TSTATFS: return h_statfs;     case TFSYNC: return h_fsync;
    case TUNLINKAT: return h_unlinkat; case TRENAMEAT: return h_renameat; case TRENAME: return h_rename;
    case TREMOVE: return h_remove;     case TCLUNK: return h_clunk;       case TLINK: return h_link;
    case TXATTRWALK: return h_xattrwalk; case TLOCK: return h_lock;       case TGETLOCK: return h_getlock;
    default: return NULL;
    }
}

/* ------------------------------------------------------------------------ the audit */

/* A directory's link count must be 2 + its subdirectories (and 0 only once removed). */
static void audit_dir(struct node *dir)
{
    uint64_t subdirs = 0;
    for (struct dent *d = dir->first; d; d = d->next) subdirs += d->node->kind == K_DIR;
    if (dir->nlink != 2 + subdirs)
        die("internal error: directory %llu has nlink %llu and %llu subdirectories", (unsigned long long)dir->path,
            (unsigned long long)dir->nlink, (unsigned long long)subdirs);
}

/* At the end of input, with every fid clunked, the tree alone must account for every byte
 * charged, and link counts must match the entries. Tests rely on this to find leaks. The walk
 * needs no stack (a client may nest directories deeper than any stack): it climbs back through
 * each directory's one dent. */
static void audit(void)
{
    clunk_all();
    uint64_t sum = node_cost(root);
    struct node *dir = root;
    struct dent *d = root->first;
    audit_dir(root);
    for (;;) {
        if (!d) {
            if (dir == root) break;
            d = dir->links->next;       /* on to the entry after this directory in its parent */
            dir = dir->links->dir;
            continue;
        }
        struct node *n = d->node;
        sum += sizeof *d + d->len;
        if (n->kind == K_DIR) {         /* a directory has exactly one dent: counted on entry */
            sum += node_cost(n);
            audit_dir(n);
            dir = n;
            d = n->first;
            continue;
        }
        if (d == n->links) {            /* a file once, at its first link */
            uint64_t links = 0;
            for (struct dent *l = n->links; l; l = l->link_next) links++;
            if (links != n->nlink)
                die("internal error: file %llu has nlink %llu and %llu names", (unsigned long long)n->path,
                    (unsigned long long)n->nlink, (unsigned long long)links);
            sum += node_cost(n);
        }
        d = d->next;
    }
    if (sum != used)
        die("internal error: %llu bytes charged but the tree holds %llu", (unsigned long long)used,
            (unsigned long long)sum);
}

/* ------------------------------------------------------------------------- the loop */

/* Reads exactly n bytes; returns how many came before the end of input (n unless it ended). */
static size_t read_full(uint8_t *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(rfd, b + got, n - got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) die("read from fd %d: %s", rfd, strerror(errno));
        if (k == 0) break;
        got += (size_t)k;
    }
    return got;
}

static void write_full(const uint8_t *b, size_t n)
{
    while (n) {
        ssize_t k = write(wfd, b, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) die("write to fd %d: %s", wfd, k < 0 ? strerror(errno) : "wrote nothing");
        b += k;
        n -= (size_t)k;
    }
}

static void send_reply(int rtype, uint16_t tag, struct wr *w, int err)
{
    if (!err && w->overflow) err = EMSGSIZE;        /* a reply that does not fit msize */
    if (err) {
        w->off = HEADER;
        rtype = RLERROR;
        w->overflow = 0;
        p32(w, (uint32_t)err);
    }
    put32at(w->p, w->off);
    w->p[4] = (uint8_t)rtype;
    w->p[5] = tag & 0xff;
    w->p[6] = tag >> 8;
    if (verbose) {
        if (err) fprintf(stderr, "ramfs9p: -> Rlerror tag %u ecode %d (%s)\n", tag, err, strerror(err));
        else fprintf(stderr, "ramfs9p: -> %s tag %u size %u\n", tname(rtype), tag, w->off);
    }
    write_full(w->p, w->off);
}

static void serve(void)
{
    for (;;) {
        size_t got = read_full(inbuf, 4);
        if (got == 0) return;                       /* the end of input between messages */
        if (got < 4) die("end of input inside a message's size field");
        uint32_t size = inbuf[0] | inbuf[1] << 8 | inbuf[2] << 16 | (uint32_t)inbuf[3] << 24;
        if (size < HEADER) die("malformed message: size %u is less than the 7-byte header", size);
        if (size > msize) die("malformed message: size %u exceeds msize %u", size, msize);
        if (read_full(inbuf + 4, size - 4) < size - 4) die("end of input inside a %u-byte message", size);
        int type = inbuf[4];
        uint16_t tag = inbuf[5] | inbuf[6] << 8;
        cur_name = tname(type);
        cur_tag = tag;
        if (verbose) fprintf(stderr, "ramfs9p: <- %s tag %u size %u\n", cur_name, tag, size);
        struct rd r = { inbuf, size, HEADER };
        struct wr w = { outbuf, msize, HEADER, 0 };
        handler h = handler_for(type);
        int err;
        if (!h) err = EOPNOTSUPP;                   /* not a 9P2000.L request we serve */
        else if (!versioned && type != TVERSION) err = EPROTO;  /* no session yet */
        else err = h(&r, &w);
        send_reply(type + 1, tag, &w, err);
    }
}

static long arg_num(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi) {
        fprintf(stderr, "ramfs9p: %s wants a number in [%ld, %ld], got '%s'\n", opt, lo, hi, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "r:w:s:M:v")) != -1) {
        switch (c) {
        case 'r': rfd = (int)arg_num("-r", optarg, 0, 1 << 20); break;
        case 'w': wfd = (int)arg_num("-w", optarg, 0, 1 << 20); break;
        case 's': own_msize = (uint32_t)arg_num("-s", optarg, MIN_MSIZE, MAX_MSIZE); break;
        case 'M': limit = (uint64_t)arg_num("-M", optarg, 4096, 1L << 40); break;
        case 'v': verbose = 1; break;
        default:
            fprintf(stderr, "usage: ramfs9p [-r RFD] [-w WFD] [-s MSIZE] [-M BYTES] [-v]\n");
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "usage: ramfs9p [-r RFD] [-w WFD] [-s MSIZE] [-M BYTES] [-v]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);           /* a vanished client is a write error, never a signal death */
    msize = own_msize;
    inbuf = malloc(own_msize);
    outbuf = malloc(own_msize);
    int err;
    root = node_new(K_DIR, S_IFDIR | 0755, 0, 0, &err);
    if (!inbuf || !outbuf || !root) die("cannot allocate the buffers and the root (msize %u)", own_msize);
    serve();
    audit();
    return 0;
}
