package fornax.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fornax.kernel.sys.SysError;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pipe ring in pages: contents, wrap-around, and pages held only while they hold data. */
class PageRingTest {
    private static final int PAGE = PageSource.PAGE;

    @Test
    void holdsOnlyThePagesWithDataAndGivesThemBack() {
        PageRing r = new PageRing(PageSource.heap(16), 16 * PAGE);
        assertEquals(0, r.pagesHeld());
        byte[] data = new byte[3 * PAGE + 10];
        new Random(1).nextBytes(data);
        assertEquals(data.length, r.write(data, 0, data.length));
        assertEquals(4, r.pagesHeld());
        byte[] back = new byte[data.length];
        assertEquals(PAGE, r.read(back, 0, PAGE));
        assertEquals(3, r.pagesHeld(), "a consumed page goes back at once");
        assertEquals(data.length - PAGE, r.read(back, PAGE, back.length));
        assertArrayEquals(data, back);
        assertEquals(0, r.pagesHeld());
    }

    @Test
    void wrapsAroundLikeAnyRingAndStopsAtCapacity() {
        PageRing r = new PageRing(PageSource.heap(4), 4 * PAGE);
        Random rnd = new Random(7);
        java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream(), out = new java.io.ByteArrayOutputStream();
        for (int round = 0; round < 200; round++) {
            byte[] chunk = new byte[rnd.nextInt(3 * PAGE)];
            rnd.nextBytes(chunk);
            int n = r.write(chunk, 0, chunk.length);
            in.write(chunk, 0, n);
            byte[] got = new byte[rnd.nextInt(3 * PAGE)];
            int m = r.read(got, 0, got.length);
            out.write(got, 0, m);
            assertEquals(in.size() - out.size(), r.size());
        }
        byte[] rest = new byte[r.size()];
        r.read(rest, 0, rest.length);
        out.write(rest, 0, rest.length);
        assertArrayEquals(in.toByteArray(), out.toByteArray());
        assertEquals(0, r.write(new byte[0], 0, 0));
        assertEquals(4 * PAGE, r.write(new byte[5 * PAGE], 0, 5 * PAGE), "never past capacity");
        r.clear();
        assertEquals(0, r.pagesHeld());
    }

    @Test
    void noMemoryIsEnomemForTheFirstByteAndAShortWriteAfterIt() {
        PageRing r = new PageRing(PageSource.heap(1), 4 * PAGE);
        assertEquals(PAGE, r.write(new byte[2 * PAGE], 0, 2 * PAGE));
        assertThrows(SysError.class, () -> r.write(new byte[1], 0, 1));
    }
}
