package fornax.kernel.sys;

import fornax.kernel.Kernel;
import fornax.kernel.exec.ElfImage;
import fornax.kernel.exec.ProgramLoader;
import fornax.kernel.mm.AddressSpace;
import fornax.kernel.mm.Vma;
import fornax.kernel.proc.Process;
import fornax.kernel.proc.Task;
import fornax.kernel.vfs.ChanFile;
import fornax.kernel.vfs.FileDescription;
import fornax.kernel.vfs.OpenFlags;
import fornax.kernel.vfs.Vfs;
import fornax.machine.cpu.Hart;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * execve(2): replaces the calling process's image with a program from the file tree.
 *
 * <p>Everything that can fail is done before the point of no return: the file is read, its
 * {@code #!} line followed (up to {@value #MAX_INTERPRETERS} levels), the ELF validated, and the
 * new address space built completely. Only then is the old image dropped, close-on-exec
 * descriptors closed, caught signals reset and the registers replaced; a failure before that
 * returns an errno to the unchanged caller, as on Linux.
 */
public final class SysExec {
    private SysExec() { }

    static final int MAX_INTERPRETERS = 4, MAX_ARGS = 65536;
    static final long MAX_ARG_BYTES = 2L << 20, MAX_FILE = 256L << 20;

    static void register(SyscallTable t) {
        t.partial(221, "execve", "static executables and #! scripts; dynamically linked programs fail with "
                + "ENOENT (no loader in the image yet)", SysExec::execve);
    }

    /** A new image, built and ready to replace the current one. */
    public record Prepared(AddressSpace as, long entry, long sp, String path) { }

    private static long execve(SyscallContext c, long[] a) {
        String path = SysFile.path(c, a[0]);
        Process p = c.process();
        List<String> argv, envp;
        try {
            argv = strings(c, a[1]);
            envp = strings(c, a[2]);
        } catch (SysError e) {
            checkExecutable(p, path);   // Linux opens the file first: its ENOENT or EACCES wins over EFAULT
            throw e;
        }
        Prepared image = prepare(c.kernel(), p, path, argv, envp);

        // Point of no return. Other threads end first (de_thread); the caller carries on as the
        // process's only thread, keeping its own tid (Linux would give it the leader's).
        Task t = c.task();
        if (p.threadCount() > 1) {
            c.kernel().killOtherThreads(t);
            if (p.hasExited()) {          // a fatal signal won the race: the new image is not needed
                c.kernel().releaseAddressSpace(image.as());
                c.setResultHandled();
                return 0;
            }
        }
        p.mainTask = t;
        AddressSpace old = p.replaceImage(image.as(), image.path());
        c.kernel().processes().markExeced(p);
        c.kernel().releaseAddressSpace(old);
        for (FileDescription d : p.fds().closeOnExecAll()) p.dropDescriptor(d);
        p.resetHandlersForExec();
        c.kernel().timers().exec(p);   // timer_create timers end; ITIMER_REAL goes on
        t.name = comm(path);
        start(t, image);
        t.altStackFlags = 2;
        t.altStackBase = t.altStackSize = 0;
        t.clearChildTid = 0;
        t.robustListHead = t.robustListLen = 0;
        c.setResultHandled();
        return 0;
    }

    /**
     * The name (comm) a program run as {@code path} gets: the last component of the path execve
     * was given (not of a #! interpreter), cut to 15 bytes, as Linux's begin_new_exec sets it.
     */
    public static String comm(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        byte[] b = base.getBytes(StandardCharsets.UTF_8);
        return b.length <= 15 ? base : new String(b, 0, 15, StandardCharsets.UTF_8);
    }

    /** Sets a task's registers to start {@code image}: all zero but pc and sp. */
    public static void start(Task t, Prepared image) {
        long[] ctx = t.context();
        java.util.Arrays.fill(ctx, 0);
        ctx[Hart.CTX_PC] = image.entry();
        ctx[2] = image.sp();
        t.contextDirty = true;
    }

    /**
     * Reads {@code path} from {@code p}'s file tree (following #! lines), validates it and builds
     * its address space; nothing about {@code p} changes. Failures are SysErrors.
     */
    public static Prepared prepare(Kernel kernel, Process p, String path, List<String> argv, List<String> envp) {
        byte[] image;
        String file = path;
        String[] canonical = new String[1];   // the file's path with symlinks resolved (/proc/PID/exe)
        for (int depth = 0; ; depth++) {
            image = readExecutable(p, file, canonical);
            if (image.length < 2 || image[0] != '#' || image[1] != '!') break;
            if (depth == MAX_INTERPRETERS) throw new SysError(Errno.ELOOP, "too many #! levels");
            String[] interp = shebang(image);
            List<String> args = new ArrayList<>();
            args.add(interp[0]);
            if (interp[1] != null) args.add(interp[1]);
            args.add(file);
            if (argv.size() > 1) args.addAll(argv.subList(1, argv.size()));
            argv = args;
            file = interp[0];
        }
        ElfImage elf;
        try {
            elf = ElfImage.parse(image, AddressSpace.USER_TOP, kernel.machine().ram().size());
        } catch (ElfImage.Malformed e) {
            throw new SysError(Errno.ENOEXEC, e.getMessage());
        }
        if (elf.interpreter() != null) throw new SysError(Errno.ENOENT, "no dynamic loader: " + elf.interpreter());
        AddressSpace as = kernel.newAddressSpace();
        if (as == null) throw new SysError(Errno.EAGAIN);
        as.setMemoryLimit(p.memoryLimit());   // the new image is charged to the process's container
        try {
            byte[] rnd = new byte[16];
            kernel.random().nextBytes(rnd);
            List<String> finalArgv = argv.isEmpty() ? List.of(file) : argv;
            ProgramLoader.Loaded loaded = ProgramLoader.load(elf, as, finalArgv, envp, path,
                    new ProgramLoader.Credentials(0, 0, 0, 0), p.rlimit(Process.RLIMIT_STACK)[0], rnd);
            kernel.mapTrampoline(as);
            return new Prepared(as, loaded.entry(), loaded.sp(), canonical[0] != null ? canonical[0] : absolute(p, file));
        } catch (RuntimeException e) {
            kernel.releaseAddressSpace(as);
            if (e instanceof SysError se) throw se;
            throw new SysError(Errno.ENOMEM, e.getMessage());
        }
    }

    /** What {@link #readExecutable} checks before reading: the file exists, is regular and executable. */
    private static void checkExecutable(Process p, String path) {
        ChanFile f = Vfs.open(p.fs(), null, path, OpenFlags.O_RDONLY, 0);
        try {
            var dir = f.dir();
            if ((dir.mode() & 0170000) != 0100000) throw new SysError(Errno.EACCES, "not a regular file");
            if ((dir.mode() & 0111) == 0) throw new SysError(Errno.EACCES, "no execute permission");
        } finally {
            f.close();
        }
    }

    /**
     * The whole file at {@code path}, which must be a regular file with an execute bit; its path
     * from the root with symlinks resolved goes to {@code canonical[0]} (null if unknown).
     */
    private static byte[] readExecutable(Process p, String path, String[] canonical) {
        ChanFile f = Vfs.open(p.fs(), null, path, OpenFlags.O_RDONLY, 0);
        canonical[0] = f.path();
        try {
            var dir = f.dir();
            if ((dir.mode() & 0170000) != 0100000) throw new SysError(Errno.EACCES, "not a regular file");
            if ((dir.mode() & 0111) == 0) throw new SysError(Errno.EACCES, "no execute permission");
            if (dir.size() > MAX_FILE) throw new SysError(Errno.ENOMEM, "executable too large");
            byte[] data = new byte[(int) dir.size()];
            int done = 0;
            while (done < data.length) {
                int n = f.pread(done, data, done, data.length - done);
                if (n <= 0) break;
                done += n;
            }
            return done == data.length ? data : java.util.Arrays.copyOf(data, done);
        } finally {
            f.close();
        }
    }

    /** {@code path} made absolute against the working directory (for /proc/self/exe). */
    private static String absolute(Process p, String path) {
        if (path.startsWith("/")) return path;
        try (var cwd = p.fs().cwd()) {
            String dir = Vfs.pathOf(p.fs(), cwd);
            return dir.endsWith("/") ? dir + path : dir + "/" + path;
        } catch (SysError e) {
            return path;
        }
    }

    /** The interpreter and its optional single argument from a {@code #!} line. */
    private static String[] shebang(byte[] image) {
        int end = 2;
        while (end < image.length && end < 256 && image[end] != '\n') end++;
        String line = new String(image, 2, end - 2, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) throw new SysError(Errno.ENOEXEC, "empty #! line");
        int space = line.indexOf(' ') < 0 ? line.indexOf('\t') : line.indexOf(' ');
        if (space < 0) return new String[] {line, null};
        String arg = line.substring(space + 1).strip();
        return new String[] {line.substring(0, space), arg.isEmpty() ? null : arg};
    }

    /** A NULL-terminated array of string pointers (argv or envp); NULL itself is an empty list. */
    private static List<String> strings(SyscallContext c, long va) {
        List<String> out = new ArrayList<>();
        if (va == 0) return out;
        long total = 0;
        byte[] ptr = new byte[8];
        for (int i = 0; ; i++) {
            if (i >= MAX_ARGS) throw new SysError(Errno.E2BIG);
            c.memory().copyIn(va + 8L * i, ptr, 0, 8);
            long s = ByteBuffer.wrap(ptr).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (s == 0) return out;
            String str = c.memory().readString(s, 131072);
            total += str.length() + 1 + 8;
            if (total > MAX_ARG_BYTES) throw new SysError(Errno.E2BIG);
            out.add(str);
        }
    }
}
