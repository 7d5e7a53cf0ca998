package fornax.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.kernel.sys.Errno;
import fornax.kernel.sys.SysError;
import fornax.machine.mem.PhysicalMemory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Container memory limits: frames are charged when allocated and uncharged when their last owner
 * frees them; a full limit (or a full enclosing one) refuses with ENOMEM while the machine still
 * has frames; an address space charges its faults, copy-on-write copies and shared anonymous
 * pages; a fork's shared pages are not charged twice.
 */
class MemoryLimitTest {
    private static final long BASE = 0x8000_0000L;
    private static final int PAGE = FrameAllocator.PAGE;
    private final PhysicalMemory ram = new PhysicalMemory(BASE, 16L << 20);
    private final FrameAllocator frames = new FrameAllocator(ram);

    private static SysError enomem(Runnable r) {
        SysError e = assertThrows(SysError.class, r::run);
        assertEquals(Errno.ENOMEM, e.errno());
        return e;
    }

    @Test
    void chargesUntilTheLimitThenRefusesWhileRamIsLeft() {
        MemoryLimit l = new MemoryLimit(8L * PAGE, null);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 8; i++) got.add(frames.alloc(FrameAllocator.Use.USER, l));
        assertEquals(8L * PAGE, l.usedBytes());
        assertTrue(l.full());
        int free = frames.freeFrames();
        assertTrue(enomem(() -> frames.alloc(FrameAllocator.Use.USER, l)).getMessage().contains("container memory limit"));
        assertEquals(free, frames.freeFrames(), "a refused charge takes no frame");
        assertEquals(1, l.failures());
        frames.alloc(FrameAllocator.Use.USER, null);       // uncharged memory is not limited by it
        frames.free(got.removeLast());
        assertFalse(l.full());
        got.add(frames.alloc(FrameAllocator.Use.USER, l));
        for (long pa : got) frames.free(pa);
        assertEquals(0, l.usedBytes());
        assertEquals(8L * PAGE, l.peakBytes());
    }

    @Test
    void aSharedFrameStaysChargedUntilItsLastOwnerFreesIt() {
        MemoryLimit l = new MemoryLimit(4L * PAGE, null);
        long pa = frames.alloc(FrameAllocator.Use.USER, l);
        frames.retain(pa);                   // another owner (a fork outside the container, say)
        frames.free(pa);
        assertEquals(PAGE, l.usedBytes(), "still owned: still charged");
        frames.free(pa);
        assertEquals(0, l.usedBytes());
    }

    @Test
    void anEnclosingLimitBoundsTheLimitsInsideIt() {
        MemoryLimit outer = new MemoryLimit(6L * PAGE, null);
        MemoryLimit a = new MemoryLimit(4L * PAGE, outer), b = new MemoryLimit(4L * PAGE, outer);
        for (int i = 0; i < 4; i++) frames.alloc(FrameAllocator.Use.USER, a);
        frames.alloc(FrameAllocator.Use.USER, b);
        frames.alloc(FrameAllocator.Use.USER, b);
        assertFalse(b.usedBytes() >= b.maxBytes());
        assertTrue(b.full(), "b has room, the enclosing limit has none");
        enomem(() -> frames.alloc(FrameAllocator.Use.USER, b));
        assertEquals(6L * PAGE, outer.usedBytes());
        assertEquals(1, outer.failures());
    }

    @Test
    void anAddressSpaceChargesFaultsAndForkDoesNotChargeTwice() {
        MemoryLimit l = new MemoryLimit(16L * PAGE, null);
        AddressSpace as = new AddressSpace(ram, frames, 3, (va, asid) -> { });
        as.setMemoryLimit(l);
        long base = 0x100000;
        as.map(base, base + 64L * PAGE, Vma.PROT_READ | Vma.PROT_WRITE, Vma.Kind.ANON);
        for (int i = 0; i < 10; i++) assertEquals(0, as.fault(base + (long) i * PAGE, AddressSpace.Access.WRITE));
        assertEquals(10L * PAGE, l.usedBytes());
        AddressSpace child = as.fork(4, (va, asid) -> { });
        assertEquals(10L * PAGE, l.usedBytes(), "fork shares the frames copy-on-write: nothing new charged");
        for (int i = 0; i < 6; i++) assertEquals(0, child.fault(base + (long) i * PAGE, AddressSpace.Access.WRITE));
        assertEquals(16L * PAGE, l.usedBytes(), "each copy-on-write break is a new charged frame");
        enomem(() -> child.fault(base + 6L * PAGE, AddressSpace.Access.WRITE));
        enomem(() -> as.fault(base + 20L * PAGE, AddressSpace.Access.WRITE));
        as.map(base + 100L * PAGE, base + 104L * PAGE, Vma.PROT_READ | Vma.PROT_WRITE, Vma.Kind.ANON, true);
        enomem(() -> as.fault(base + 100L * PAGE, AddressSpace.Access.WRITE));   // shared anonymous memory too
        child.destroy();
        assertEquals(10L * PAGE, l.usedBytes(), "the child's copies went with it");
        as.destroy();
        assertEquals(0, l.usedBytes());
    }
}
