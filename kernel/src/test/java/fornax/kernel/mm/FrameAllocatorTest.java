package fornax.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameAllocatorTest {
    private static final long BASE = 0x8000_0000L;
    private static final int PAGE = FrameAllocator.PAGE;

    /** 100 frames: deliberately not a multiple of 64, so the bitmap has a partial last word. */
    private static final int FRAMES = 100;

    private final PhysicalMemory ram = new PhysicalMemory(BASE, (long) FRAMES * PAGE);
    private final FrameAllocator frames = new FrameAllocator(ram);

    @Test
    void freshAllocatorHasAllFramesFree() {
        assertEquals(FRAMES, frames.totalFrames());
        assertEquals(FRAMES, frames.freeFrames());
    }

    @Test
    void allocReturnsDistinctPageAlignedFramesInsideRam() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < FRAMES; i++) {
            long pa = frames.alloc();
            assertEquals(0, pa & (PAGE - 1), () -> String.format("frame %#x not page aligned", pa));
            assertTrue(ram.contains(pa, PAGE), () -> String.format("frame %#x outside RAM", pa));
            assertTrue(seen.add(pa), () -> String.format("frame %#x handed out twice", pa));
            assertEquals(FRAMES - i - 1, frames.freeFrames());
        }
        assertEquals(FRAMES, seen.size());
    }

    @Test
    void exhaustionThrowsEnomemAndLeavesCountAlone() {
        for (int i = 0; i < FRAMES; i++) frames.alloc();
        assertEquals(0, frames.freeFrames());
        SysError e = assertThrows(SysError.class, frames::alloc);
        assertEquals(Errno.ENOMEM, e.errno());
        SysError z = assertThrows(SysError.class, frames::allocZeroed);
        assertEquals(Errno.ENOMEM, z.errno());
        assertEquals(0, frames.freeFrames());
    }

    @Test
    void freedFrameCanBeAllocatedAgain() {
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) all.add(frames.alloc());
        long victim = all.get(37);
        frames.free(victim);
        assertEquals(1, frames.freeFrames());
        assertEquals(victim, frames.alloc());
        assertEquals(0, frames.freeFrames());
    }

    @Test
    void freeBookkeeping() {
        long a = frames.alloc(), b = frames.alloc(), c = frames.alloc();
        assertEquals(FRAMES - 3, frames.freeFrames());
        frames.free(b);
        assertEquals(FRAMES - 2, frames.freeFrames());
        frames.free(a);
        frames.free(c);
        assertEquals(FRAMES, frames.freeFrames());
    }

    @Test
    void doubleFreeThrowsAndDoesNotCorruptCount() {
        long a = frames.alloc();
        frames.free(a);
        assertThrows(IllegalStateException.class, () -> frames.free(a));
        assertEquals(FRAMES, frames.freeFrames());
    }

    @Test
    void freeOfNeverAllocatedFrameThrows() {
        assertThrows(IllegalStateException.class, () -> frames.free(BASE + 5L * PAGE));
        assertEquals(FRAMES, frames.freeFrames());
    }

    @Test
    void freeOfBadAddressThrows() {
        long a = frames.alloc();
        assertThrows(IllegalArgumentException.class, () -> frames.free(a + 8));            // not aligned
        assertThrows(IllegalArgumentException.class, () -> frames.free(BASE - PAGE));      // below RAM
        assertThrows(IllegalArgumentException.class, () -> frames.free(BASE + (long) FRAMES * PAGE)); // at end
        assertThrows(IllegalArgumentException.class, () -> frames.free(0));
        assertThrows(IllegalArgumentException.class, () -> frames.free(-PAGE));
        assertEquals(FRAMES - 1, frames.freeFrames());
    }

    @Test
    void allocZeroedReturnsZerosAfterFramesWereDirtiedFreedAndReallocated() {
        byte[] junk = new byte[PAGE];
        Arrays.fill(junk, (byte) 0xA5);
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            long pa = frames.alloc();
            ram.write(pa, junk, 0, PAGE);
            all.add(pa);
        }
        for (long pa : all) frames.free(pa);
        assertEquals(FRAMES, frames.freeFrames());

        byte[] zeros = new byte[PAGE], got = new byte[PAGE];
        for (int i = 0; i < FRAMES; i++) {
            long pa = frames.allocZeroed();
            ram.read(pa, got, 0, PAGE);
            assertArrayEquals(zeros, got, String.format("frame %#x not zeroed", pa));
        }
    }
}
