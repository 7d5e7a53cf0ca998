package fornax.kernel.ninep;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdPoolTest {
    @Test
    void tagsNeverIncludeNotagAndRunOutAfter65535() throws Exception {
        IdPool tags = IdPool.tags();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 0xFFFF; i++) assertTrue(seen.add(tags.allocate()));
        assertFalse(seen.contains(NineP.NOTAG));
        assertEquals(0xFFFF, tags.count());
        assertThrows(NinePException.class, tags::allocate);
        tags.release(1234);
        assertEquals(1234, tags.allocate());                    // freed numbers come back first
    }

    @Test
    void releaseOfANumberNotInUseIsRefused() throws Exception {
        IdPool fids = IdPool.fids();
        int a = fids.allocate(), b = fids.allocate();
        assertNotEquals(a, b);
        assertTrue(fids.inUse(a));
        fids.release(a);
        assertFalse(fids.inUse(a));
        assertThrows(IllegalStateException.class, () -> fids.release(a));
        assertThrows(IllegalStateException.class, () -> fids.release(NineP.NOFID));
        assertEquals(1, fids.count());
    }
}
