package fornax.kernel.mm;

/**
 * A byte ring of at most {@code capacity} bytes kept in pages from a {@link PageSource}, holding
 * only the pages that hold data: a page is taken when a write first reaches it and given back as
 * soon as reads have consumed it, so an idle pipe costs no memory and a full one 16 frames, as on
 * Linux (whose pipe_buffers are pages too).
 *
 * <pre>
 *   slot = (head + i) / PAGE mod slots      pages[slot]: a page, or 0 when not held
 * </pre>
 *
 * <p>Not thread-safe: the owner (a pipe) guards it with its own lock.
 */
public final class PageRing {
    private static final int PAGE = PageSource.PAGE;

    private final PageSource source;
    private final int capacity;
    private final long[] pages;
    private int head, count;

    /** {@code capacity} must be a multiple of the page size. */
    public PageRing(PageSource source, int capacity) {
        if (capacity <= 0 || capacity % PAGE != 0) throw new IllegalArgumentException("capacity " + capacity);
        this.source = source;
        this.capacity = capacity;
        this.pages = new long[capacity / PAGE];
    }

    public int size() { return count; }
    public int room() { return capacity - count; }

    /** Pages held now. */
    public int pagesHeld() {
        int n = 0;
        for (long p : pages) if (p != 0) n++;
        return n;
    }

    /**
     * Appends up to {@code len} bytes (at most {@link #room()}); returns how many. Stops early, at
     * a page boundary, when no page can be had; ENOMEM if not even the first byte fits.
     */
    public int write(byte[] src, int off, int len) {
        int n = Math.min(len, room()), done = 0;
        while (done < n) {
            int pos = (head + count) % capacity;
            int slot = pos / PAGE, inPage = pos % PAGE;
            if (pages[slot] == 0) {
                try {
                    pages[slot] = source.allocPage();
                } catch (RuntimeException e) {
                    if (done > 0) return done;
                    throw e;
                }
            }
            int chunk = Math.min(n - done, PAGE - inPage);
            source.write(pages[slot], inPage, src, off + done, chunk);
            done += chunk;
            count += chunk;
        }
        return done;
    }

    /** Takes up to {@code len} bytes from the front; returns how many. Drained pages go back. */
    public int read(byte[] dst, int off, int len) {
        int n = Math.min(len, count), done = 0;
        while (done < n) {
            int slot = head / PAGE, inPage = head % PAGE;
            int chunk = Math.min(n - done, PAGE - inPage);
            source.read(pages[slot], inPage, dst, off + done, chunk);
            done += chunk;
            count -= chunk;
            head = (head + chunk) % capacity;
            // The page just left may still hold the tail, if the data wrapped all the way round into it.
            if ((head % PAGE == 0 && count <= capacity - PAGE) || count == 0) release(slot);
        }
        if (count == 0) head = 0;
        return done;
    }

    private void release(int slot) {
        if (pages[slot] != 0) {
            source.freePage(pages[slot]);
            pages[slot] = 0;
        }
    }

    /** Drops all data and gives every page back. */
    public void clear() {
        for (int i = 0; i < pages.length; i++) release(i);
        head = count = 0;
    }
}
