/**
 * Memory management: the frame allocator, Sv48 page tables in emulated RAM, address spaces (VMAs,
 * demand paging, copy-on-write, mmap/mremap/brk mechanism, limits), the objects that back file and
 * shared mappings, and the out-of-memory policy.
 *
 * <h2>Frames</h2>
 * {@link fornax.kernel.mm.FrameAllocator}: a bitmap of 4 KiB frames with per-frame reference
 * counts and a use tag (user, page table, page cache, kernel); {@code stats()} is what
 * /proc/meminfo shows. Only single frames are handed out: nothing needs contiguous runs (see the
 * class comment for why there is no buddy allocator or zones yet). Invariant: every allocated
 * frame's reference count equals the number of its owners: leaf PTEs, page tables (as tables),
 * backing objects (a file's page, a shared anonymous page) and kernel holders.
 *
 * <h2>File and shared mappings: one copy of every page</h2>
 * A VMA may name a {@link fornax.kernel.mm.MemoryObject}: a file (through its open description,
 * which the mapping keeps open) or shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, MAP_SHARED
 * of /dev/zero; MAP_PRIVATE of /dev/zero is plain anonymous memory).
 * <ul>
 *   <li>MAP_SHARED of a file: the fault maps the frame the file itself keeps the page in
 *       ({@link fornax.kernel.vfs.FileServer#sharedPage}); tmpfs moves a page into a frame the first
 *       time it is mapped and from then on serves read(2), write(2) and truncate from that frame.
 *       So a store through any mapping, in any process, is what read(2) returns at once, and a
 *       write(2) is what every mapping sees: there is nothing to write back, msync only checks its
 *       arguments and munmap just drops the mapping's references. Servers that cannot keep pages
 *       in frames refuse MAP_SHARED with ENODEV.
 *   <li>MAP_PRIVATE of a file: if the server keeps frames, the file's frame is mapped
 *       copy-on-write (so, as on Linux, a page not yet written follows later changes to the
 *       file); otherwise a fault copies the page in through the pread path.
 *   <li>A page wholly past the end of the file raises SIGBUS (BUS_ADRERR) on touch, as Linux does;
 *       kernel accesses to it are EFAULT. Bytes of the last page past the end read as zero, and
 *       tmpfs zeroes any a mapping stored there before the file grows over them.
 *   <li>Not done: truncating a file does not unmap its pages from existing mappings (the frames
 *       stay mapped, detached from the file, instead of SIGBUS); mtime is not updated by stores
 *       through a mapping.
 * </ul>
 * Errors as Linux: EBADF (bad fd, O_PATH), EACCES (not open for reading; PROT_WRITE with
 * MAP_SHARED on an O_RDONLY descriptor, also on a later mprotect), ENODEV (pipes, terminals,
 * directories, devices other than /dev/zero).
 *
 * <h2>Limits and overcommit</h2>
 * RLIMIT_AS bounds the total size of the VMAs (mmap, brk, mremap, stack growth), RLIMIT_DATA the
 * private writable non-stack VMAs (mmap, brk, mremap, mprotect), RLIMIT_STACK the stack, all as
 * Linux's may_expand_vm; each fails with ENOMEM (brk returns the old break). Private writable and
 * shared anonymous mappings follow Linux's heuristic overcommit: one request larger than RAM fails
 * with ENOMEM unless MAP_NORESERVE. Memory is otherwise never reserved: frames are taken at fault.
 *
 * <h2>Stack</h2>
 * The main stack VMA starts as the arguments plus 128 KiB and grows down on faults below it up to
 * RLIMIT_STACK, keeping a guard gap of 256 pages above the mapping below; mmap placement also keeps
 * out of that gap. MAP_GROWSDOWN mappings grow the same way.
 *
 * <h2>Out of memory</h2>
 * A page fault that finds no free frame runs {@link fornax.kernel.mm.OomKiller}: the live process
 * with the most resident pages is killed (SIGKILL), never pid 1, and the choice is logged with pid
 * and size; the faulting task waits without its hart for memory and retries (it may itself be the
 * victim). Syscalls that need frames (copying to user memory, page tables) fail with ENOMEM.
 *
 * <h2>Container memory limits</h2>
 * {@link fornax.kernel.mm.MemoryLimit}: frames allocated for an address space with a limit (its
 * process's container) are charged to it until their last owner frees them; an allocation past
 * the limit, or an enclosing one, is ENOMEM, and a page fault that hits it runs the OOM policy
 * among the processes charged to that limit only. The counters are guarded by the FrameAllocator.
 *
 * <h2>Lock order</h2>
 * <pre>
 *   Process (limits pushed into the address space without holding it)
 *     AddressSpace
 *       MemoryObject (shared anonymous pages) / file server (TmpNode monitor) on file faults,
 *       and when the last mapping of a file closes it
 *         FrameAllocator (leaf)
 *   OomKiller (no address-space lock held) → ProcessTable, Process
 * </pre>
 */
package fornax.kernel.mm;
