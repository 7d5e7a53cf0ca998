package fornax.kernel.fs.tmpfs;

import fornax.kernel.mm.FrameAllocator;
import java.util.Arrays;
import java.util.HashMap;

/**
 * The bytes of a tmpfs regular file: sparse, in 4 KiB pages allocated on first write, found
 * through a two-level table (like a page table), so a file of hundreds of MiB grows without ever
 * copying its data and a hole costs nothing:
 *
 * <pre>
 *   page index p = offset >>> 12
 *   table[p >>> 10]  → byte[1024][]  (one leaf per 4 MiB of file; null: all hole)
 *        [p & 1023]  → byte[4096]    (one page; null: hole, reads as zeros)
 * </pre>
 *
 * Growing the file past the table copies only the top-level array of leaf references. Pages past
 * the file size never hold non-zero bytes: truncation zeroes the tail of the last page and drops
 * the pages beyond, so extending the file again reads zeros.
 *
 * <p>A page that a MAP_SHARED mapping maps moves into a physical frame ({@link #frame}): its
 * byte[] is dropped and from then on reads, writes and truncation use the frame, which the file
 * owns (one reference) until the page is truncated away, so every mapping and read/write see one
 * copy of the bytes. A mapping may write past the end of the file inside the last page; such
 * bytes are zeroed by {@link #zeroTail} before the file grows over them.
 *
 * <p>Not thread-safe: the owning {@link TmpNode.File} guards it with its monitor.
 */
final class FileData {
    static final int PAGE_SHIFT = 12, PAGE = 1 << PAGE_SHIFT;
    private static final int LEAF_SHIFT = 10, LEAF = 1 << LEAF_SHIFT;

    /** Page accounting: reserve before allocating (ENOSPC when full), release when freeing. */
    interface Budget {
        void reserve();
        void release(long pages);
    }

    private byte[][][] table = new byte[1][][];
    private long pages;
    /** Pages kept in frames for shared mappings: page index → frame; null until the first. */
    private HashMap<Long, Long> framed;
    /** The allocator of the framed pages (set with the first). */
    private FrameAllocator frames;

    /** Pages allocated (for st_blocks and statfs). */
    long pages() { return pages; }

    /** Copies [pos, pos+len) into {@code buf}; the caller keeps the range inside the file. */
    void read(long pos, byte[] buf, int off, int len) {
        while (len > 0) {
            int inPage = (int) (pos & (PAGE - 1));
            int n = Math.min(len, PAGE - inPage);
            Long pa = framed == null ? null : framed.get(pos >>> PAGE_SHIFT);
            byte[] page = pa != null ? null : page(pos >>> PAGE_SHIFT);
            if (pa != null) frames.memory().read(pa + inPage, buf, off, n);
            else if (page == null) Arrays.fill(buf, off, off + n, (byte) 0);
            else System.arraycopy(page, inPage, buf, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Copies {@code buf} to [pos, pos+len), allocating pages; returns the bytes written, which is
     * short only when the budget ran out after some progress (the budget's error otherwise).
     */
    int write(long pos, byte[] buf, int off, int len, Budget budget) {
        int done = 0;
        while (done < len) {
            int inPage = (int) (pos & (PAGE - 1));
            int n = Math.min(len - done, PAGE - inPage);
            Long pa = framed == null ? null : framed.get(pos >>> PAGE_SHIFT);
            if (pa != null) {
                frames.memory().write(pa + inPage, buf, off + done, n);
                pos += n;
                done += n;
                continue;
            }
            byte[] page;
            try {
                page = allocate(pos >>> PAGE_SHIFT, budget);
            } catch (RuntimeException e) {
                if (done > 0) return done;
                throw e;
            }
            System.arraycopy(buf, off + done, page, inPage, n);
            pos += n;
            done += n;
        }
        return done;
    }

    /** Shrinks the data to {@code size} bytes: zeroes the rest of the last page, frees the pages after it. */
    void truncate(long size, Budget budget) {
        long firstFree = (size + PAGE - 1) >>> PAGE_SHIFT;
        int tail = (int) (size & (PAGE - 1));
        if (tail != 0) {
            byte[] last = page(size >>> PAGE_SHIFT);
            if (last != null) Arrays.fill(last, tail, PAGE, (byte) 0);
        }
        long freed = 0;
        if (framed != null) {
            zeroTail(size);
            var it = framed.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getKey() >= firstFree) {
                    frames.free(e.getValue());   // mappings that still map it keep their own reference
                    it.remove();
                    freed++;
                }
            }
        }
        for (long leafIdx = firstFree >>> LEAF_SHIFT; leafIdx < table.length; leafIdx++) {
            byte[][] leaf = table[(int) leafIdx];
            if (leaf == null) continue;
            int from = leafIdx == firstFree >>> LEAF_SHIFT ? (int) (firstFree & (LEAF - 1)) : 0;
            for (int i = from; i < LEAF; i++) {
                if (leaf[i] != null) {
                    leaf[i] = null;
                    freed++;
                }
            }
            if (from == 0) table[(int) leafIdx] = null;
        }
        pages -= freed;
        if (freed > 0) budget.release(freed);
    }

    /**
     * Zeroes [size, end of its page) if that page is in a frame (a shared mapping may have written
     * there); called before the file grows past {@code size}.
     */
    void zeroTail(long size) {
        int tail = (int) (size & (PAGE - 1));
        Long pa = framed == null || tail == 0 ? null : framed.get(size >>> PAGE_SHIFT);
        if (pa != null) frames.memory().zero(pa + tail, PAGE - tail);
    }

    /**
     * The frame holding page {@code index}, moving the page into one (allocated for
     * {@link FrameAllocator.Use#PAGE_CACHE}) if it is not yet; a hole takes a page from the budget.
     * The caller keeps the page inside the file.
     */
    long frame(long index, FrameAllocator allocator, Budget budget) {
        Long pa = framed == null ? null : framed.get(index);
        if (pa != null) return pa;
        byte[] page = page(index);
        if (page == null) budget.reserve();
        long frame;
        try {
            frame = allocator.alloc(FrameAllocator.Use.PAGE_CACHE);
        } catch (RuntimeException e) {
            if (page == null) budget.release(1);
            throw e;
        }
        if (page == null) {
            allocator.memory().zero(frame, PAGE);
            pages++;
        } else {
            allocator.memory().write(frame, page, 0, PAGE);
            table[(int) (index >>> LEAF_SHIFT)][(int) (index & (LEAF - 1))] = null;
        }
        if (framed == null) {
            framed = new HashMap<>();
            frames = allocator;
        }
        framed.put(index, frame);
        return frame;
    }

    /** Pages kept in frames (tests). */
    int framedPages() { return framed == null ? 0 : framed.size(); }

    private byte[] page(long index) {
        long leafIdx = index >>> LEAF_SHIFT;
        if (leafIdx >= table.length) return null;
        byte[][] leaf = table[(int) leafIdx];
        return leaf == null ? null : leaf[(int) (index & (LEAF - 1))];
    }

    private byte[] allocate(long index, Budget budget) {
        int leafIdx = Math.toIntExact(index >>> LEAF_SHIFT);
        if (leafIdx >= table.length) table = Arrays.copyOf(table, Math.max(leafIdx + 1, table.length * 2));
        byte[][] leaf = table[leafIdx];
        if (leaf == null) leaf = table[leafIdx] = new byte[LEAF][];
        int i = (int) (index & (LEAF - 1));
        byte[] page = leaf[i];
        if (page == null) {
            budget.reserve();
            page = leaf[i] = new byte[PAGE];
            pages++;
        }
        return page;
    }
}
